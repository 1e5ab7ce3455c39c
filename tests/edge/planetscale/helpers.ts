/**
 * Helpers for the PlanetScale tests: a throwaway MariaDB database behind the file's local endpoint,
 * and the requests it served, each labelled with what it was for.
 */
import { createMysqlDatabase } from "../../helpers/databases.js";
import { type EndpointRequest, sharedPlanetScaleEndpoint } from "../fixtures/planetscale-endpoint.js";

/** A database reachable through the endpoint, and the requests made to it. */
export interface EndpointDatabase {
  name: string;
  /** The URL for `createClient({ url })` / `connect({ url })`. */
  url: string;
  /** Requests made to this database since it was created (or since `mark()`). */
  requests(): EndpointRequest[];
  /** Starts counting afresh. */
  mark(): void;
  /** Ends its sessions and drops it. */
  drop(): Promise<void>;
}

/** A fresh database on the file's endpoint. */
export async function endpointDatabase(): Promise<EndpointDatabase> {
  const endpoint = await sharedPlanetScaleEndpoint();
  const database = await createMysqlDatabase("viborm_ps");
  const mine = () => endpoint.requests.filter((request) => request.database === database.name);
  let from = 0;
  return {
    name: database.name,
    url: endpoint.url(database.name),
    requests: () => mine().slice(from),
    mark() {
      from = mine().length;
    },
    async drop() {
      await endpoint.endSessions(database.name);
      await database.drop();
    },
  };
}

/** What a request was for, from its SQL (the vocabulary of the round-trip report). */
export function purpose(request: EndpointRequest): string {
  const sql = request.query ?? "";
  if (request.method !== "Execute") return request.method;
  if (/GET_LOCK\(/.test(sql)) return "lock";
  if (/RELEASE_LOCK\(/.test(sql)) return "unlock";
  if (/^(BEGIN|COMMIT|ROLLBACK)$/.test(sql)) return "transaction";
  if (/`_viborm_progress`/.test(sql)) {
    if (/^CREATE/.test(sql)) return "progress table";
    if (/^SELECT/.test(sql)) return "progress read";
    if (/^INSERT/.test(sql)) return "progress write";
    return "progress cleanup";
  }
  if (/`_viborm_migrations`/.test(sql)) {
    if (/^SELECT/.test(sql)) return "tracking read";
    if (/^INSERT/.test(sql)) return "tracking write";
    if (/^CREATE/.test(sql)) return "tracking table";
    return "tracking delete";
  }
  if (/information_schema|^SELECT VERSION\(\)/.test(sql)) return "introspection";
  return "statement";
}

/** Requests counted by purpose, e.g. `{ lock: 2, statement: 3, … }`. */
export function byPurpose(requests: EndpointRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const request of requests) {
    const key = purpose(request);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
