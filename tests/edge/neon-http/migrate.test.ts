/**
 * push and the migrate workflow over `viborm/neon-http`, counted in HTTP requests at the local Neon
 * endpoint: round-trip budgets, one transaction request per migration with its tracking row inside,
 * a failure mid-migration leaving schema and tracking as before, and two concurrent appliers.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/neon-http";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { columns, tables } from "../../helpers/catalog.js";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";
import { FIXTURES } from "../../helpers/fixtures.js";
import { clock } from "../../migrate/helpers.js";
import { type NeonEndpoint, startNeonEndpoint } from "../fixtures/neon-endpoint.js";

const v1 = { user: s.model({ id: s.int().id().increment(), email: s.string().unique() }) };
const v2 = { user: s.model({ id: s.int().id().increment(), email: s.string().unique(), name: s.string().nullable() }) };
const v3 = {
  user: s.model({ id: s.int().id().increment(), email: s.string().unique(), name: s.string().nullable() }),
  post: s.model({ id: s.int().id().increment(), title: s.string() }),
};

describe("migrations over viborm/neon-http", () => {
  let database: TempDatabase | undefined;
  let endpoint: NeonEndpoint;
  let storageDriver: MigrationStorageDriver;

  beforeAll(async () => {
    if (!(await requireDatabase("postgres", "viborm/neon-http migration tests"))) return;
    [database, endpoint] = await Promise.all([createPgDatabase("viborm_neon_migrate"), startNeonEndpoint()]);
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });
  beforeEach(async (context) => {
    if (!database) return context.skip();
    const reset = open({});
    await reset.$executeRaw("DROP SCHEMA public CASCADE");
    await reset.$executeRaw("CREATE SCHEMA public");
    await reset.$close();
    storageDriver = createUnstorageDriver(createStorage());
    endpoint.resetCount();
  });

  function open<S extends Parameters<typeof createClient>[0]["schema"]>(schema: S) {
    return createClient({ schema, databaseUrl: database!.url, fetchEndpoint: endpoint.url });
  }

  /** Writes one migration per schema, in order, each a minute after the previous. */
  async function generate(...steps: [string, Parameters<typeof open>[0]][]): Promise<void> {
    const now = clock("2026-01-01T00:00:00Z");
    for (const [name, schema] of steps) {
      const client = open(schema);
      await createMigrationClient(client, { storageDriver, now }).generate({ name });
      await client.$close();
    }
    endpoint.resetCount();
  }

  test("push: the first is one transaction request; a no-op push is one request (introspection)", async () => {
    const fixture = FIXTURES[0]!;
    const migrations = createMigrationClient(open(fixture.schema));
    const first = await migrations.push();
    expect(first.applied).toBe(true);
    expect(
      endpoint.log.filter((request) => request.transaction && request.queries.length === first.statements.length),
    ).toHaveLength(1);
    expect(endpoint.requests).toBe(2);
    endpoint.resetCount();
    const again = await migrations.push();
    expect(again.statements).toEqual([]);
    expect(endpoint.requests).toBeLessThanOrEqual(2);
    expect(endpoint.requests).toBe(1);
  });

  test("apply of k pending migrations takes at most 2 + k requests, each migration one transaction", async () => {
    await generate(["one", v1], ["two", v2], ["three", v3]);
    const migrations = createMigrationClient(open(v3), { storageDriver });
    const result = await migrations.apply();
    expect(result.applied.map((m) => m.name)).toEqual(["one", "two", "three"]);
    expect(endpoint.requests).toBeLessThanOrEqual(2 + 3);
    const units = endpoint.log.filter((request) =>
      request.queries.some((sql) => /INSERT INTO "_viborm_migrations"/.test(sql)),
    );
    expect(units).toHaveLength(3);
    for (const unit of units) {
      expect(unit.transaction).toBe(true);
      // The tracking row goes first, so a concurrent applier's whole transaction fails on its key.
      expect(unit.queries[0]).toMatch(/^INSERT INTO "_viborm_migrations"/);
    }

    endpoint.resetCount();
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied", "applied"]);
    expect(endpoint.requests).toBeLessThanOrEqual(2);
    endpoint.resetCount();
    expect((await migrations.apply()).applied).toEqual([]);
    expect(endpoint.requests).toBeLessThanOrEqual(2);
  });

  test("isolationLevel reaches the server on every migration's transaction (ReadCommitted by default)", async () => {
    for (const [level, expected] of [
      [undefined, "read committed"],
      ["Serializable", "serializable"],
      ["RepeatableRead", "repeatable read"],
    ] as const) {
      const reset = open({});
      await reset.$executeRaw("DROP SCHEMA public CASCADE");
      await reset.$executeRaw("CREATE SCHEMA public");
      await reset.$close();
      const storage = createUnstorageDriver(createStorage());
      const id = "20260101000000_iso";
      await storage.put(
        `${id}/up.sql`,
        "CREATE TABLE iso AS SELECT current_setting('transaction_isolation') AS level;\n",
      );
      await storage.put(`${id}/down.sql`, "DROP TABLE iso;\n");
      await storage.put(
        `${id}/migration.json`,
        JSON.stringify({ version: 1, id, name: "iso", dialect: "postgres", parents: [], operations: [], warnings: [] }),
      );
      const client = createClient({
        schema: {},
        databaseUrl: database!.url,
        fetchEndpoint: endpoint.url,
        ...(level ? { isolationLevel: level } : {}),
      });
      endpoint.resetCount();
      try {
        await createMigrationClient(client, { storageDriver: storage }).apply();
        expect(await client.$queryRaw("SELECT level FROM iso")).toEqual([{ level: expected }]);
        const transactions = endpoint.log.filter((request) => request.transaction);
        expect(transactions.length).toBeGreaterThan(0);
        for (const request of transactions)
          expect(request.batchHeaders["neon-batch-isolation-level"]).toBe(level ?? "ReadCommitted");
      } finally {
        await client.$close();
      }
    }
    const bad = () => createClient({ schema: {}, databaseUrl: database!.url, isolationLevel: "Snapshot" as never });
    expect(bad).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  test("status of a database never migrated reads without creating anything", async () => {
    await generate(["one", v1]);
    const client = open(v1);
    expect((await createMigrationClient(client, { storageDriver }).status()).map((m) => m.state)).toEqual(["pending"]);
    expect(endpoint.requests).toBeLessThanOrEqual(2);
    expect(await tables(client, "postgres")).toEqual([]);
  });

  test("rollback and reset run one transaction request per migration", async () => {
    await generate(["one", v1], ["two", v2]);
    const client = open(v2);
    const migrations = createMigrationClient(client, { storageDriver });
    await migrations.apply();
    endpoint.resetCount();
    expect((await migrations.rollback()).rolledBack.map((m) => m.name)).toEqual(["two"]);
    expect(endpoint.requests).toBeLessThanOrEqual(3);
    expect((await columns(client, "postgres", "user")).map((c) => c.name)).toEqual(["id", "email"]);
    const reset = await migrations.reset();
    expect(reset.applied.map((m) => m.name)).toEqual(["one", "two"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
  });

  test("a failure mid-migration leaves that migration's schema and tracking row out, earlier ones in", async () => {
    await generate(["one", v1], ["two", v3]);
    const [, second] = (await storageDriver.list()).filter((key) => key.endsWith("/up.sql")).sort();
    const up = (await storageDriver.get(second!))!;
    // The new column and table come first, then a statement that fails: all of "two" must vanish.
    await storageDriver.put(second!, `${up}\nINSERT INTO no_such_table (x) VALUES (1);\n`);
    const client = open(v3);
    const migrations = createMigrationClient(client, { storageDriver });
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED")).toBe(true);
    const meta = (error as { meta: { migration?: string; failed: { sql: string } | null } }).meta;
    expect(meta.migration).toMatch(/_two$/);
    expect(meta.failed?.sql).toMatch(/no_such_table/);
    expect((error as { cause?: { cause?: { code?: string } } }).cause?.cause?.code).toBe("42P01");
    expect(await tables(client, "postgres")).toEqual(["_viborm_migrations", "user"]);
    expect((await columns(client, "postgres", "user")).map((c) => c.name)).toEqual(["id", "email"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "pending"]);
  });

  test("a statement cancelled at a time limit names it and the ways out, and leaves the migration out", async () => {
    await generate(["one", v1], ["two", v3]);
    const [, second] = (await storageDriver.list()).filter((key) => key.endsWith("/up.sql")).sort();
    const up = (await storageDriver.get(second!))!;
    // The server cancels the sleep as Neon cancels a query at its HTTP limit: SQLSTATE 57014.
    await storageDriver.put(second!, `SET LOCAL statement_timeout = '200ms';\n${up}\nSELECT pg_sleep(2);\n`);
    const client = open(v3);
    const migrations = createMigrationClient(client, { storageDriver });
    const error = (await migrations.apply().catch((e: unknown) => e)) as Error & {
      code: string;
      cause?: { code?: string; message: string; meta?: { sql: string; reason?: string } };
    };
    expect(error.code).toBe("MIGRATION_FAILED");
    expect(error.cause?.code).toBe("QUERY_FAILED");
    // Neon's answer names no statement: the message lists the transaction's, the sleep among them.
    expect(error.cause?.meta).toMatchObject({ reason: "statementTimeout" });
    expect(error.cause?.meta?.sql).toContain("SELECT pg_sleep(2)");
    expect(error.cause?.message).toContain("SELECT pg_sleep(2)");
    expect(error.cause?.message).toContain("-- viborm:no-transaction");
    expect(error.cause?.message).toContain("pooled connection");
    expect(await tables(client, "postgres")).toEqual(["_viborm_migrations", "user"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "pending"]);
  });

  test("two concurrent appliers apply each migration exactly once; the loser re-reads and skips", async () => {
    await generate(["one", v1], ["two", v2], ["three", v3]);
    const events: string[] = [];
    const applier = () =>
      createMigrationClient(open(v3), {
        storageDriver,
        onEvent: (event) => {
          if (event.type === "migration:skipped") events.push(event.migration.name);
        },
      });
    const [a, b] = await Promise.all([applier().apply(), applier().apply()]);
    expect([...a.applied, ...b.applied].map((m) => m.name).sort()).toEqual(["one", "three", "two"]);
    const client = open(v3);
    const rows = await client.$queryRaw<{ name: string }>(`SELECT "name" FROM "_viborm_migrations" ORDER BY "id"`);
    expect(rows.map((row) => row.name)).toEqual(["one", "two", "three"]);
    expect(await tables(client, "postgres")).toEqual(["_viborm_migrations", "post", "user"]);
    // Whatever the interleaving, each skip followed a failed transaction (the loser's).
    expect(
      endpoint.log.filter((request) => request.transaction && request.status === 400).length,
    ).toBeGreaterThanOrEqual(events.length);
  });

  test("an enum value added and used at once is swapped in, inside the one transaction", async () => {
    const before = { task: s.model({ id: s.int().id(), state: s.enum(["OPEN", "DONE"]).default("OPEN") }) };
    const after = { task: s.model({ id: s.int().id(), state: s.enum(["OPEN", "DONE", "NEW"]).default("NEW") }) };
    await createMigrationClient(open(before)).push();
    const client = open(after);
    endpoint.resetCount();
    const result = await createMigrationClient(client).push();
    expect(result.applied).toBe(true);
    expect(result.statements.join("\n")).not.toMatch(/ADD VALUE/i);
    const writes = endpoint.log.filter(
      (request) => request.transaction && request.batchHeaders["neon-batch-read-only"] !== "true",
    );
    expect(writes.map((request) => request.queries.length)).toEqual([result.statements.length]);
    await client.$executeRaw(`INSERT INTO "task" ("id") VALUES (1)`);
    expect(await client.$queryRaw(`SELECT "state"::text AS "state" FROM "task"`)).toEqual([{ state: "NEW" }]);
    expect((await createMigrationClient(client).push()).statements).toEqual([]);
  });
});
