/**
 * The hard cases of the versioned workflow on every driver: merged branches, a failure mid-migration,
 * concurrent appliers, malformed folders and bad arguments.
 */

import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { columns, tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const base = { user: s.model({ id: s.int().id().increment(), email: s.string() }) };
const withName = { user: s.model({ id: s.int().id().increment(), email: s.string(), name: s.string().nullable() }) };
const withPosts = {
  user: s.model({ id: s.int().id().increment(), email: s.string() }),
  post: s.model({ id: s.int().id().increment(), title: s.string() }),
};
const merged = {
  user: s.model({ id: s.int().id().increment(), email: s.string(), name: s.string().nullable() }),
  post: s.model({ id: s.int().id().increment(), title: s.string() }),
};
const withAge = { user: s.model({ id: s.int().id().increment(), email: s.string(), age: s.int().nullable() }) };

function memoryStorage(): MigrationStorageDriver {
  return createUnstorageDriver(createStorage());
}

async function copyAll(from: MigrationStorageDriver, to: MigrationStorageDriver): Promise<void> {
  for (const key of await from.list()) await to.put(key, (await from.get(key))!);
}

describe.each(DRIVERS)("migration integrity on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("two branches merged by copying folders neither re-emit nor lose each other's changes", async () => {
    const main = memoryStorage();
    await createMigrationClient(db.client(base), { storageDriver: main, now: clock("2026-01-01T00:00:00Z") }).generate({
      name: "init",
    });
    const branch = memoryStorage();
    await copyAll(main, branch);
    await createMigrationClient(db.client(withName), {
      storageDriver: main,
      now: clock("2026-01-02T00:00:00Z"),
    }).generate({ name: "add-name" });
    await createMigrationClient(db.client(withPosts), {
      storageDriver: branch,
      now: clock("2026-01-03T00:00:00Z"),
    }).generate({ name: "add-posts" });
    await copyAll(branch, main);

    const migrations = createMigrationClient(db.client(merged), {
      storageDriver: main,
      now: clock("2026-01-04T00:00:00Z"),
    });
    const next = await migrations.generate();
    expect(next.migration).toBeNull();
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["init", "add-name", "add-posts"]);
    const visible = (await tables(db.client(merged), driver.dialect)).filter((t) => !t.startsWith("_viborm_"));
    expect(visible).toEqual(["post", "user"]);
    expect((await migrations.push({ dryRun: true })).statements).toEqual([]);
  });

  test("two branches changing the same table are reported with both ids", async () => {
    const main = memoryStorage();
    await createMigrationClient(db.client(base), { storageDriver: main, now: clock("2026-01-01T00:00:00Z") }).generate({
      name: "init",
    });
    const branch = memoryStorage();
    await copyAll(main, branch);
    const a = await createMigrationClient(db.client(withName), {
      storageDriver: main,
      now: clock("2026-01-02T00:00:00Z"),
    }).generate({ name: "add-name" });
    const b = await createMigrationClient(db.client(withAge), {
      storageDriver: branch,
      now: clock("2026-01-03T00:00:00Z"),
    }).generate({ name: "add-age" });
    await copyAll(branch, main);
    const both = {
      user: s.model({
        id: s.int().id().increment(),
        email: s.string(),
        name: s.string().nullable(),
        age: s.int().nullable(),
      }),
    };
    const result = await createMigrationClient(db.client(both), {
      storageDriver: main,
      now: clock("2026-01-04T00:00:00Z"),
    }).generate({ dryRun: true });
    expect(result.migration).toBeNull();
    const warning = result.warnings.find((w) => w.includes(a.migration!.id) && w.includes(b.migration!.id));
    expect(warning).toBeDefined();
  });

  test("a failing statement mid-migration leaves schema and tracking table as before", async () => {
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(db.client(withPosts), {
      storageDriver,
      now: clock("2026-01-01T00:00:00Z"),
    });
    const { migration } = await migrations.generate({ name: "init" });
    const up = (await storageDriver.get(`${migration!.id}/up.sql`))!;
    await storageDriver.put(`${migration!.id}/up.sql`, `${up}\nINSERT INTO no_such_table (x) VALUES (1);\n`);
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED")).toBe(true);
    const meta = (error as { meta: { failed: { sql: string } | null; notCompensated?: unknown[] } }).meta;
    expect(meta.failed?.sql).toMatch(/no_such_table/);
    expect(meta.notCompensated ?? []).toEqual([]);
    const visible = (await tables(db.client(base), driver.dialect)).filter((t) => !t.startsWith("_viborm_"));
    expect(visible).toEqual([]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["pending"]);
  });

  test("an onEvent that throws is ignored: apply and rollback finish and report as without it", async () => {
    const storageDriver = memoryStorage();
    const now = clock("2026-01-01T00:00:00Z");
    await createMigrationClient(db.client(base), { storageDriver, now }).generate({ name: "one" });
    await createMigrationClient(db.client(withPosts), { storageDriver, now }).generate({ name: "two" });
    let calls = 0;
    const migrations = createMigrationClient(db.client(withPosts), {
      storageDriver,
      onEvent: () => {
        calls += 1;
        throw new Error("listener bug");
      },
    });
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["one", "two"]);
    expect(calls).toBeGreaterThanOrEqual(4);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
    expect((await tables(db.client(base), driver.dialect)).filter((t) => !t.startsWith("_viborm_")).sort()).toEqual([
      "post",
      "user",
    ]);
    expect((await migrations.rollback()).rolledBack.map((m) => m.name)).toEqual(["two"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "pending"]);
  });

  test("two concurrent appliers apply each migration exactly once", async () => {
    const storageDriver = memoryStorage();
    await createMigrationClient(db.client(base), { storageDriver, now: clock("2026-01-01T00:00:00Z") }).generate({
      name: "one",
    });
    await createMigrationClient(db.client(withName), { storageDriver, now: clock("2026-01-02T00:00:00Z") }).generate({
      name: "two",
    });
    const a = createMigrationClient(db.client(withName), { storageDriver });
    const b = createMigrationClient(db.client(withName), { storageDriver });
    const [ra, rb] = await Promise.all([a.apply(), b.apply()]);
    const all = [...ra.applied, ...rb.applied].map((m) => m.name).sort();
    expect(all).toEqual(["one", "two"]);
    expect((await a.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
    expect((await columns(db.client(base), driver.dialect, "user")).map((c) => c.name)).toEqual([
      "id",
      "email",
      "name",
    ]);
  });

  test("a malformed folder is a typed error naming the file, and nothing is applied", async () => {
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(db.client(base), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    const { migration } = await migrations.generate({ name: "init" });
    await storageDriver.put("20270101000000_broken/up.sql", "SELECT 1;");
    const missing = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(missing, "INVALID_MIGRATION")).toBe(true);
    expect((missing as { meta: { file: string } }).meta.file).toMatch(/20270101000000_broken\/down\.sql/);
    const keysBefore = (await storageDriver.list()).sort();
    const generating = await migrations.generate({ name: "again" }).catch((e: unknown) => e);
    expect(isVibormError(generating, "INVALID_MIGRATION")).toBe(true);
    expect((await storageDriver.list()).sort()).toEqual(keysBefore);
    await storageDriver.delete("20270101000000_broken/up.sql");
    await storageDriver.put(`${migration!.id}/migration.json`, "{ not json");
    const corrupt = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(corrupt, "INVALID_MIGRATION")).toBe(true);
    expect((corrupt as { meta: { file: string } }).meta.file).toBe(`${migration!.id}/migration.json`);
    expect(await tables(db.client(base), driver.dialect)).toEqual([]);
  });

  test("a migration.json for another dialect, or with an unknown column kind, is INVALID_MIGRATION", async () => {
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(db.client(base), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    const { migration } = await migrations.generate({ name: "init" });
    const key = `${migration!.id}/migration.json`;
    const meta = JSON.parse((await storageDriver.get(key))!) as {
      dialect: string;
      operations: { table?: { columns: { type: { kind: string } }[] } }[];
    };
    const other = driver.dialect === "mysql" ? "postgres" : "mysql";
    const cases: [string, unknown, RegExp][] = [
      ["another dialect", { ...meta, dialect: other }, new RegExp(`generated for ${other}`)],
      ["an unknown dialect", { ...meta, dialect: "oracle" }, /unknown dialect/],
      [
        "an unknown column kind",
        {
          ...meta,
          operations: meta.operations.map((op) =>
            op.table
              ? {
                  ...op,
                  table: { ...op.table, columns: op.table.columns.map((c) => ({ ...c, type: { kind: "money" } })) },
                }
              : op,
          ),
        },
        /kind must be one of/,
      ],
    ];
    for (const [what, value, message] of cases) {
      await storageDriver.put(key, JSON.stringify(value));
      for (const call of [() => migrations.apply(), () => migrations.status(), () => migrations.generate()]) {
        const error = await call().catch((e: unknown) => e);
        expect(isVibormError(error, "INVALID_MIGRATION"), `${what}: ${String(error)}`).toBe(true);
        expect((error as Error).message, what).toMatch(message);
        expect((error as { meta: { migration: string } }).meta.migration).toBe(migration!.id);
      }
    }
    expect(await tables(db.client(base), driver.dialect)).toEqual([]);
  });

  test("rollback: steps, to, and bad arguments", async () => {
    const storageDriver = memoryStorage();
    await createMigrationClient(db.client(base), { storageDriver, now: clock("2026-01-01T00:00:00Z") }).generate({
      name: "one",
    });
    await createMigrationClient(db.client(withName), { storageDriver, now: clock("2026-01-02T00:00:00Z") }).generate({
      name: "two",
    });
    await createMigrationClient(db.client(merged), { storageDriver, now: clock("2026-01-03T00:00:00Z") }).generate({
      name: "three",
    });
    const migrations = createMigrationClient(db.client(merged), { storageDriver });
    await migrations.apply();
    for (const bad of [{ steps: 0 }, { steps: 1.5 }, { steps: 1, to: "one" }]) {
      const error = await migrations.rollback(bad).catch((e: unknown) => e);
      expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    }
    const unknown = await migrations.rollback({ to: "nope" }).catch((e: unknown) => e);
    expect(isVibormError(unknown, "MIGRATION_NOT_FOUND")).toBe(true);
    expect((await migrations.rollback({ dryRun: true, steps: 2 })).rolledBack.map((m) => m.name)).toEqual([
      "three",
      "two",
    ]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied", "applied"]);
    expect((await migrations.rollback({ to: "one" })).rolledBack.map((m) => m.name)).toEqual(["three", "two"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "pending", "pending"]);
    expect((await migrations.apply({ to: "two" })).applied.map((m) => m.name)).toEqual(["two"]);
  });
});

test("a storage write failing mid-generate leaves storage exactly as it was", async () => {
  const inner = memoryStorage();
  let puts = 0;
  const flaky: MigrationStorageDriver = {
    ...inner,
    put: async (key, value) => {
      if (++puts === 2) throw new Error("disk full");
      await inner.put(key, value);
    },
  };
  const { createClient } = await import("viborm/sqlite3");
  const migrations = createMigrationClient(createClient({ schema: base, filename: ":memory:" }), {
    storageDriver: flaky,
  });
  await expect(migrations.generate({ name: "init" })).rejects.toThrow("disk full");
  expect(await inner.list()).toEqual([]);
});

test("a migration name that is not text is INVALID_ARGUMENT for generate and baseline, and writes nothing", async () => {
  const storageDriver = memoryStorage();
  const { createClient } = await import("viborm/sqlite3");
  const migrations = createMigrationClient(createClient({ schema: base, filename: ":memory:" }), { storageDriver });
  // Callers from JavaScript (or a config read as JSON) can hand over anything.
  for (const name of [5, { toString: () => "add-users" }] as unknown as string[]) {
    for (const call of [() => migrations.generate({ name }), () => migrations.baseline({ name })]) {
      const error = await call().catch((e: unknown) => e);
      expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
      expect((error as { meta: { argument: string } }).meta.argument).toBe("name");
    }
  }
  expect(await storageDriver.list()).toEqual([]);
});

test("options that are not what they say are INVALID_ARGUMENT naming the option, before anything is written", async () => {
  const storageDriver = memoryStorage();
  const { createClient } = await import("viborm/sqlite3");
  const client = createClient({ schema: base, filename: ":memory:" });
  const bad: [string, Record<string, unknown>][] = [
    ["storageDriver", { storageDriver: "migrations" }],
    ["storageDriver", { storageDriver: { get: async () => null, put: async () => undefined } }],
    ["now", { storageDriver, now: "2026-01-01" }],
    ["onEvent", { storageDriver, onEvent: true }],
  ];
  for (const [argument, options] of bad) {
    let error: unknown;
    try {
      createMigrationClient(client, options as never);
    } catch (e) {
      error = e;
    }
    expect(isVibormError(error, "INVALID_ARGUMENT"), `${argument}: ${String(error)}`).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe(argument);
  }
  // A clock that returns no date would name the migration "0NaNNaN…".
  for (const now of [() => new Date("not a date"), () => "2026-01-01"]) {
    const migrations = createMigrationClient(client, { storageDriver, now: now as () => Date });
    const error = await migrations.generate({ name: "init" }).catch((e: unknown) => e);
    expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe("now");
  }
  // resolve must be a function: a destructive change would otherwise call a string.
  const migrations = createMigrationClient(client, { storageDriver });
  for (const call of [
    () => migrations.push({ resolve: "proceed" as never }),
    () => migrations.generate({ resolve: "proceed" as never }),
  ]) {
    const error = await call().catch((e: unknown) => e);
    expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe("resolve");
  }
  expect(await storageDriver.list()).toEqual([]);
  expect(await client.$queryRaw("SELECT name FROM sqlite_master")).toEqual([]);
  await client.$close();
});

test("a command's options that are not an object, or a flag that is not true or false, are INVALID_ARGUMENT and nothing runs", async () => {
  const storageDriver = memoryStorage();
  const { createClient } = await import("viborm/sqlite3");
  const client = createClient({ schema: base, filename: ":memory:" });
  const migrations = createMigrationClient(client, { storageDriver });
  // A flag read from the environment is a string: "false" would have been taken as true (force
  // accepting data loss), and an apply given a string as its options ran every migration.
  const calls: [string, () => Promise<unknown>][] = [
    ["force", () => migrations.push({ force: "false" as never })],
    ["dryRun", () => migrations.push({ dryRun: 0 as never })],
    ["force", () => migrations.generate({ name: "init", force: "no" as never })],
    ["dryRun", () => migrations.generate({ name: "init", dryRun: "true" as never })],
    ["allowOutOfOrder", () => migrations.apply({ allowOutOfOrder: 1 as never })],
    ["options", () => migrations.apply("dry-run" as never)],
    ["options", () => migrations.push([] as never)],
    ["dryRun", () => migrations.rollback({ dryRun: "yes" as never })],
    ["dryRun", () => migrations.reset({ dryRun: null as never })],
  ];
  for (const [argument, call] of calls) {
    const error = await call().catch((e: unknown) => e);
    expect(isVibormError(error, "INVALID_ARGUMENT"), `${argument}: ${String(error)}`).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe(argument);
  }
  expect(await storageDriver.list()).toEqual([]);
  expect(await client.$queryRaw("SELECT name FROM sqlite_master")).toEqual([]);
  await client.$close();
});
