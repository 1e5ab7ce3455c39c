/**
 * The versioned workflow through the public API on every driver:
 * generate → apply → status → generate (change) → apply → rollback → apply → reset.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isVibormError, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { columns, count, tables } from "../helpers/catalog.js";
import { DRIVERS, type TestDatabase } from "../helpers/drivers.js";
import { clock } from "./helpers.js";

const v1 = {
  user: s.model({
    id: s.int().id().increment(),
    email: s.string().unique(),
    role: s.enum(["USER", "ADMIN"]).default("USER"),
  }),
};
const user2 = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  role: s.enum(["USER", "ADMIN"]).default("USER"),
  name: s.string().nullable(),
});
const v2 = {
  user: user2,
  post: s.model({
    id: s.int().id().increment(),
    title: s.string(),
    authorId: s.int(),
    author: s
      .manyToOne(() => user2)
      .fields("authorId")
      .references("id")
      .onDelete("cascade"),
  }),
};

describe.each(DRIVERS)("migrations on $name", (driver) => {
  let db: TestDatabase;
  let dir: string;
  let skip = false;

  beforeEach(async (ctx) => {
    skip = !(await driver.available());
    if (skip) ctx.skip();
    db = await driver.fresh();
    dir = mkdtempSync(join(tmpdir(), "viborm-migrations-"));
  });
  afterEach(async () => {
    if (skip) return;
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("generate → apply → status → generate → apply → rollback → apply → reset", async () => {
    const now = clock("2026-11-26T18:40:00Z");
    const storageDriver = createFsStorageDriver(dir);
    const m1 = createMigrationClient(db.client(v1), { storageDriver, now });

    const first = await m1.generate({ name: "Add users" });
    expect(first.migration?.id).toBe("20261126184000_add-users");
    expect(first.up.join("\n")).toMatch(/CREATE TABLE/i);
    expect(readdirSync(join(dir, first.migration!.id)).sort()).toEqual(["down.sql", "migration.json", "up.sql"]);
    // migration.json: valid JSON, a field per line and each operation on one line of its own.
    const metaText = readFileSync(join(dir, first.migration!.id, "migration.json"), "utf8");
    const meta = JSON.parse(metaText) as { id: string; operations: unknown[] };
    expect(meta.id).toBe(first.migration!.id);
    const operationLines = metaText.split("\n").filter((line) => line.startsWith('    {"kind":'));
    expect(operationLines.map((line) => JSON.parse(line.replace(/,$/, "")))).toEqual(meta.operations);
    expect((await m1.generate()).migration).toBeNull();

    expect(await m1.status()).toEqual([{ id: first.migration!.id, name: "add-users", state: "pending" }]);
    const applied = await m1.apply();
    expect(applied.applied.map((m) => m.id)).toEqual([first.migration!.id]);
    expect(applied.pending).toEqual([]);
    const afterApply = await m1.status();
    expect(afterApply[0]).toMatchObject({ state: "applied" });
    expect(Date.parse(afterApply[0]!.appliedAt!)).not.toBeNaN();

    const client2 = db.client(v2);
    await client2.$executeRaw(
      driver.dialect === "mysql"
        ? "INSERT INTO `user` (`email`) VALUES ('a@x')"
        : `INSERT INTO "user" ("email") VALUES ('a@x')`,
    );
    const m2 = createMigrationClient(client2, { storageDriver, now });
    const second = await m2.generate({ name: "posts" });
    expect(second.migration?.name).toBe("posts");
    expect(second.migration!.id > first.migration!.id).toBe(true);
    expect((await m2.apply()).applied).toHaveLength(1);
    expect(await tables(client2, driver.dialect)).toEqual(expect.arrayContaining(["post", "user"]));
    expect((await columns(client2, driver.dialect, "user")).map((c) => c.name)).toContain("name");
    expect((await m2.push({ dryRun: true })).statements).toEqual([]);

    const rolled = await m2.rollback();
    expect(rolled.rolledBack.map((m) => m.id)).toEqual([second.migration!.id]);
    expect(await tables(client2, driver.dialect)).not.toContain("post");
    expect((await columns(client2, driver.dialect, "user")).map((c) => c.name)).not.toContain("name");
    expect(await count(client2, driver.dialect, "user")).toBe(1);
    expect((await m2.status()).map((m) => m.state)).toEqual(["applied", "pending"]);

    expect((await m2.apply()).applied).toHaveLength(1);
    const reset = await m2.reset();
    expect(reset.dropped).toEqual(expect.arrayContaining(["post", "user"]));
    expect(reset.applied).toHaveLength(2);
    expect(await count(client2, driver.dialect, "user")).toBe(0);
    expect((await m2.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
  });

  test("dry runs write and change nothing", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    const planned = await migrations.generate({ name: "init", dryRun: true });
    expect(planned.migration?.id).toBe("20260101000000_init");
    expect(readdirSync(dir)).toEqual([]);
    await migrations.generate({ name: "init" });
    const dry = await migrations.apply({ dryRun: true });
    expect(dry.applied).toEqual([]);
    expect(dry.pending).toHaveLength(1);
    expect(await tables(db.client(v1), driver.dialect)).toEqual([]);
  });

  test("a migration changed after it was applied is modified, and apply refuses", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    const { migration } = await migrations.generate({ name: "init" });
    await migrations.apply();
    await storageDriver.put(
      `${migration!.id}/up.sql`,
      `${readFileSync(join(dir, migration!.id, "up.sql"), "utf8")}\n-- edited\n`,
    );
    expect((await migrations.status())[0]!.state).toBe("modified");
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "CHECKSUM_MISMATCH")).toBe(true);
    expect((error as { meta: { migrations: { id: string }[] } }).meta.migrations[0]!.id).toBe(migration!.id);
  });

  test("an applied migration whose files are gone is missing", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    const { migration } = await migrations.generate({ name: "init" });
    await migrations.apply();
    for (const file of ["up.sql", "down.sql", "migration.json"]) await storageDriver.delete(`${migration!.id}/${file}`);
    expect(await migrations.status()).toEqual([
      expect.objectContaining({ id: migration!.id, state: "missing", appliedAt: expect.any(String) }),
    ]);
  });

  test("a pending migration that sorts before the last applied one is OUT_OF_ORDER unless allowed", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now: clock("2026-01-02T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await migrations.apply();
    // A branch's migration, merged by copying its folder, older than what is applied.
    const branch = "20260101000000_from-branch";
    await storageDriver.put(`${branch}/up.sql`, "CREATE TABLE branch_table (id INTEGER PRIMARY KEY);\n");
    await storageDriver.put(`${branch}/down.sql`, "DROP TABLE branch_table;\n");
    await storageDriver.put(
      `${branch}/migration.json`,
      JSON.stringify({
        version: 1,
        id: branch,
        name: "from-branch",
        dialect: driver.dialect,
        parents: [],
        operations: [],
        warnings: [],
      }),
    );
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "OUT_OF_ORDER")).toBe(true);
    expect((error as { meta: { migrations: string[] } }).meta.migrations).toEqual([branch]);
    const result = await migrations.apply({ allowOutOfOrder: true });
    expect(result.applied.map((m) => m.id)).toEqual([branch]);
  });

  test("storage is required for file-based operations, push works without it", async () => {
    const migrations = createMigrationClient(db.client(v1));
    for (const call of [
      () => migrations.generate(),
      () => migrations.apply(),
      () => migrations.status(),
      () => migrations.rollback(),
      () => migrations.reset(),
    ]) {
      const error = await call().catch((e: unknown) => e);
      expect(isVibormError(error, "STORAGE_REQUIRED")).toBe(true);
    }
    expect((await migrations.push()).applied).toBe(true);
  });
});
