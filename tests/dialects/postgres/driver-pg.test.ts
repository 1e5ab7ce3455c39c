/**
 * The `viborm/pg` driver on the real server: queries and errors, one-round-trip `queryAll`,
 * sessions pinned to one connection, and connection ownership.
 */
import pg from "pg";
import { isVibormError, s } from "viborm";
import { createClient, createPgDriver, type PgPoolLike } from "viborm/pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";

const schema = { thing: s.model({ id: s.int().id(), label: s.string() }) };

describe("viborm/pg driver", () => {
  let database: TempDatabase | undefined;

  beforeAll(async () => {
    if (await requireDatabase("postgres", "viborm/pg driver tests"))
      database = await createPgDatabase("viborm_pgdriver");
  });
  afterAll(async () => {
    await database?.drop();
  });

  function url(context: { skip(): void }): string {
    if (!database) context.skip();
    return database!.url;
  }

  test("createClient from a URL: raw queries with parameters, rows changed, and $close ends its pool", async (context) => {
    const client = createClient({ schema, databaseUrl: url(context) });
    expect(client.$driver).toMatchObject({ name: "pg", dialect: "postgres" });
    expect(client.$snapshot.tables.map((table) => table.name)).toEqual(["thing"]);
    await client.$executeRaw(`CREATE TABLE "thing" ("id" integer PRIMARY KEY, "label" text NOT NULL)`);
    expect(await client.$executeRaw(`INSERT INTO "thing" VALUES ($1, $2), ($3, $4)`, [1, "it's", 2, "b"])).toBe(2);
    expect(await client.$queryRaw(`SELECT "label" FROM "thing" WHERE "id" = $1`, [1])).toEqual([{ label: "it's" }]);
    expect(await client.$executeRaw(`UPDATE "thing" SET "label" = 'c'`)).toBe(2);
    await client.$close();
    await client.$close();
    await expect(client.$queryRaw("SELECT 1")).rejects.toMatchObject({ code: "QUERY_FAILED" });
  });

  test("a failing query is a QueryFailedError with the SQL and the driver's error as cause", async (context) => {
    const driver = createPgDriver({ databaseUrl: url(context) });
    try {
      const error = await driver.query("SELECT * FROM nowhere").catch((e: unknown) => e);
      expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
      expect((error as { meta: unknown }).meta).toEqual({ sql: "SELECT * FROM nowhere", driver: "pg" });
      expect((error as { cause: { code: string } }).cause.code).toBe("42P01");
      const all = await driver
        .queryAll([{ sql: "SELECT 1" }, { sql: "SELECT * FROM nowhere" }])
        .catch((e: unknown) => e);
      expect(isVibormError(all, "QUERY_FAILED")).toBe(true);
    } finally {
      await driver.close();
    }
  });

  test("queryAll: parameterless statements in one round trip, parameterised ones in order on one connection", async (context) => {
    const pool = new pg.Pool({ connectionString: url(context) });
    const calls: string[] = [];
    const spy: PgPoolLike = {
      query: (sql, params) => {
        calls.push(sql);
        return pool.query(sql, params as unknown[]);
      },
      connect: async () => {
        calls.push("connect");
        return pool.connect();
      },
      end: () => pool.end(),
    };
    const driver = createPgDriver({ pool: spy });
    try {
      expect(await driver.queryAll([])).toEqual([]);
      const plain = await driver.queryAll([
        { sql: "SELECT 1 AS a;" },
        { sql: "SELECT 2 AS b WHERE false -- a trailing comment" },
        { sql: "SET LOCAL statement_timeout = 0" },
        { sql: "SELECT 'x;y' AS c" },
      ]);
      expect(plain).toEqual([[{ a: 1 }], [], [], [{ c: "x;y" }]]);
      expect(calls).toHaveLength(1);
      calls.length = 0;
      const bound = await driver.queryAll([{ sql: "SELECT $1::int4 AS a", params: [7] }, { sql: "SELECT 'z' AS b" }]);
      expect(bound).toEqual([[{ a: 7 }], [{ b: "z" }]]);
      expect(calls).toEqual(["connect"]);
    } finally {
      await driver.close();
      await pool.end();
    }
  });

  test("withSession pins one connection: session state is visible inside it and nowhere else", async (context) => {
    const driver = createPgDriver({ databaseUrl: url(context) });
    try {
      if (driver.atomic.kind !== "session") throw new Error("session expected");
      const atomic = driver.atomic;
      const pids = await atomic.withSession(async (session) => {
        await session.query(`CREATE TEMP TABLE "scratch" ("v" text)`);
        await session.query(`INSERT INTO "scratch" VALUES ($1)`, ["it's"]);
        const first = await session.query("SELECT pg_backend_pid() AS pid");
        expect((await session.query(`SELECT "v" FROM "scratch"`)).rows).toEqual([{ v: "it's" }]);
        const second = await session.query("SELECT pg_backend_pid() AS pid");
        // Another connection of the same pool, at the same time, cannot see the session's temp table.
        const elsewhere = await driver.query(`SELECT to_regclass('pg_temp.scratch') IS NULL AS missing`);
        expect(elsewhere.rows).toEqual([{ missing: true }]);
        return [first.rows[0]?.pid, second.rows[0]?.pid];
      });
      expect(pids[0]).toBe(pids[1]);

      const failure = await atomic
        .withSession(async (session) => {
          await session.query("BEGIN");
          await session.query("SELECT 1/0");
        })
        .catch((e: unknown) => e);
      expect(isVibormError(failure, "QUERY_FAILED")).toBe(true);
      expect((await driver.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
    } finally {
      await driver.close();
    }
  });

  test("a pool passed in is never ended by the client", async (context) => {
    const pool = new pg.Pool({ connectionString: url(context) });
    try {
      const client = createClient({ schema, pool });
      expect(await client.$queryRaw("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await client.$close();
      expect((await pool.query("SELECT 2 AS two")).rows).toEqual([{ two: 2 }]);
      expect(pool.ended).toBe(false);
    } finally {
      await pool.end();
    }
  });

  test("an invalid schema fails at createClient with INVALID_SCHEMA", () => {
    const broken = { a: s.model({ id: s.int().id() }).map("t"), b: s.model({ id: s.int().id() }).map("t") };
    const error = (() => {
      try {
        createClient({ schema: broken, databaseUrl: "postgres://nobody@127.0.0.1:1/none" });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(error, "INVALID_SCHEMA")).toBe(true);
  });
});
