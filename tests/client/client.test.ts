/**
 * createClient through the public entries: an invalid schema fails before any connection opens,
 * and raw SQL works on every driver.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isVibormError, s } from "viborm";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { describe, expect, test } from "vitest";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";

test("an invalid schema fails with INVALID_SCHEMA before the database is opened", () => {
  const dir = mkdtempSync(join(tmpdir(), "viborm-client-"));
  try {
    const filename = join(dir, "never.db");
    const post = s.model({ id: s.int().id(), authorId: s.int(), author: s.manyToOne(() => ghost).fields("authorId") });
    const ghost = s.model({ id: s.int().id() });
    const error = (() => {
      try {
        createSqliteClient({ schema: { post }, filename });
      } catch (e) {
        return e;
      }
    })();
    expect(isVibormError(error, "INVALID_SCHEMA")).toBe(true);
    expect((error as { meta: { model?: string } }).meta.model).toBe("post");
    expect(existsSync(filename)).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("a connection option that cannot be right is INVALID_ARGUMENT at createClient, naming the option", () => {
  const schema = { t: s.model({ id: s.int().id() }) };
  const cases: [string, () => unknown, string, RegExp][] = [
    ["pg: not a URL", () => createPgClient({ schema, databaseUrl: "not a url" }), "databaseUrl", /postgres:\/\//],
    [
      "pg: a MySQL URL",
      () => createPgClient({ schema, databaseUrl: "mysql://root:s3cret-pw@127.0.0.1:3306/test" }),
      "databaseUrl",
      /starts with mysql:/,
    ],
    [
      "pg: not a string",
      () => createPgClient({ schema, databaseUrl: 5 as unknown as string }),
      "databaseUrl",
      /string/,
    ],
    ["mysql2: not a URL", () => createMysqlClient({ schema, databaseUrl: "not a url" }), "databaseUrl", /mysql:\/\//],
    [
      "mysql2: a PostgreSQL URL",
      () => createMysqlClient({ schema, databaseUrl: "postgres://postgres:s3cret-pw@127.0.0.1:5432/test" }),
      "databaseUrl",
      /starts with postgres:/,
    ],
    [
      "pglite: a dataDir that is not a string",
      () => createPgliteClient({ schema, dataDir: 3 as unknown as string }),
      "dataDir",
      /string/,
    ],
  ];
  test.each(cases)("%s", async (_, make, argument, message) => {
    let error: unknown;
    try {
      const client = make() as { $close(): Promise<void> };
      await client.$close();
    } catch (e) {
      error = e;
    }
    expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe(argument);
    expect((error as Error).message).toMatch(message);
    expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain("s3cret-pw");
  });

  test("what the drivers accept still works: postgresql:// and a socket directory, mysql:// and mariadb://", () => {
    for (const databaseUrl of ["postgresql://postgres@127.0.0.1:5432/test", "/var/run/postgresql test"])
      void createPgClient({ schema, databaseUrl }).$close();
    for (const databaseUrl of ["mysql://root@127.0.0.1:3306/test", "mariadb://root@127.0.0.1:3306/test"])
      void createMysqlClient({ schema, databaseUrl }).$close();
  });
});

describe.each(DRIVERS)("raw SQL on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("$executeRaw counts changed rows, $queryRaw returns rows, errors are QUERY_FAILED", async () => {
    const client = db.client({ thing: s.model({ id: s.int().id() }) });
    const p = (n: number) => (driver.dialect === "postgres" ? `$${n}` : "?");
    await client.$executeRaw("CREATE TABLE t (id INTEGER PRIMARY KEY, label VARCHAR(20))");
    expect(
      await client.$executeRaw(`INSERT INTO t (id, label) VALUES (${p(1)}, ${p(2)}), (${p(3)}, ${p(4)})`, [
        1,
        "a",
        2,
        "it's",
      ]),
    ).toBe(2);
    const rows = await client.$queryRaw<{ id: unknown; label: string }>(
      `SELECT id, label FROM t WHERE id > ${p(1)} ORDER BY id`,
      [0],
    );
    expect(rows.map((row) => [Number(row.id), row.label])).toEqual([
      [1, "a"],
      [2, "it's"],
    ]);
    const error = await client.$queryRaw("SELECT * FROM no_such_table").catch((e: unknown) => e);
    expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    expect((error as Error).cause).toBeDefined();
  });

  test("SQL that is not text, or parameters that are not a list, is INVALID_ARGUMENT; a parameter count the statement does not take is QUERY_FAILED", async () => {
    const client = db.client({ thing: s.model({ id: s.int().id() }) });
    const p = driver.dialect === "postgres" ? "$1" : "?";
    for (const [run, argument] of [
      [() => client.$queryRaw(42 as never), "sql"],
      [() => client.$executeRaw(undefined as never), "sql"],
      [() => client.$queryRaw(`SELECT ${p} AS x`, "a" as never), "params"],
      [() => client.$executeRaw(`SELECT ${p} AS x`, { 0: 1 } as never), "params"],
    ] as const) {
      const error = await run().catch((e: unknown) => e);
      expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
      expect((error as { meta: { argument: string } }).meta.argument).toBe(argument);
    }
    // The server refuses the statement; the connection is fine, so never CONNECTION_FAILED.
    for (const [sql, params] of [
      [`SELECT ${p} AS x`, []],
      ["SELECT 1 AS x", [1, 2]],
    ] as const) {
      const error = await client.$queryRaw(sql, [...params]).then(
        () => undefined,
        (e: unknown) => e,
      );
      // MySQL ignores extra parameters; everything else refuses the count.
      if (error === undefined && driver.dialect === "mysql" && params.length > 0) continue;
      expect(isVibormError(error, "QUERY_FAILED")).toBe(true);
    }
    expect(await client.$queryRaw("SELECT 1 AS x")).toHaveLength(1);
  });
});
