/**
 * The `viborm/neon-http` driver with the real `@neondatabase/serverless` client, against a local
 * endpoint speaking Neon's SQL-over-HTTP protocol on the machine's PostgreSQL: one request per
 * query, one transaction request per `queryAll` and per batch, errors with the SQLSTATE reachable,
 * endpoint routing and connection ownership.
 */
import { neon, neonConfig } from "@neondatabase/serverless";
import { isVibormError, s } from "viborm";
import { createClient, createNeonHttpDriver, type NeonSqlLike } from "viborm/neon-http";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";
import { type NeonEndpoint, startNeonEndpoint } from "../fixtures/neon-endpoint.js";

const schema = { thing: s.model({ id: s.int().id(), label: s.string() }) };

describe("viborm/neon-http driver", () => {
  let database: TempDatabase | undefined;
  let endpoint: NeonEndpoint;

  beforeAll(async () => {
    if (!(await requireDatabase("postgres", "viborm/neon-http driver tests"))) return;
    [database, endpoint] = await Promise.all([createPgDatabase("viborm_neon"), startNeonEndpoint()]);
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });
  beforeEach(async (context) => {
    if (!database) return context.skip();
    const reset = createNeonHttpDriver({ databaseUrl: database.url, fetchEndpoint: endpoint.url });
    await reset.query("DROP SCHEMA public CASCADE");
    await reset.query("CREATE SCHEMA public");
    await reset.close();
    endpoint.resetCount();
  });

  const open = () => createClient({ schema, databaseUrl: database!.url, fetchEndpoint: endpoint.url });

  test("raw queries: one request each, rows typed by the server's type ids, rows changed counted", async () => {
    const client = open();
    expect(client.$driver).toMatchObject({ name: "neon-http", dialect: "postgres", atomic: { kind: "batch" } });
    await client.$executeRaw(
      `CREATE TABLE "thing" ("id" integer PRIMARY KEY, "label" text, "big" bigint, "ok" boolean)`,
    );
    expect(
      await client.$executeRaw(`INSERT INTO "thing" VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)`, [
        1,
        "it's",
        9007199254740993n,
        true,
        2,
        null,
        0,
        false,
      ]),
    ).toBe(2);
    const rows = await client.$queryRaw(
      `SELECT "id", "label", "big", "ok", '{"a":1}'::jsonb AS "doc" FROM "thing" ORDER BY "id"`,
    );
    expect(rows).toEqual([
      { id: 1, label: "it's", big: "9007199254740993", ok: true, doc: { a: 1 } },
      { id: 2, label: null, big: "0", ok: false, doc: { a: 1 } },
    ]);
    expect(await client.$executeRaw(`UPDATE "thing" SET "label" = 'x'`)).toBe(2);
    expect(endpoint.requests).toBe(4);
    expect(endpoint.log.every((request) => !request.transaction && request.queries.length === 1)).toBe(true);
    await client.$close();
  });

  test("a database error is QUERY_FAILED with Neon's error as cause and the SQLSTATE as cause.code", async () => {
    const client = open();
    const error = await client.$queryRaw("SELECT * FROM nowhere").catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as { meta: unknown }).meta).toEqual({ sql: "SELECT * FROM nowhere", driver: "neon-http" });
    expect((error as Error).cause).toMatchObject({ name: "NeonDbError", code: "42P01" });
    // Neon runs each query through the extended protocol: two statements in one string fail.
    const two = await client.$executeRaw("SELECT 1; SELECT 2").catch((e: unknown) => e);
    expect((two as Error).cause).toMatchObject({ code: "42601" });
    await client.$close();
  });

  test("queryAll is one transaction request, READ ONLY when every statement reads", async () => {
    const driver = createNeonHttpDriver({ databaseUrl: database!.url, fetchEndpoint: endpoint.url });
    expect(await driver.queryAll([])).toEqual([]);
    expect(endpoint.requests).toBe(0);
    const reads = await driver.queryAll([
      { sql: "SELECT 1 AS a" },
      { sql: "-- a comment first\nWITH x AS (SELECT $1::text AS b) SELECT b FROM x", params: ["p"] },
    ]);
    expect(reads).toEqual([[{ a: 1 }], [{ b: "p" }]]);
    const created = await driver.queryAll([
      { sql: "CREATE TABLE made (id int)" },
      { sql: "SELECT count(*)::int AS n FROM made" },
    ]);
    expect(created).toEqual([[], [{ n: 0 }]]);
    expect(endpoint.log.map((request) => [request.transaction, request.batchHeaders["neon-batch-read-only"]])).toEqual([
      [true, "true"],
      [true, "false"],
    ]);
    await driver.close();
  });

  test("a batch is one transaction: all of it or none of it, with the failed statement's index", async () => {
    const driver = createNeonHttpDriver({ databaseUrl: database!.url, fetchEndpoint: endpoint.url });
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    const results = await driver.atomic.batch([
      { sql: "CREATE TABLE a (id int PRIMARY KEY)" },
      { sql: "INSERT INTO a VALUES ($1), ($2)", params: [1, 2] },
    ]);
    expect(results.map((result) => result.rowsAffected)).toEqual([undefined, 2]);

    const error = await driver.atomic
      .batch([
        { sql: "CREATE TABLE b (id int)" },
        { sql: "INSERT INTO a VALUES (3)" },
        { sql: "INSERT INTO no_such_table VALUES (1)" },
        { sql: "CREATE TABLE c (id int)" },
      ])
      .catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect(error).toMatchObject({ statementIndex: 2, meta: { sql: "INSERT INTO no_such_table VALUES (1)" } });
    expect((error as Error).cause).toMatchObject({ code: "42P01" });
    const duplicate = await driver.atomic
      .batch([{ sql: "CREATE TABLE d (id int)" }, { sql: "INSERT INTO a VALUES (1)" }])
      .catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ statementIndex: 1, cause: { code: "23505", constraint: "a_pkey" } });
    expect(endpoint.requests).toBe(3);

    const left = await driver.query(
      "SELECT string_agg(tablename, ',' ORDER BY tablename) AS t, (SELECT count(*)::int FROM a) AS n FROM pg_tables WHERE schemaname = 'public'",
    );
    expect(left.rows).toEqual([{ t: "a", n: 2 }]);
    await driver.close();
  });

  test("a failure the error cannot pin to one statement carries no index rather than a guess", async () => {
    const driver = createNeonHttpDriver({ databaseUrl: database!.url, fetchEndpoint: endpoint.url });
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    const error = await driver.atomic
      .batch([{ sql: "SELECT * FROM ghost" }, { sql: "SELECT 1" }, { sql: "SELECT * FROM ghost" }])
      .catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as { statementIndex?: number }).statementIndex).toBeUndefined();
    expect((error as { meta: { sql: string } }).meta.sql).toContain("SELECT 1");
    await driver.close();
  });

  test("an owned client stops at $close and frees its route; fetchEndpoint routes only its own host", async () => {
    const client = open();
    await client.$close();
    await client.$close();
    const closed = await client.$queryRaw("SELECT 1").catch((e: unknown) => e);
    expect(isVibormError(closed, "QUERY_FAILED")).toBe(true);

    const first = open();
    const conflict = (() => {
      try {
        createClient({ schema, databaseUrl: database!.url, fetchEndpoint: "http://127.0.0.1:9/sql" });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(conflict, "INVALID_ARGUMENT")).toBe(true);
    expect(JSON.stringify(conflict)).not.toContain(database!.url);
    // Another host keeps Neon's own endpoint: the router falls back to the previous setting.
    const endpointFor = neonConfig.fetchEndpoint as (host: string, port: string) => string;
    expect(endpointFor("ep-cool-name-123.us-east-2.aws.neon.tech", "")).toBe("https://api.us-east-2.aws.neon.tech/sql");
    expect(await first.$queryRaw("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await first.$close();
  });

  test("a neon() function you pass is used as is and stays usable after $close", async () => {
    const previous = neonConfig.fetchEndpoint;
    // How a user points their own neon() at an endpoint: Neon's global setting.
    neonConfig.fetchEndpoint = () => endpoint.url;
    try {
      const sql = neon(database!.url);
      const client = createClient({ schema, sql });
      expect(await client.$queryRaw("SELECT $1::int AS n", [7])).toEqual([{ n: 7 }]);
      await client.$close();
      expect(await sql.query("SELECT 2 AS n")).toEqual([{ n: 2 }]);
      // The real client's type satisfies the structural one viborm declares.
      const typed: NeonSqlLike = sql;
      expect(typed).toBe(sql);
    } finally {
      neonConfig.fetchEndpoint = previous;
    }
  });

  test("a malformed databaseUrl is INVALID_ARGUMENT without the URL (it may hold a password)", () => {
    const databaseUrl = "postgresql://user:s3cret@bad host/db";
    const error = (() => {
      try {
        createClient({ schema, databaseUrl });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    expect(JSON.stringify(error)).not.toContain("s3cret");
    expect((error as Error).message).not.toContain("s3cret");
  });

  test("an invalid schema fails before any request", () => {
    const post = s.model({ id: s.int().id(), authorId: s.int(), author: s.manyToOne(() => ghost).fields("authorId") });
    const ghost = s.model({ id: s.int().id() });
    expect(() => createClient({ schema: { post }, databaseUrl: database!.url, fetchEndpoint: endpoint.url })).toThrow(
      expect.objectContaining({ code: "INVALID_SCHEMA" }),
    );
    expect(endpoint.requests).toBe(0);
  });
});
