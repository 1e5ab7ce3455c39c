/**
 * viborm/planetscale through the real `@planetscale/database` client against the local endpoint:
 * values, errors, connection ownership and pinned sessions.
 */
import { Client, connect } from "@planetscale/database";
import { isVibormError, s } from "viborm";
import { createClient } from "viborm/planetscale";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { requireDatabase } from "../../helpers/databases.js";
import { sharedPlanetScaleEndpoint } from "../fixtures/planetscale-endpoint.js";
import { type EndpointDatabase, endpointDatabase } from "./helpers.js";

const schema = { thing: s.model({ id: s.int().id() }) };

describe("viborm/planetscale driver", () => {
  let db: EndpointDatabase;
  let skip = false;
  beforeEach(async (ctx) => {
    skip = !(await requireDatabase("mysql", "planetscale driver tests"));
    if (skip) ctx.skip();
    db = await endpointDatabase();
  });
  afterEach(async () => {
    if (!skip) await db.drop();
  });

  test("booleans, dates, bigints, JSON objects, bytes and awkward strings round-trip as parameters", async () => {
    const client = createClient({ schema, url: db.url });
    await client.$executeRaw(
      "CREATE TABLE v (id INT PRIMARY KEY, flag BOOLEAN, at DATETIME(3), big BIGINT, doc LONGTEXT, bytes VARBINARY(8), txt TEXT, nothing INT NULL)",
    );
    const at = new Date("2026-11-26T18:40:00.123Z");
    const text = 'it\'s a "quote", a back\\slash,\na newline and a ? mark';
    const inserted = await client.$executeRaw(
      "INSERT INTO v VALUES (?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?)",
      [
        1,
        true,
        at,
        9007199254740993n,
        { a: 1, q: "it's" },
        new Uint8Array([0, 255, 39]),
        text,
        null,
        2,
        false,
        at,
        -1n,
        { list: [1, 2] },
        new Uint8Array([]),
        "",
        undefined,
      ],
    );
    expect(inserted).toBe(2);
    const rows = await client.$queryRaw("SELECT * FROM v WHERE id IN (?) ORDER BY id", [[1, 2]]);
    expect(rows).toEqual([
      {
        id: 1,
        flag: 1,
        at: "2026-11-26 18:40:00.123",
        big: "9007199254740993",
        doc: '{"a":1,"q":"it\'s"}',
        bytes: new Uint8Array([0, 255, 39]),
        txt: text,
        nothing: null,
      },
      {
        id: 2,
        flag: 0,
        at: "2026-11-26 18:40:00.123",
        big: "-1",
        doc: '{"list":[1,2]}',
        bytes: new Uint8Array([]),
        txt: "",
        nothing: null,
      },
    ]);
    // A bigint and a date compared on the server, not only read back.
    const [match] = await client.$queryRaw("SELECT COUNT(*) AS n FROM v WHERE big = ? AND at = ?", [
      9007199254740993n,
      at,
    ]);
    expect(Number(match!.n)).toBe(1);
  });

  test("a `?` is formatted only when parameters are given", async () => {
    const client = createClient({ schema, url: db.url });
    await client.$executeRaw("CREATE TABLE q (id INT PRIMARY KEY, note VARCHAR(10) NOT NULL DEFAULT '?')");
    await client.$executeRaw("INSERT INTO q (id) VALUES (1)");
    expect(await client.$queryRaw("SELECT note, ? AS p, '?' AS lit FROM q", ["x"])).toEqual([
      { note: "?", p: "x", lit: "?" },
    ]);
  });

  test("database errors are QUERY_FAILED with the driver error as cause and MySQL's code on it", async () => {
    const client = createClient({ schema, url: db.url });
    const missing = await client.$queryRaw("SELECT * FROM no_such_table").catch((e: unknown) => e);
    expect(isVibormError(missing, "QUERY_FAILED")).toBe(true);
    expect((missing as { meta: { driver: string } }).meta.driver).toBe("planetscale");
    expect((missing as Error).message).toMatch(/no_such_table' doesn't exist$/);
    const cause = (missing as Error).cause as Record<string, unknown>;
    expect(cause).toMatchObject({ name: "DatabaseError", code: "ER_NO_SUCH_TABLE", errno: 1146, sqlState: "42S02" });
    expect(cause.body).toMatchObject({ code: "NOT_FOUND" });

    await client.$executeRaw("CREATE TABLE d (id INT PRIMARY KEY)");
    await client.$executeRaw("INSERT INTO d VALUES (1)");
    const duplicate = await client.$executeRaw("INSERT INTO d VALUES (1)").catch((e: unknown) => e);
    expect((duplicate as Error).cause).toMatchObject({ code: "ER_DUP_ENTRY", errno: 1062, sqlState: "23000" });
    // One statement per request, as on PlanetScale.
    const two = await client.$queryRaw("SELECT 1; SELECT 2").catch((e: unknown) => e);
    expect((two as Error).cause).toMatchObject({ code: "ER_PARSE_ERROR", errno: 1064 });
  });

  test("an HTTP failure (no database error) is QUERY_FAILED with the client's error as cause", async () => {
    const endpoint = await sharedPlanetScaleEndpoint();
    const client = createClient({ schema, url: db.url });
    endpoint.failNext(/^SELECT 42/, 503);
    const error = await client.$queryRaw("SELECT 42 AS n").catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as Error).cause).toMatchObject({ name: "UnknownError", status: 503 });
    expect(await client.$queryRaw("SELECT 42 AS n")).toEqual([{ n: 42 }]);
  });

  test("queryAll sends one request per statement, in order, on one session", async () => {
    const client = createClient({ schema, url: db.url });
    db.mark();
    const results = await client.$driver.queryAll([
      { sql: "SELECT 1 AS a" },
      { sql: "SELECT ? AS b", params: ["two"] },
      { sql: "SELECT CONNECTION_ID() AS c" },
    ]);
    expect(results.slice(0, 2)).toEqual([[{ a: 1 }], [{ b: "two" }]]);
    const requests = db.requests();
    expect(requests.map((r) => r.query)).toEqual(["SELECT 1 AS a", "SELECT 'two' AS b", "SELECT CONNECTION_ID() AS c"]);
    expect(new Set(requests.slice(1).map((r) => r.session)).size).toBe(1);
  });

  test("withSession pins one server session for the whole unit, apart from the client's own", async () => {
    const client = createClient({ schema, url: db.url });
    const id = async (query: (sql: string) => Promise<{ rows: Record<string, unknown>[] }>) =>
      String((await query("SELECT CONNECTION_ID() AS id")).rows[0]!.id);
    const outside = await id((sql) => client.$driver.query(sql));
    const { atomic } = client.$driver;
    if (atomic.kind !== "session") throw new Error("planetscale must offer a session");
    const [first, second, lockHeld] = await atomic.withSession(async (session) => {
      const a = await id((sql) => session.query(sql));
      await session.query("SELECT GET_LOCK('viborm-test', 0)");
      const b = await id((sql) => session.query(sql));
      const held = await session.query("SELECT IS_USED_LOCK('viborm-test') = CONNECTION_ID() AS mine");
      await session.query("SELECT RELEASE_LOCK('viborm-test')");
      return [a, b, Number(held.rows[0]!.mine)];
    });
    expect(first).toBe(second);
    expect(lockHeld).toBe(1);
    expect(first).not.toBe(outside);
    expect(await id((sql) => client.$driver.query(sql))).toBe(outside);
  });

  test("a connection you pass is used for queries and never closed; sessions come from its config", async () => {
    const connection = connect({ url: db.url });
    const client = createClient({ schema, connection });
    expect(await client.$queryRaw("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    await client.$close();
    expect((await connection.execute("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
    const { atomic } = client.$driver;
    if (atomic.kind !== "session") throw new Error("planetscale must offer a session");
    expect(await atomic.withSession(async (session) => (await session.query("SELECT 3 AS three")).rows)).toEqual([
      { three: 3 },
    ]);
    // A Client (a connection factory) works too.
    const factory = createClient({ schema, connection: new Client({ url: db.url }) });
    expect(await factory.$queryRaw("SELECT 4 AS four")).toEqual([{ four: 4 }]);
  });

  test("a connection without a config runs queries but cannot open a migration session", async () => {
    const connection = connect({ url: db.url });
    const bare = { execute: (sql: string, args?: unknown[] | null) => connection.execute(sql, args) };
    const client = createClient({ schema, connection: bare });
    expect(await client.$queryRaw("SELECT 5 AS five")).toEqual([{ five: 5 }]);
    const { atomic } = client.$driver;
    if (atomic.kind !== "session") throw new Error("planetscale must offer a session");
    const error = await atomic.withSession(async () => 1).catch((e: unknown) => e);
    expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe("connection");
  });

  test("no url is INVALID_ARGUMENT; an invalid schema sends no request", async () => {
    const error = (() => {
      try {
        createClient({ schema, url: "" });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    const post = s.model({ id: s.int().id(), authorId: s.int(), author: s.manyToOne(() => ghost).fields("authorId") });
    const ghost = s.model({ id: s.int().id() });
    db.mark();
    expect(() => createClient({ schema: { post }, url: db.url })).toThrow(
      expect.objectContaining({ code: "INVALID_SCHEMA" }),
    );
    expect(db.requests()).toEqual([]);
  });
});
