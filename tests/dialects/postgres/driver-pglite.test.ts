/**
 * The `viborm/pglite` driver: queries and errors, one-call `queryAll`, exclusive sessions,
 * in-memory and on-disk databases, and ownership of a PGlite passed in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { isVibormError, s } from "viborm";
import { createClient, createPgliteDriver } from "viborm/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const schema = { thing: s.model({ id: s.int().id(), label: s.string() }) };

/** PGlite takes seconds to start on a busy machine. */
const SLOW = 120_000;

describe("viborm/pglite driver", () => {
  let pglite: PGlite;

  beforeAll(async () => {
    pglite = await PGlite.create();
  }, SLOW);
  afterAll(async () => {
    await pglite.close();
  });

  test("queries with and without parameters, rows changed, errors with cause", async () => {
    const client = createClient({ schema, client: pglite });
    expect(client.$driver).toMatchObject({ name: "pglite", dialect: "postgres" });
    await client.$executeRaw(`CREATE TABLE "thing" ("id" integer PRIMARY KEY, "label" text NOT NULL)`);
    expect(await client.$executeRaw(`INSERT INTO "thing" VALUES ($1, $2), ($3, $4)`, [1, "it's", 2, "b"])).toBe(2);
    expect(await client.$executeRaw(`UPDATE "thing" SET "label" = 'c' WHERE "id" = 2`)).toBe(1);
    expect(await client.$queryRaw(`SELECT "label" FROM "thing" ORDER BY "id"`)).toEqual([
      { label: "it's" },
      { label: "c" },
    ]);
    const error = await client.$queryRaw("SELECT * FROM nowhere").catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as { meta: unknown }).meta).toEqual({ sql: "SELECT * FROM nowhere", driver: "pglite" });
    expect((error as { cause: { code: string } }).cause.code).toBe("42P01");
    await client.$close();
    // The PGlite was passed in: it stays open.
    expect((await pglite.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
    await pglite.exec(`DROP TABLE "thing"`);
  });

  test("queryAll returns one row list per statement, in order", async () => {
    const driver = createPgliteDriver({ client: pglite });
    expect(await driver.queryAll([])).toEqual([]);
    expect(
      await driver.queryAll([
        { sql: "SELECT 1 AS a;" },
        { sql: "SELECT 2 AS b WHERE false -- comment" },
        { sql: "SELECT 'x;y' AS c" },
      ]),
    ).toEqual([[{ a: 1 }], [], [{ c: "x;y" }]]);
    expect(await driver.queryAll([{ sql: "SELECT $1::int4 AS a", params: [7] }, { sql: "SELECT 'z' AS b" }])).toEqual([
      [{ a: 7 }],
      [{ b: "z" }],
    ]);
    const error = await driver.queryAll([{ sql: "SELECT 1" }, { sql: "SELECT 1/0" }]).catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
  });

  test("a session is exclusive: other queries wait until it ends, and its state holds across its statements", async () => {
    const driver = createPgliteDriver({ client: pglite });
    if (driver.atomic.kind !== "session") throw new Error("session expected");
    const events: string[] = [];
    let outside: Promise<unknown> | undefined;
    await driver.atomic.withSession(async (session) => {
      await session.query("BEGIN");
      await session.query(`CREATE TEMP TABLE "scratch" ("v" text)`);
      await session.query(`INSERT INTO "scratch" VALUES ($1)`, ["it's"]);
      await session.query("SET LOCAL application_name = 'viborm-session'");
      outside = driver.query(`SELECT count(*)::int4 AS n FROM "scratch"`).then((result) => {
        events.push(`outside saw ${JSON.stringify(result.rows)}`);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const name = await session.query("SELECT current_setting('application_name') AS name");
      events.push(`session ${name.rows[0]?.name}`);
      await session.query("COMMIT");
    });
    await outside;
    expect(events).toEqual(["session viborm-session", 'outside saw [{"n":1}]']);

    const failure = await driver.atomic
      .withSession(async (session) => {
        await session.query("BEGIN");
        await session.query("SELECT 1/0");
      })
      .catch((e: unknown) => e);
    expect(isVibormError(failure, "QUERY_FAILED")).toBe(true);
    // PGlite's own transaction wrapper rolled back what the failed session left open.
    expect((await driver.query("SELECT 1 AS ok")).rows).toEqual([{ ok: 1 }]);
  });

  test(
    "in memory when no dataDir is given; the client closes the PGlite it opened",
    async () => {
      const client = createClient({ schema });
      await client.$executeRaw(`CREATE TABLE "thing" ("id" integer PRIMARY KEY)`);
      expect(await client.$queryRaw(`SELECT count(*)::int4 AS n FROM "thing"`)).toEqual([{ n: 0 }]);
      await client.$close();
      await expect(client.$queryRaw("SELECT 1")).rejects.toMatchObject({ code: "QUERY_FAILED" });
    },
    SLOW,
  );

  test(
    "persists to dataDir across clients",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "viborm-pglite-"));
      try {
        const first = createClient({ schema, dataDir: dir });
        await first.$executeRaw(`CREATE TABLE "kept" ("v" text)`);
        await first.$executeRaw(`INSERT INTO "kept" VALUES ($1)`, ["it's"]);
        await first.$close();
        const second = createClient({ schema, dataDir: dir });
        expect(await second.$queryRaw(`SELECT "v" FROM "kept"`)).toEqual([{ v: "it's" }]);
        await second.$close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW * 2,
  );
});
