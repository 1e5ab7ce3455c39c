/**
 * `pgSchema` on the PostgreSQL family: a client's tables, enum types and tracking table live in its
 * own PostgreSQL schema (created when missing), introspection reads only it, migration SQL names no
 * schema, and two clients on two schemas of one database never see or wait on each other.
 */
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { isVibormError, type Schema, s, type VibormClient } from "viborm";
import { createClient as createD1Client } from "viborm/d1";
import { createMigrationClient } from "viborm/migrations";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createNeonClient } from "viborm/neon-http";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sharedNeonEndpoint } from "../edge/fixtures/neon-endpoint.js";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { generateSet, memoryStorage, putMigration, SCHEMA_V3 } from "./helpers.js";

const BLOG = {
  user: s.model({
    id: s.int().id().increment(),
    email: s.string().unique(),
    role: s.enum(["USER", "ADMIN"]).default("USER"),
  }),
};
const NOTES = { note: s.model({ id: s.int().id().increment(), body: s.string() }) };

/** A PostgreSQL client that never connects: generate needs only the dialect. */
const offlinePg = <S extends Schema>(schema: S) =>
  createPgClient({ schema, databaseUrl: "postgres://nobody@127.0.0.1:9/none" });

let database: TempDatabase | undefined;
let admin: pg.Pool;

beforeAll(async () => {
  if (!(await requireDatabase("postgres", "pgSchema tests"))) return;
  database = await createPgDatabase("viborm_pgschema");
  admin = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  await admin?.end();
  await database?.drop();
});

/** Tables of one PostgreSQL schema, read from the catalog (not through viborm). */
async function tablesIn(schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ name: string }>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' ORDER BY 1",
    [schema],
  );
  return rows.map((row) => row.name);
}

async function enumsIn(schema: string): Promise<string[]> {
  const { rows } = await admin.query<{ name: string }>(
    "SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY 1",
    [schema],
  );
  return rows.map((row) => row.name);
}

async function closeAll(...clients: VibormClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.$close()));
}

describe("pgSchema on viborm/pg", () => {
  test("push creates the schema and puts tables, enum types and nothing else there", async (ctx) => {
    if (!database) return ctx.skip();
    await admin.query('CREATE TABLE public."user" (id int PRIMARY KEY, legacy text)');
    const client = createPgClient({ schema: BLOG, databaseUrl: database.url, pgSchema: "tenant_push" });
    try {
      const migrations = createMigrationClient(client);
      const first = await migrations.push();
      expect(first.applied).toBe(true);
      // The public "user" table is another schema's object: never read, never dropped.
      expect(first.statements.some((sql) => /DROP/i.test(sql))).toBe(false);
      expect(first.statements.some((sql) => /tenant_push|public\./.test(sql))).toBe(false);
      expect(await tablesIn("tenant_push")).toEqual(["user"]);
      expect(await enumsIn("tenant_push")).toHaveLength(1);
      expect(await enumsIn("public")).toEqual([]);
      expect((await admin.query('SELECT count(*)::int AS n FROM public."user"')).rows[0]).toEqual({ n: 0 });
      expect((await migrations.push()).statements).toEqual([]);
    } finally {
      await client.$close();
      await admin.query('DROP TABLE public."user"');
    }
  });

  test("one migration set serves two schemas of one database; their tracking tables are their own", async (ctx) => {
    if (!database) return ctx.skip();
    const storage = memoryStorage();
    await generateSet(offlinePg, storage);
    const files = await Promise.all((await storage.list()).map((key) => storage.get(key)));
    // Migration SQL names no schema, so it runs wherever search_path points.
    expect(files.join("\n")).not.toMatch(/"public"\.|public\./);

    const a = createPgClient({ schema: SCHEMA_V3, databaseUrl: database.url, pgSchema: "tenant_a" });
    const b = createPgClient({ schema: SCHEMA_V3, databaseUrl: database.url, pgSchema: "tenant_b" });
    try {
      const ma = createMigrationClient(a, { storageDriver: storage });
      const mb = createMigrationClient(b, { storageDriver: storage });
      expect((await ma.apply({ to: "add-posts" })).applied).toHaveLength(2);
      expect((await mb.status()).map((row) => row.state)).toEqual(["pending", "pending", "pending"]);
      expect(await tablesIn("tenant_b")).toEqual([]);
      expect((await mb.apply()).applied).toHaveLength(3);
      expect((await ma.status()).map((row) => row.state)).toEqual(["applied", "applied", "pending"]);
      expect(await tablesIn("tenant_a")).toEqual(["_viborm_migrations", "post", "user"]);
      expect(await tablesIn("tenant_b")).toEqual(["_viborm_migrations", "comment", "post", "user"]);
      expect(await tablesIn("public")).toEqual([]);
      // Each client's push sees only its schema: nothing to do in either.
      expect((await ma.push({ dryRun: true })).operations.map((op) => op.kind)).toEqual(["createTable"]);
      expect((await mb.push({ dryRun: true })).operations).toEqual([]);
      expect((await mb.rollback({ steps: 3 })).rolledBack).toHaveLength(3);
      expect(await tablesIn("tenant_b")).toEqual(["_viborm_migrations"]);
      expect(await tablesIn("tenant_a")).toEqual(["_viborm_migrations", "post", "user"]);
    } finally {
      await closeAll(a, b);
    }
  });

  test("a tenant's reset drops its own views and functions only, never another schema's", async (ctx) => {
    if (!database) return ctx.skip();
    const storage = memoryStorage();
    const { migration } = await createMigrationClient(offlinePg(BLOG), { storageDriver: storage }).generate({
      name: "blog",
    });
    const key = `${migration!.id}/up.sql`;
    const views =
      'CREATE VIEW "user_emails" AS SELECT "email" FROM "user";\nCREATE FUNCTION "user_count"() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM "user" $$;\n';
    await storage.put(key, `${await storage.get(key)}\n${views}`);
    // public holds objects of the same names, which the tenants' resets must leave alone.
    await admin.query(
      `CREATE TABLE public."user" (id int PRIMARY KEY, email text); ${views.replaceAll('"user', 'public."user')}`,
    );
    const a = createPgClient({ schema: BLOG, databaseUrl: database.url, pgSchema: "tenant_ra" });
    const b = createPgClient({ schema: BLOG, databaseUrl: database.url, pgSchema: "tenant_rb" });
    try {
      const ma = createMigrationClient(a, { storageDriver: storage });
      const mb = createMigrationClient(b, { storageDriver: storage });
      await ma.apply();
      await mb.apply();
      await admin.query(`INSERT INTO tenant_rb."user" (email) VALUES ('b@x')`);
      const reset = await ma.reset();
      expect(reset.dropped).toEqual(expect.arrayContaining(["user_emails", "user_count", "user"]));
      const objects = await admin.query<{ schema: string; name: string }>(
        "SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'v' AND c.relname = 'user_emails' UNION ALL SELECT n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'user_count' ORDER BY 1, 2",
      );
      expect(objects.rows).toEqual(
        ["public", "tenant_ra", "tenant_rb"].flatMap((schema) => [
          { schema, name: "user_count" },
          { schema, name: "user_emails" },
        ]),
      );
      expect((await b.$queryRaw<{ n: string }>('SELECT "user_count"() AS n'))[0]?.n).toBe("1");
      expect((await ma.check()).problems).toEqual([]);
    } finally {
      await closeAll(a, b);
      await admin.query(
        'DROP VIEW public."user_emails"; DROP FUNCTION public."user_count"(); DROP TABLE public."user"',
      );
    }
  });

  test("two schemas never wait on each other's migration lock", async (ctx) => {
    if (!database) return ctx.skip();
    const storage = memoryStorage();
    await putMigration(
      storage,
      "20260101000000_slow",
      "SELECT pg_sleep(1.5);\nCREATE TABLE slow (id int);\n",
      "DROP TABLE slow;\n",
    );
    const clients = ["lock_a", "lock_b", "lock_a"].map((pgSchema) =>
      createPgClient({ schema: NOTES, databaseUrl: database!.url, pgSchema }),
    );
    try {
      const [slow, other, same] = clients.map((client) =>
        createMigrationClient(client!, { storageDriver: storage, lockTimeoutMs: 400 }),
      );
      // Both schemas get their tracking table first, so the lock is all that can make them wait.
      await Promise.all([slow!.status(), other!.status()]);
      const running = slow!.apply();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      const [otherResult, sameResult] = await Promise.allSettled([other!.apply(), same!.apply()]);
      expect(otherResult.status).toBe("fulfilled");
      // The second applier on the *same* schema waits for its lock and gives up at lockTimeoutMs.
      expect(sameResult.status).toBe("rejected");
      expect(isVibormError((sameResult as PromiseRejectedResult).reason, "LOCK_TIMEOUT")).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((await running).applied).toHaveLength(1);
    } finally {
      await closeAll(...clients);
    }
  });

  test("with a pool you own, the schema is set per checkout and reset before the connection goes back", async (ctx) => {
    if (!database) return ctx.skip();
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    const client = createPgClient({ schema: NOTES, pool, pgSchema: "tenant_pool" });
    try {
      await createMigrationClient(client).push();
      expect(await tablesIn("tenant_pool")).toEqual(["note"]);
      expect(await client.$queryRaw("SELECT current_schema() AS schema")).toEqual([{ schema: "tenant_pool" }]);
      // The pool's one connection is back in the user's hands with its own search_path.
      expect((await pool.query("SELECT current_schema() AS schema")).rows).toEqual([{ schema: "public" }]);
    } finally {
      await client.$close();
      await pool.end();
    }
  });

  test("a connection string's own options are kept beside search_path", async (ctx) => {
    if (!database) return ctx.skip();
    const url = new URL(database.url);
    url.searchParams.set("options", "-c application_name=fleet_test");
    const client = createPgClient({ schema: NOTES, databaseUrl: url.toString(), pgSchema: "tenant_url" });
    try {
      await createMigrationClient(client).push();
      expect(await tablesIn("tenant_url")).toEqual(["note"]);
      expect(
        await client.$queryRaw("SELECT current_schema() AS schema, current_setting('application_name') AS app"),
      ).toEqual([{ schema: "tenant_url", app: "fleet_test" }]);
    } finally {
      await client.$close();
    }
  });
});

describe("pgSchema on viborm/pglite", () => {
  test("two clients on one PGlite, two schemas, run concurrently without seeing each other", async () => {
    const db = await PGlite.create();
    const storage = memoryStorage();
    const a = createPgliteClient({ schema: SCHEMA_V3, client: db, pgSchema: "lite_a" });
    const b = createPgliteClient({ schema: SCHEMA_V3, client: db, pgSchema: "lite_b" });
    try {
      await generateSet(offlinePg, storage);
      const [ra, rb] = await Promise.all([
        createMigrationClient(a, { storageDriver: storage }).apply({ to: "add-posts" }),
        createMigrationClient(b, { storageDriver: storage }).apply(),
      ]);
      expect([ra.applied.length, rb.applied.length]).toEqual([2, 3]);
      const tablesOf = async (schema: string) =>
        (
          await db.query<{ name: string }>("SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1", [
            schema,
          ])
        ).rows.map((row) => row.name);
      expect(await tablesOf("lite_a")).toEqual(["_viborm_migrations", "post", "user"]);
      expect(await tablesOf("lite_b")).toEqual(["_viborm_migrations", "comment", "post", "user"]);
      expect(await tablesOf("public")).toEqual([]);
      // The PGlite is the caller's: its own session's search_path is untouched.
      expect((await db.query("SELECT current_schema() AS schema")).rows).toEqual([{ schema: "public" }]);
    } finally {
      await closeAll(a, b);
      await db.close();
    }
  });
});

describe("pgSchema on viborm/neon-http", () => {
  test("every request runs in the schema; migrations and push see only it", async (ctx) => {
    if (!database) return ctx.skip();
    const endpoint = await sharedNeonEndpoint();
    const storage = memoryStorage();
    const make = (pgSchema: string) =>
      createNeonClient({ schema: SCHEMA_V3, databaseUrl: database!.url, fetchEndpoint: endpoint.url, pgSchema });
    const a = make("neon_a");
    const b = make("neon_b");
    try {
      await generateSet(offlinePg, storage);
      expect((await createMigrationClient(a, { storageDriver: storage }).apply()).applied).toHaveLength(3);
      expect(await tablesIn("neon_a")).toEqual(["_viborm_migrations", "comment", "post", "user"]);
      expect(await tablesIn("neon_b")).toEqual([]);
      const pushB = await createMigrationClient(b).push();
      expect(pushB.operations.filter((op) => op.kind === "createTable")).toHaveLength(3);
      expect(await tablesIn("neon_b")).toEqual(["comment", "post", "user"]);
      expect(await b.$queryRaw("SELECT current_schema() AS schema")).toEqual([{ schema: "neon_b" }]);
    } finally {
      await closeAll(a, b);
    }
  });
});

describe("pgSchema is checked", () => {
  test("a name that is not a plain schema identifier is INVALID_ARGUMENT", () => {
    for (const pgSchema of ["", "1abc", 'a"b', "a b", "pg_catalog", "x".repeat(64)]) {
      let caught: unknown;
      try {
        createPgClient({ schema: NOTES, databaseUrl: "postgres://u@127.0.0.1/db", pgSchema });
      } catch (error) {
        caught = error;
      }
      expect(isVibormError(caught, "INVALID_ARGUMENT"), pgSchema).toBe(true);
      expect((caught as { meta: { argument: string } }).meta.argument).toBe("pgSchema");
    }
  });

  test("pgSchema given to a non-PostgreSQL client is INVALID_ARGUMENT", () => {
    const options = { schema: NOTES, pgSchema: "tenant_1" } as const;
    const attempts: [string, () => unknown][] = [
      ["sqlite3", () => createSqliteClient({ ...options, filename: ":memory:" } as never)],
      ["mysql2", () => createMysqlClient({ ...options, databaseUrl: "mysql://root@127.0.0.1/x" } as never)],
      ["d1", () => createD1Client({ ...options, database: {} } as never)],
    ];
    for (const [name, attempt] of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(isVibormError(caught, "INVALID_ARGUMENT"), name).toBe(true);
      expect((caught as { meta: { argument: string } }).meta).toMatchObject({ argument: "pgSchema" });
    }
  });
});
