/**
 * The example Worker, built as it is deployed and run in workerd (Miniflare) with the bindings of
 * `wrangler.toml`: a D1 database, a KV namespace, an R2 bucket and `MIGRATIONS_SOURCE`.
 */
import { readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import type { D1DatabaseLike } from "viborm/d1";
import type { MigrationStatus } from "viborm/migrations";
import { buildWorker } from "../../worker-example/scripts/build.js";
import { accessWorker, d1Database, kvNamespace, r2Bucket } from "../helpers/miniflare.js";

/** The root `wrangler.toml`, as text. */
export const WRANGLER_TOML = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");

/** The `compatibility_date` of `wrangler.toml`, so the tests run the Worker as it is deployed. */
export const COMPATIBILITY_DATE = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(WRANGLER_TOML)?.[1] ?? "missing";

/** The cron of `wrangler.toml`. */
export const CRON = /^crons\s*=\s*\["([^"]+)"\]/m.exec(WRANGLER_TOML)?.[1] ?? "missing";

let built: Promise<string> | undefined;

/** Builds the Worker once per test file; resolves to the bundle's path. */
export function builtWorker(): Promise<string> {
  built ??= buildWorker().then((result) => result.outfile);
  return built;
}

/** One JSON line the Worker logged. */
export interface WorkerLog {
  event: string;
  [field: string]: unknown;
}

/** A running Worker and the ways tests drive and inspect it. */
export interface RunningWorker {
  mf: Miniflare;
  /** The D1 database behind `env.DB`, reached from Node. */
  db: D1DatabaseLike & { exec(sql: string): Promise<unknown> };
  /** Everything the Worker logged with `console.log`, parsed. */
  logs: WorkerLog[];
  /** Fires the cron trigger; resolves to workerd's outcome (`"ok"` or `"exception"`). */
  trigger(): Promise<string>;
  /** `fetch`es a path and returns the status and the parsed JSON body. */
  get(path: string): Promise<{ status: number; body: unknown }>;
  /** Writes a KV entry or an R2 object, as `wrangler kv key put` / `wrangler r2 object put` would. */
  put(binding: "kv" | "r2", key: string, value: string): Promise<void>;
  /** `GET /migrations`, expecting 200. */
  status(): Promise<MigrationStatus[]>;
  dispose(): Promise<void>;
}

/**
 * Starts the built Worker with fresh, empty bindings and `MIGRATIONS_SOURCE = source`.
 *
 * @example const worker = await startWorker("kv"); await worker.trigger();
 */
export async function startWorker(source: string): Promise<RunningWorker> {
  const logs: WorkerLog[] = [];
  // `env.DB` is read from Node through a second Worker by fetch: Miniflare's own D1 proxy answers
  // prepare() over a synchronous channel that, on a loaded machine, can fail a call.
  const mf = new Miniflare({
    workers: [
      {
        name: "viborm-example",
        modules: true,
        scriptPath: await builtWorker(),
        compatibilityDate: COMPATIBILITY_DATE,
        d1Databases: ["DB"],
        kvNamespaces: ["MIGRATIONS_KV"],
        r2Buckets: ["MIGRATIONS_R2"],
        bindings: { MIGRATIONS_SOURCE: source },
      },
      accessWorker({ d1Databases: ["DB"], kvNamespaces: ["MIGRATIONS_KV"], r2Buckets: ["MIGRATIONS_R2"] }),
    ],
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => {
      if (level === "log" && message.startsWith("{")) logs.push(JSON.parse(message) as WorkerLog);
    },
  });
  await mf.ready;
  const database = d1Database(mf, "DB");
  const db = { ...database, exec: (sql: string) => database.prepare(sql).all() } as unknown as RunningWorker["db"];
  const get = async (path: string) => {
    const response = await mf.dispatchFetch(`http://localhost${path}`);
    return { status: response.status, body: (await response.json()) as unknown };
  };
  return {
    mf,
    db,
    logs,
    async trigger() {
      // Miniflare types its Fetcher with @cloudflare/workers-types, which is not installed here.
      const worker = (await mf.getWorker()) as unknown as ScheduledFetcher;
      const result = await worker.scheduled({ cron: CRON, scheduledTime: new Date() });
      return result.outcome;
    },
    get,
    async status() {
      const { status, body } = await get("/migrations");
      if (status !== 200) throw new Error(`GET /migrations answered ${status}: ${JSON.stringify(body)}`);
      return body as MigrationStatus[];
    },
    async put(binding, key, value) {
      await (binding === "kv" ? kvNamespace(mf, "MIGRATIONS_KV") : r2Bucket(mf, "MIGRATIONS_R2")).put(key, value);
    },
    dispose: () => mf.dispose(),
  };
}

/** The part of Miniflare's Fetcher for a scheduled event. */
interface ScheduledFetcher {
  scheduled(options: { cron?: string; scheduledTime?: Date }): Promise<{ outcome: string; noRetry: boolean }>;
}

/** The tables of the D1 database, without D1's own (`_cf_*`) and SQLite's (`sqlite_*`). */
export async function tablesOf(db: D1DatabaseLike): Promise<string[]> {
  const { results = [] } = await db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all();
  return results.map((row) => (row as { name: string }).name);
}

/** `SELECT count(*)` of a table. */
export async function countRows(db: D1DatabaseLike, table: string): Promise<number> {
  const { results = [] } = await db.prepare(`SELECT count(*) AS n FROM "${table}"`).all();
  return Number((results[0] as { n: number }).n);
}
