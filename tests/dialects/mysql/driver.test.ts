/**
 * The viborm/mysql2 driver on the real server: raw queries, queryAll, session pinning, wrapped
 * errors and connection ownership.
 */
import mysql from "mysql2/promise";
import { isVibormError, QueryFailedError, s } from "viborm";
import { createClient, createMysql2Driver } from "viborm/mysql2";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createMysqlDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";

const available = await requireDatabase("mysql", "mysql2 driver");

const schema = { item: s.model({ id: s.int().id(), name: s.string() }) };

describe.skipIf(!available)("mysql2 driver (MySQL dialect)", () => {
  let database: TempDatabase;
  beforeAll(async () => {
    database = await createMysqlDatabase("viborm_drv");
  });
  afterAll(async () => {
    await database?.drop();
  });

  test("createClient runs raw SQL with parameters and reports affected rows", async () => {
    const client = createClient({ schema, databaseUrl: database.url });
    expect(client.$driver.dialect).toBe("mysql");
    expect(client.$driver.name).toBe("mysql2");
    await client.$executeRaw("CREATE TABLE `raw` (`id` INT PRIMARY KEY, `name` TEXT, `big` BIGINT)");
    expect(
      await client.$executeRaw("INSERT INTO `raw` VALUES (?, ?, ?), (?, ?, ?)", [
        1,
        "it's",
        "9007199254740993",
        2,
        "b",
        0,
      ]),
    ).toBe(2);
    const rows = await client.$queryRaw<{ id: number; name: string; big: unknown }>(
      "SELECT * FROM `raw` WHERE `id` >= ? ORDER BY `id`",
      [1],
    );
    // BIGINT comes back as a string from the pool the driver opens: no precision is lost.
    expect(rows).toEqual([
      { id: 1, name: "it's", big: "9007199254740993" },
      { id: 2, name: "b", big: "0" },
    ]);
    await client.$executeRaw("DROP TABLE `raw`");
    await client.$close();
  });

  test("queryAll returns one row list per statement, statements without rows included", async () => {
    const driver = createMysql2Driver({ databaseUrl: database.url });
    const results = await driver.queryAll([
      { sql: "CREATE TABLE IF NOT EXISTS `qa` (`x` INT)" },
      { sql: "SELECT 1 AS a;" },
      { sql: "SELECT 2 AS b UNION SELECT 3" },
    ]);
    expect(results).toEqual([[], [{ a: 1 }], [{ b: 2 }, { b: 3 }]]);
    // With parameters the statements run one after another on one connection.
    expect(
      await driver.queryAll([{ sql: "SELECT ? AS p", params: ["it's"] }, { sql: "SELECT COUNT(*) AS n FROM `qa`" }]),
    ).toEqual([[{ p: "it's" }], [{ n: "0" }]]);
    expect(await driver.queryAll([])).toEqual([]);
    await driver.query("DROP TABLE `qa`");
    await driver.close();
  });

  test("withSession pins one connection: session variables and temporary tables stay visible", async () => {
    const driver = createMysql2Driver({ databaseUrl: database.url });
    if (driver.atomic.kind !== "session") throw new Error("mysql2 offers sessions");
    const seen = await driver.atomic.withSession(async (session) => {
      const ids = new Set<unknown>();
      await session.query("SET @viborm_answer = 42");
      await session.query("CREATE TEMPORARY TABLE `pinned` (`x` INT)");
      await session.query("INSERT INTO `pinned` VALUES (?)", [7]);
      for (let i = 0; i < 10; i++) ids.add((await session.query("SELECT CONNECTION_ID() AS id")).rows[0]?.id);
      const answer = (await session.query("SELECT @viborm_answer AS v")).rows[0]?.v;
      const pinned = (await session.query("SELECT `x` FROM `pinned`")).rows;
      return { ids: ids.size, answer: Number(answer), pinned };
    });
    expect(seen).toEqual({ ids: 1, answer: 42, pinned: [{ x: 7 }] });
    await driver.close();
  });

  test("a session that fails is closed, so what it held (a named lock) is freed", async () => {
    const driver = createMysql2Driver({ databaseUrl: database.url });
    if (driver.atomic.kind !== "session") throw new Error("mysql2 offers sessions");
    const atomic = driver.atomic;
    const failure = await atomic
      .withSession(async (session) => {
        await session.query("SELECT GET_LOCK('viborm_driver_test', 0)");
        throw new Error("boom");
      })
      .catch((error: unknown) => error);
    expect((failure as Error).message).toBe("boom");
    // Nobody holds the lock any more (a pooled, not closed, session would still hold it). The server
    // frees it when it sees the connection close, so allow it a moment.
    let holder: unknown = "still held";
    for (let attempt = 0; attempt < 40 && holder !== null; attempt++) {
      holder = (await driver.query("SELECT IS_USED_LOCK('viborm_driver_test') AS holder")).rows[0]?.holder;
      if (holder !== null) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(holder).toBeNull();
    await driver.close();
  });

  test("errors are QueryFailedError with the SQL and the driver's error as cause", async () => {
    const driver = createMysql2Driver({ databaseUrl: database.url });
    const error = await driver.query("SELECT * FROM `no_such_table`").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as QueryFailedError).meta).toEqual({ sql: "SELECT * FROM `no_such_table`", driver: "mysql2" });
    expect((error as QueryFailedError).cause).toMatchObject({ code: "ER_NO_SUCH_TABLE" });
    const inBatch = await driver.queryAll([{ sql: "SELECT 1" }, { sql: "SELEC 2" }]).catch((e: unknown) => e);
    expect(isVibormError(inBatch, "QUERY_FAILED")).toBe(true);
    await driver.close();
  });

  test("a pool passed in is never closed; a pool the client opened is", async () => {
    const pool = mysql.createPool({ uri: database.url, connectionLimit: 2 });
    const client = createClient({ schema, pool });
    expect(await client.$queryRaw("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    const results = await client.$driver.queryAll([{ sql: "SELECT 1 AS a" }, { sql: "SELECT 2 AS b" }]);
    expect(results).toEqual([[{ a: 1 }], [{ b: 2 }]]);
    await client.$close();
    await client.$close();
    const [rows] = await pool.query("SELECT 2 AS two");
    expect(rows).toEqual([{ two: 2 }]);
    await pool.end();

    const owning = createClient({ schema, databaseUrl: database.url });
    await owning.$queryRaw("SELECT 1");
    await owning.$close();
    const closed = await owning.$queryRaw("SELECT 1").catch((e: unknown) => e);
    expect(isVibormError(closed, "QUERY_FAILED")).toBe(true);
  });

  test("a client needs a URL or a pool", () => {
    expect(() => createMysql2Driver({} as { databaseUrl: string })).toThrow(/databaseUrl or pool/);
  });
});
