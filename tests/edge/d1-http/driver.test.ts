/**
 * The `viborm/d1-http` driver against the local D1 HTTP endpoint (Cloudflare's API shape, on
 * Miniflare's D1): the requests it sends, one per call; errors with SQLite's code and the API's
 * status; the token kept out of every error; located failures; options and ownership.
 */
import { isVibormError, s } from "viborm";
import { createClient, createD1HttpDriver, type D1HttpDriverOptions, type D1HttpFetch } from "viborm/d1-http";
import { beforeEach, describe, expect, test } from "vitest";
import { type D1Fixture, emptyD1, sharedD1 } from "../fixtures/d1.js";

const schema = { thing: s.model({ id: s.int().id(), label: s.string() }) };
/** A token distinctive enough that finding it anywhere in an error is a leak. */
const SECRET = "cf-token-SECRET-0123456789";

describe("viborm/d1-http driver", () => {
  let http: D1Fixture["http"];
  beforeEach(async () => {
    http = (await sharedD1()).http;
    await emptyD1(http.database);
  });

  const options = (extra: Partial<D1HttpDriverOptions> = {}): D1HttpDriverOptions => ({
    accountId: http.endpoint.accountId,
    databaseId: http.databaseId,
    apiToken: http.endpoint.apiToken,
    baseUrl: http.endpoint.baseUrl,
    ...extra,
  });
  const since = (start: number) => http.endpoint.log.slice(start);

  test("query sends { sql, params } in one POST with the bearer token; rows and rows changed come back", async () => {
    const client = createClient({ schema, ...options() });
    expect(client.$driver).toMatchObject({ name: "d1-http", dialect: "sqlite", atomic: { kind: "batch" } });
    const start = http.endpoint.requests();
    await client.$executeRaw(`CREATE TABLE "thing" ("id" INTEGER PRIMARY KEY, "label" TEXT, "raw" BLOB, "ok" INTEGER)`);
    expect(
      await client.$executeRaw(`INSERT INTO "thing" VALUES (?, ?, ?, ?), (?, ?, ?, ?)`, [
        1,
        "it's",
        new Uint8Array([0, 255]),
        true,
        2,
        null,
        null,
        false,
      ]),
    ).toBe(2);
    const rows = await client.$queryRaw(`SELECT * FROM "thing" ORDER BY "id"`);
    expect(rows).toEqual([
      { id: 1, label: "it's", raw: new Uint8Array([0, 255]), ok: 1 },
      { id: 2, label: null, raw: null, ok: 0 },
    ]);
    const requests = since(start);
    expect(requests).toHaveLength(3);
    expect(requests[1]).toEqual({
      method: "POST",
      path: `/client/v4/accounts/${http.endpoint.accountId}/d1/database/${http.databaseId}/query`,
      authorization: `Bearer ${http.endpoint.apiToken}`,
      body: {
        sql: `INSERT INTO "thing" VALUES (?, ?, ?, ?), (?, ?, ?, ?)`,
        params: [1, "it's", [0, 255], 1, 2, null, null, 0],
      },
    });
    expect(requests[2]!.body).toEqual({ sql: `SELECT * FROM "thing" ORDER BY "id"` });
  });

  test("queryAll and atomic batches are one request with { batch }", async () => {
    const driver = createD1HttpDriver(options());
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    const start = http.endpoint.requests();
    expect(await driver.queryAll([])).toEqual([]);
    expect(await driver.atomic.batch([])).toEqual([]);
    expect(http.endpoint.requests()).toBe(start);
    const results = await driver.atomic.batch([
      { sql: `CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)` },
      { sql: `INSERT INTO "t" VALUES (?), (?)`, params: [1, 2n] },
    ]);
    expect(results.map((result) => result.rowsAffected)).toEqual([0, 2]);
    expect(
      await driver.queryAll([{ sql: `SELECT COUNT(*) AS n FROM "t"` }, { sql: "SELECT ? AS x", params: ["y"] }]),
    ).toEqual([[{ n: 2 }], [{ x: "y" }]]);
    expect(since(start).map((request) => request.body)).toEqual([
      {
        batch: [
          { sql: `CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)` },
          { sql: `INSERT INTO "t" VALUES (?), (?)`, params: [1, 2] },
        ],
      },
      { batch: [{ sql: `SELECT COUNT(*) AS n FROM "t"` }, { sql: "SELECT ? AS x", params: ["y"] }] },
    ]);
  });

  test("a script of several statements is one request; rows changed add up", async () => {
    const client = createClient({ schema, ...options() });
    const start = http.endpoint.requests();
    expect(
      await client.$executeRaw(
        `CREATE TABLE "a" ("x" INTEGER);\nINSERT INTO "a" VALUES (1), (2);\nINSERT INTO "a" VALUES (3);`,
      ),
    ).toBe(3);
    expect(http.endpoint.requests() - start).toBe(1);
  });

  test("errors: D1's message, SQLite's code, the API's status and errors on the cause", async () => {
    const driver = createD1HttpDriver(options());
    const error = await driver.query("SELECT * FROM nowhere").catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as { meta: unknown }).meta).toEqual({ sql: "SELECT * FROM nowhere", driver: "d1-http" });
    expect((error as Error).message).toMatch(/no such table: nowhere/);
    expect((error as { cause: unknown }).cause).toMatchObject({
      code: "SQLITE_ERROR",
      status: 400,
      errors: [{ code: 7500, message: expect.stringMatching(/no such table/) }],
    });
  });

  test("a failed batch: nothing kept, the failing statement located with a few more requests", async () => {
    const driver = createD1HttpDriver(options());
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    await driver.query(`CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)`);
    const statements = [
      { sql: `CREATE TABLE "gone" ("id" INTEGER)` },
      { sql: `INSERT INTO "t" VALUES (1)` },
      { sql: `INSERT INTO "t" VALUES (2)` },
      { sql: `INSERT INTO "t" VALUES (1)` },
      { sql: `INSERT INTO "t" VALUES (3)` },
    ];
    let start = http.endpoint.requests();
    const error = await driver.atomic.batch(statements).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "QUERY_FAILED", statementIndex: 3, cause: { code: "SQLITE_CONSTRAINT" } });
    expect(http.endpoint.requests() - start).toBeLessThanOrEqual(1 + 3 + 1);
    expect((await driver.query(`SELECT name FROM sqlite_master WHERE name IN ('gone')`)).rows).toEqual([]);
    expect((await driver.query(`SELECT * FROM "t"`)).rows).toEqual([]);

    const quiet = createD1HttpDriver(options({ locateFailedStatement: false }));
    if (quiet.atomic.kind !== "batch") throw new Error("expected a batch driver");
    start = http.endpoint.requests();
    const unlocated = await quiet.atomic.batch(statements).catch((e: unknown) => e);
    expect((unlocated as { statementIndex?: number }).statementIndex).toBeUndefined();
    expect(http.endpoint.requests() - start).toBe(1);
  });

  test("the API token never appears in an error: refused token, failing fetch, SQL error, bad options", async () => {
    const refused = createD1HttpDriver(options({ apiToken: SECRET }));
    const denied = await refused.query("SELECT 1").catch((e: unknown) => e);
    expect(isVibormError(denied, "CONNECTION_FAILED")).toBe(true);
    expect(denied).toMatchObject({ cause: { status: 401, errors: [{ code: 10000 }] } });

    // A fetch whose own error repeats the request's headers (a proxy might): redacted.
    const leaky: D1HttpFetch = async (_url, init) => {
      throw new Error(`proxy refused ${JSON.stringify(init.headers)}`);
    };
    const network = await createD1HttpDriver(options({ apiToken: SECRET, fetch: leaky }))
      .query("SELECT 1")
      .catch((e: unknown) => e);
    expect((network as Error).message).toMatch(/request to the D1 HTTP API failed: proxy refused/);

    const echo: D1HttpFetch = async (_url, init) => ({
      ok: false,
      status: 400,
      text: async () =>
        JSON.stringify({ success: false, errors: [{ code: 7500, message: `bad ${init.headers.Authorization}` }] }),
    });
    const echoed = await createD1HttpDriver(options({ apiToken: SECRET, fetch: echo }))
      .query("SELECT 1")
      .catch((e: unknown) => e);

    const invalid = (() => {
      try {
        createD1HttpDriver({ ...options(), apiToken: "" });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(invalid, "INVALID_ARGUMENT")).toBe(true);
    expect((invalid as { meta: unknown }).meta).toEqual({ argument: "apiToken" });

    expect(isVibormError(network, "CONNECTION_FAILED")).toBe(true);
    expect(isVibormError(echoed, "QUERY_FAILED")).toBe(true);
    for (const error of [denied, network, echoed]) expect(everything(error)).not.toContain(SECRET);
  });

  test("unreachable or unknown database: CONNECTION_FAILED; a non-JSON answer: QUERY_FAILED with its status", async () => {
    const closedPort = createD1HttpDriver(options({ baseUrl: "http://127.0.0.1:9/client/v4" }));
    await expect(closedPort.query("SELECT 1")).rejects.toMatchObject({
      code: "CONNECTION_FAILED",
      meta: { driver: "d1-http", host: "127.0.0.1:9" },
      cause: { message: expect.stringMatching(/request to the D1 HTTP API failed/) },
    });
    const unknown = createD1HttpDriver(options({ databaseId: "no-such-database" }));
    await expect(unknown.query("SELECT 1")).rejects.toMatchObject({
      code: "CONNECTION_FAILED",
      meta: { database: "no-such-database" },
      cause: { status: 404 },
    });
    const gateway: D1HttpFetch = async () => ({ ok: false, status: 502, text: async () => "<html>Bad gateway</html>" });
    const html = await createD1HttpDriver(options({ fetch: gateway }))
      .query("SELECT 1")
      .catch((e: unknown) => e);
    expect(html).toMatchObject({ code: "QUERY_FAILED", cause: { status: 502 } });
    expect((html as Error).message).toMatch(/answered 502/);
  });

  test("URL: Cloudflare's API root by default, ids encoded, a trailing slash on baseUrl ignored", async () => {
    const urls: string[] = [];
    const recording: D1HttpFetch = async (url) => {
      urls.push(url);
      return { ok: true, status: 200, text: async () => JSON.stringify({ success: true, result: [{ results: [] }] }) };
    };
    await createD1HttpDriver({ accountId: "acc", databaseId: "a/b", apiToken: "t", fetch: recording }).query(
      "SELECT 1",
    );
    await createD1HttpDriver({ ...options(), baseUrl: "http://x.test/v4/", fetch: recording }).query("SELECT 1");
    expect(urls).toEqual([
      "https://api.cloudflare.com/client/v4/accounts/acc/d1/database/a%2Fb/query",
      `http://x.test/v4/accounts/${http.endpoint.accountId}/d1/database/${http.databaseId}/query`,
    ]);
  });

  test("$close: later calls fail without a request", async () => {
    const client = createClient({ schema, ...options() });
    await client.$close();
    const start = http.endpoint.requests();
    await expect(client.$queryRaw("SELECT 1")).rejects.toMatchObject({ code: "QUERY_FAILED" });
    expect(http.endpoint.requests()).toBe(start);
  });
});

// internal

/** Everything an error shows: message, JSON, meta and its causes' messages and fields. */
function everything(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    parts.push(String((current as Error).message), JSON.stringify(current), String(current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join("\n");
}
