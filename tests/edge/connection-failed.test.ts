/**
 * The HTTP drivers say CONNECTION_FAILED when the database is not reached — an endpoint nobody
 * listens on, refused credentials, an unknown database — and never leak the secret that was refused.
 * Each runs `status`, which must never read such a failure as "everything pending".
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isVibormError, type Schema } from "viborm";
import { createClient as createD1HttpClient } from "viborm/d1-http";
import { createMigrationClient } from "viborm/migrations";
import { createClient as createNeonClient } from "viborm/neon-http";
import { createClient as createPlanetScaleClient } from "viborm/planetscale";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { memoryStorage } from "../fleet/helpers.js";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { sharedD1 } from "./fixtures/d1.js";
import { type NeonEndpoint, startNeonEndpoint } from "./fixtures/neon-endpoint.js";
import { sharedPlanetScaleEndpoint } from "./fixtures/planetscale-endpoint.js";

const SECRET = "Sup3r-Secret-pw-0123";

/** A loopback port nothing listens on (fetch refuses "bad ports" such as 9 before connecting). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function statusError(client: { $close(): Promise<void> } & Parameters<typeof createMigrationClient>[0]) {
  try {
    return await createMigrationClient(client, { storageDriver: memoryStorage() })
      .status()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
  } finally {
    await client.$close();
  }
}

function expectConnectionFailed(error: unknown, driver: string): void {
  expect(isVibormError(error) ? `${error.code}: ${error.message}` : error).toMatch(/^CONNECTION_FAILED/);
  if (!isVibormError(error, "CONNECTION_FAILED")) return;
  expect(error.meta.driver).toBe(driver);
  const everything = JSON.stringify({ json: error.toJSON(), message: error.message });
  expect(everything).not.toContain(SECRET);
  expect(everything.toLowerCase()).not.toContain(SECRET.toLowerCase());
}

const schema: Schema = {};

describe("viborm/neon-http", () => {
  let database: TempDatabase | undefined;
  let endpoint: NeonEndpoint | undefined;
  beforeAll(async () => {
    if (!(await requireDatabase("postgres", "neon-http connection-failure tests"))) return;
    [database, endpoint] = await Promise.all([createPgDatabase("viborm_neonfail"), startNeonEndpoint()]);
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });

  test("an endpoint nobody listens on", async (ctx) => {
    if (!database) return ctx.skip();
    const url = Object.assign(new URL(database.url), { password: SECRET }).toString();
    const client = createNeonClient({
      schema,
      databaseUrl: url,
      fetchEndpoint: `http://127.0.0.1:${await closedPort()}/sql`,
    });
    expectConnectionFailed(await statusError(client), "neon-http");
  });

  test("a database that does not exist", async (ctx) => {
    if (!database || !endpoint) return ctx.skip();
    const url = Object.assign(new URL(database.url), { pathname: "/viborm_no_such_database" }).toString();
    const client = createNeonClient({ schema, databaseUrl: url, fetchEndpoint: endpoint.url });
    expectConnectionFailed(await statusError(client), "neon-http");
  });
});

describe("viborm/planetscale", () => {
  test("refused credentials", async (ctx) => {
    if (!(await requireDatabase("mysql", "planetscale connection-failure tests"))) return ctx.skip();
    const endpoint = await sharedPlanetScaleEndpoint();
    const url = Object.assign(new URL(endpoint.url("test")), { password: SECRET }).toString();
    expectConnectionFailed(await statusError(createPlanetScaleClient({ schema, url })), "planetscale");
  });

  test("an endpoint nobody listens on", async () => {
    const url = `http://test:${SECRET}@127.0.0.1:${await closedPort()}`;
    expectConnectionFailed(await statusError(createPlanetScaleClient({ schema, url })), "planetscale");
  });
});

describe("viborm/d1-http", () => {
  test("a refused token, an unknown database and an API nobody listens on", async () => {
    const { http } = await sharedD1();
    const base = {
      accountId: http.endpoint.accountId,
      databaseId: http.databaseId,
      apiToken: http.endpoint.apiToken,
      baseUrl: http.endpoint.baseUrl,
    };
    for (const options of [
      { ...base, apiToken: SECRET },
      { ...base, databaseId: "no-such-database" },
      { ...base, apiToken: SECRET, baseUrl: `http://127.0.0.1:${await closedPort()}/client/v4` },
    ]) {
      expectConnectionFailed(await statusError(createD1HttpClient({ schema, ...options })), "d1-http");
    }
  });
});
