/**
 * A database that cannot be reached, refuses the role, or does not exist is CONNECTION_FAILED for
 * every command that reads it — never "pending" or "nothing to do" (DESIGN "Errors from the database").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isVibormError, type Schema, type VibormClient, type VibormError } from "viborm";
import { createMigrationClient, type MigrationClient } from "viborm/migrations";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { beforeAll, describe, expect, test } from "vitest";
import { generateSet, memoryStorage } from "../fleet/helpers.js";
import { MYSQL_URL, PG_URL, requireDatabase } from "../helpers/databases.js";

const base = new URL(PG_URL);
const urls = {
  "a missing database": Object.assign(new URL(PG_URL), { pathname: "/viborm_no_such_database" }).toString(),
  "a missing role": Object.assign(new URL(PG_URL), { username: "viborm_no_such_role" }).toString(),
  "a host nobody listens on": `postgres://nobody@127.0.0.1:9${base.pathname}`,
};

const mysqlUrls = {
  "a missing database": Object.assign(new URL(MYSQL_URL), { pathname: "/viborm_no_such_database" }).toString(),
  "a refused user": Object.assign(new URL(MYSQL_URL), {
    username: "viborm_no_such_user",
    password: "s3cret-pw",
  }).toString(),
  "a host nobody listens on": `mysql://nobody@127.0.0.1:9${new URL(MYSQL_URL).pathname}`,
};

const available = { postgres: false, mysql: false };
beforeAll(async () => {
  available.postgres = await requireDatabase("postgres", "PostgreSQL connection-failure tests");
  available.mysql = await requireDatabase("mysql", "MySQL connection-failure tests");
});

const cases = [
  ...Object.entries(urls).map(([what, url]) => ({
    name: `PostgreSQL: ${what}`,
    kind: "postgres" as const,
    driver: "pg",
    url,
    make: <S extends Schema>(schema: S) => createClient({ schema, databaseUrl: url }),
  })),
  ...Object.entries(mysqlUrls).map(([what, url]) => ({
    name: `MySQL: ${what}`,
    kind: "mysql" as const,
    driver: "mysql2",
    url,
    make: <S extends Schema>(schema: S) => createMysqlClient({ schema, databaseUrl: url }),
  })),
];

/**
 * Runs every command that needs the database (and a raw query) and expects each to fail with
 * CONNECTION_FAILED, handing each error to `check`.
 */
async function expectEachUnreachable(
  client: VibormClient,
  migrations: MigrationClient,
  check: (error: VibormError<"CONNECTION_FAILED">) => void,
): Promise<void> {
  const calls: [string, () => Promise<unknown>][] = [
    ["status", () => migrations.status()],
    ["apply", () => migrations.apply()],
    ["apply dry-run", () => migrations.apply({ dryRun: true })],
    ["rollback", () => migrations.rollback()],
    ["reset", () => migrations.reset()],
    ["push", () => migrations.push({ force: true })],
    ["$queryRaw", () => client.$queryRaw("SELECT 1")],
  ];
  for (const [name, call] of calls) {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVibormError(error) ? error.code : error, name).toBe("CONNECTION_FAILED");
    if (isVibormError(error, "CONNECTION_FAILED")) check(error);
  }
}

describe.each(cases)("$name", ({ kind, driver, url, make }) => {
  test("status, apply, apply --dry-run, rollback, reset and push fail with CONNECTION_FAILED", async (ctx) => {
    if (!available[kind]) return ctx.skip();
    const storage = memoryStorage();
    await generateSet(make, storage);
    const client = make({});
    const migrations = createMigrationClient(client, { storageDriver: storage });
    try {
      await expectEachUnreachable(client, migrations, (error) => {
        expect(error.meta.driver).toBe(driver);
        expect(error.meta.host).toBe(new URL(url).host);
        const json = JSON.stringify(error.toJSON());
        expect(json).not.toContain("nobody@");
        expect(json).not.toContain("s3cret-pw");
      });
    } finally {
      await client.$close();
    }
  });
});

describe("PGlite: a data directory that cannot be opened", () => {
  test("every command fails with CONNECTION_FAILED naming the directory, and $close() does not throw", async () => {
    const storage = memoryStorage();
    // generate needs only the folder: a PostgreSQL client nobody answers writes the same migrations.
    await generateSet((schema) => createClient({ schema, databaseUrl: urls["a host nobody listens on"] }), storage);
    const dataDir = "/proc/viborm-no-such-directory/data";
    const client = createPgliteClient({ schema: {}, dataDir });
    const migrations = createMigrationClient(client, { storageDriver: storage });
    await expectEachUnreachable(client, migrations, (error) => {
      expect(error.meta).toMatchObject({ driver: "pglite", database: dataDir });
    });
    await expect(client.$close()).resolves.toBeUndefined();
  });
});

describe("SQLite: a file that is not a database", () => {
  test("every command fails with CONNECTION_FAILED naming the file, which stays as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "viborm-notadb-"));
    try {
      const filename = join(dir, "notes.txt");
      const text = `${"These are notes, not a database. ".repeat(20)}\n`;
      writeFileSync(filename, text);
      const storage = memoryStorage();
      await generateSet((schema) => createSqliteClient({ schema, filename: ":memory:" }), storage);
      const client = createSqliteClient({ schema: {}, filename });
      const migrations = createMigrationClient(client, { storageDriver: storage });
      await expectEachUnreachable(client, migrations, (error) => {
        expect(error.meta).toMatchObject({ driver: "sqlite3", database: filename });
        expect(error.message).toMatch(/not a database/);
      });
      await client.$close();
      expect(readFileSync(filename, "utf8")).toBe(text);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
