/**
 * The `viborm/d1` driver on a real D1 binding (Miniflare's workerd): one round trip per query,
 * per `queryAll` and per atomic batch; values as D1 binds them; errors with SQLite's result code;
 * the failing statement of a batch located by rolled-back probes; the binding never closed.
 */
import { isVibormError, s } from "viborm";
import { createClient, createD1Driver, type D1DatabaseLike, type D1PreparedStatementLike } from "viborm/d1";
import { beforeEach, describe, expect, expectTypeOf, test } from "vitest";
import { countingBinding, emptyD1, sharedD1 } from "../fixtures/d1.js";

const schema = { thing: s.model({ id: s.int().id(), label: s.string() }) };

describe("viborm/d1 driver", () => {
  let binding: D1DatabaseLike;
  beforeEach(async () => {
    binding = (await sharedD1()).binding;
    await emptyD1(binding);
  });

  test("raw SQL: rows, rows changed, and one round trip per call", async () => {
    const { database, calls } = countingBinding(binding);
    const client = createClient({ schema, database });
    expect(client.$driver).toMatchObject({ name: "d1", dialect: "sqlite", atomic: { kind: "batch" } });
    await client.$executeRaw(`CREATE TABLE "thing" ("id" INTEGER PRIMARY KEY, "label" TEXT)`);
    expect(await client.$executeRaw(`INSERT INTO "thing" VALUES (?, ?), (?, ?)`, [1, "it's", 2, "b"])).toBe(2);
    expect(await client.$queryRaw(`SELECT * FROM "thing" WHERE "id" = ?`, [1])).toEqual([{ id: 1, label: "it's" }]);
    expect(await client.$executeRaw(`UPDATE "thing" SET "label" = 'c'`)).toBe(2);
    expect(calls.roundTrips).toBe(4);
  });

  test("values: booleans, bigints, dates, JSON, bytes and undefined bind as D1 takes them", async () => {
    const client = createClient({ schema, database: binding });
    await client.$executeRaw(
      `CREATE TABLE "v" ("b" INTEGER, "n" INTEGER, "big" INTEGER, "at" TEXT, "doc" TEXT, "raw" BLOB, "u" TEXT)`,
    );
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const at = new Date("2026-01-02T03:04:05.678Z");
    await client.$executeRaw(`INSERT INTO "v" VALUES (?, ?, ?, ?, ?, ?, ?)`, [
      true,
      42n,
      9007199254740993n,
      at,
      { a: [1, "x"] },
      bytes,
      undefined,
    ]);
    const [row] = await client.$queryRaw(
      `SELECT *, typeof("big") AS "bigType", CAST("big" AS TEXT) AS "bigText" FROM "v"`,
    );
    expect(row).toMatchObject({ b: 1, n: 42, at: at.toISOString(), doc: '{"a":[1,"x"]}', u: null });
    // D1 returns integers as JavaScript numbers; the stored value keeps every digit.
    expect(row).toMatchObject({ bigType: "integer", bigText: "9007199254740993" });
    expect(row!.raw).toBeInstanceOf(Uint8Array);
    expect(Array.from(row!.raw as Uint8Array)).toEqual([0, 1, 254, 255]);
  });

  test("errors are QUERY_FAILED, keep D1's message, and carry SQLite's code on the cause", async () => {
    const driver = createD1Driver({ database: binding });
    const missing = await driver.query("SELECT * FROM nowhere").catch((e: unknown) => e);
    expect(isVibormError(missing, "QUERY_FAILED")).toBe(true);
    expect((missing as { meta: unknown }).meta).toEqual({ sql: "SELECT * FROM nowhere", driver: "d1" });
    expect((missing as Error).message).toMatch(/no such table: nowhere/);
    expect((missing as { cause: { code: string } }).cause.code).toBe("SQLITE_ERROR");

    await driver.query(`CREATE TABLE "u" ("x" TEXT UNIQUE)`);
    await driver.query(`INSERT INTO "u" VALUES ('a')`);
    const duplicate = await driver.query(`INSERT INTO "u" VALUES ('a')`).catch((e: unknown) => e);
    expect((duplicate as Error).message).toMatch(/UNIQUE constraint failed: u\.x/);
    expect((duplicate as { cause: { code: string } }).cause.code).toBe("SQLITE_CONSTRAINT");
    const bad = await driver.queryAll([{ sql: "SELECT 1" }, { sql: "SELEC 2" }]).catch((e: unknown) => e);
    expect(isVibormError(bad, "QUERY_FAILED")).toBe(true);
    expect((bad as { cause: { code: string } }).cause.code).toBe("SQLITE_ERROR");
  });

  test("a message without SQLite's code name still gets one, from its wording; a frozen error is wrapped", async () => {
    // The real binding, its errors rewritten as D1 words them where it names no result code.
    const reword = (statement: D1PreparedStatementLike, freeze: boolean): D1PreparedStatementLike => ({
      bind: (...values) => reword(statement.bind(...values), freeze),
      all: () =>
        statement.all().catch((error: Error) => {
          const plain = new Error(error.message.replace(/: SQLITE_[A-Z_]+.*$/, ""));
          throw freeze ? Object.freeze(plain) : plain;
        }),
    });
    const reworded = (freeze: boolean): D1DatabaseLike => ({
      prepare: (sql) => reword(binding.prepare(sql), freeze),
      batch: (statements) => binding.batch(statements),
    });
    await binding.prepare(`CREATE TABLE "u" ("x" TEXT UNIQUE NOT NULL)`).all();
    await binding.prepare(`INSERT INTO "u" VALUES ('a')`).all();
    const cases = [
      [`INSERT INTO "u" VALUES ('a')`, "SQLITE_CONSTRAINT", /UNIQUE constraint failed: u\.x$/],
      [`INSERT INTO "u" VALUES (NULL)`, "SQLITE_CONSTRAINT", /NOT NULL constraint failed/],
      ["SELECT * FROM nowhere", "SQLITE_ERROR", /no such table: nowhere$/],
      ["SELEC 1", "SQLITE_ERROR", /syntax error/],
    ] as const;
    for (const freeze of [false, true]) {
      const driver = createD1Driver({ database: reworded(freeze) });
      for (const [sql, code, message] of cases) {
        const error = await driver.query(sql).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "QUERY_FAILED", cause: { code } });
        expect((error as Error).message).toMatch(message);
      }
    }
  });

  test("queryAll: one batch for all statements, rows in order; none for an empty list", async () => {
    const { database, calls } = countingBinding(binding);
    const driver = createD1Driver({ database });
    expect(await driver.queryAll([])).toEqual([]);
    expect(calls.roundTrips).toBe(0);
    const results = await driver.queryAll([
      { sql: "SELECT 1 AS a" },
      { sql: "SELECT ? AS b", params: ["x"] },
      { sql: "SELECT 1 AS c WHERE 0" },
    ]);
    expect(results).toEqual([[{ a: 1 }], [{ b: "x" }], []]);
    expect(calls.roundTrips).toBe(1);
  });

  test("atomic batch: one round trip; a failure undoes everything and names the failing statement", async () => {
    const { database, calls } = countingBinding(binding);
    const driver = createD1Driver({ database });
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    const results = await driver.atomic.batch([
      { sql: `CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)` },
      { sql: `INSERT INTO "t" VALUES (?), (?)`, params: [1, 2] },
      { sql: `SELECT * FROM "t" ORDER BY "id"` },
    ]);
    expect(results.map((result) => result.rows)).toEqual([[], [], [{ id: 1 }, { id: 2 }]]);
    expect(calls.roundTrips).toBe(1);

    const statements = [
      { sql: `CREATE TABLE "gone" ("id" INTEGER PRIMARY KEY)` },
      ...Array.from({ length: 8 }, (_, index) => ({ sql: `INSERT INTO "t" VALUES (${index + 10})` })),
      { sql: `INSERT INTO "t" VALUES (1)` },
      { sql: `INSERT INTO "t" VALUES (99)` },
    ];
    calls.roundTrips = 0;
    const error = await driver.atomic.batch(statements).catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect(error).toMatchObject({ statementIndex: 9, meta: { sql: `INSERT INTO "t" VALUES (1)`, driver: "d1" } });
    expect((error as { cause: { code: string } }).cause.code).toBe("SQLITE_CONSTRAINT");
    // The batch, then a binary search over 11 statements: at most 1 + ceil(log2 11) + 1.
    expect(calls.roundTrips).toBeLessThanOrEqual(6);
    expect(await driver.queryAll([{ sql: `SELECT COUNT(*) AS n FROM "t"` }])).toEqual([[{ n: 2 }]]);
    expect((await driver.query(`SELECT name FROM sqlite_master WHERE name = 'gone'`)).rows).toEqual([]);
  });

  test("atomic batch: the first and the last statement are located too", async () => {
    const driver = createD1Driver({ database: binding });
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    await driver.query(`CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)`);
    const fine = { sql: `INSERT INTO "t" VALUES (5)` };
    const broken = { sql: "INSERT INTO nowhere VALUES (1)" };
    for (const [statements, index] of [
      [[broken], 0],
      [[broken, fine], 0],
      [[fine, broken], 1],
      [[fine, { sql: "SELECT 1" }, { sql: "SELECT 2" }, broken], 3],
    ] as const) {
      const error = await driver.atomic.batch([...statements]).catch((e: unknown) => e);
      expect(error).toMatchObject({ statementIndex: index });
    }
  });

  test("a failure at commit (a deferred foreign key) names no statement", async () => {
    const driver = createD1Driver({ database: binding });
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    await driver.query(`CREATE TABLE "p" ("id" INTEGER PRIMARY KEY)`);
    await driver.query(`CREATE TABLE "c" ("id" INTEGER PRIMARY KEY, "p" INTEGER REFERENCES "p" ("id"))`);
    const error = await driver.atomic
      .batch([
        { sql: "PRAGMA defer_foreign_keys = ON" },
        { sql: `INSERT INTO "c" VALUES (1, 42)` },
        { sql: "SELECT 1" },
      ])
      .catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as Error).message).toMatch(/FOREIGN KEY constraint failed/);
    expect((error as { statementIndex?: number }).statementIndex).toBeUndefined();
    expect((error as { cause: { code: string } }).cause.code).toBe("SQLITE_CONSTRAINT");
    expect((await driver.query(`SELECT * FROM "c"`)).rows).toEqual([]);
  });

  test("locateFailedStatement: false sends the failed batch only", async () => {
    const { database, calls } = countingBinding(binding);
    const driver = createD1Driver({ database, locateFailedStatement: false });
    if (driver.atomic.kind !== "batch") throw new Error("expected a batch driver");
    const error = await driver.atomic
      .batch([{ sql: "SELECT 1" }, { sql: "INSERT INTO nowhere VALUES (1)" }])
      .catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as { statementIndex?: number }).statementIndex).toBeUndefined();
    expect(calls.roundTrips).toBe(1);
  });

  test("$close leaves the binding to the Worker, and an invalid schema never reaches it", async () => {
    const { database, calls } = countingBinding(binding);
    const client = createClient({ schema, database });
    await client.$close();
    await client.$close();
    expect(await binding.prepare("SELECT 1 AS one").all()).toMatchObject({ results: [{ one: 1 }] });
    const ghost = s.model({ id: s.int().id() });
    const post = s.model({ id: s.int().id(), ghostId: s.int(), ghost: s.manyToOne(() => ghost).fields("ghostId") });
    expect(() => createClient({ schema: { post }, database })).toThrow(
      expect.objectContaining({ code: "INVALID_SCHEMA" }),
    );
    expect(calls.roundTrips).toBe(0);
  });

  test("Cloudflare's D1Database type fits D1DatabaseLike", () => {
    expectTypeOf<CloudflareD1Database>().toExtend<D1DatabaseLike>();
  });
});

// internal

/** The declarations of @cloudflare/workers-types for D1 (not installed here), as published. */
interface D1Meta {
  duration: number;
  size_after: number;
  rows_read: number;
  rows_written: number;
  last_row_id: number;
  changed_db: boolean;
  changes: number;
}
interface D1Response {
  success: true;
  meta: D1Meta & Record<string, unknown>;
  error?: never;
}
type D1Result<T = unknown> = D1Response & { results: T[] };
declare abstract class CloudflareD1PreparedStatement {
  bind(...values: unknown[]): CloudflareD1PreparedStatement;
  first<T = unknown>(colName: string): Promise<T | null>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  raw<T = unknown[]>(options?: { columnNames?: false }): Promise<T[]>;
}
declare abstract class CloudflareD1Database {
  prepare(query: string): CloudflareD1PreparedStatement;
  batch<T = unknown>(statements: CloudflareD1PreparedStatement[]): Promise<D1Result<T>[]>;
  exec(query: string): Promise<{ count: number; duration: number }>;
  dump(): Promise<ArrayBuffer>;
}
