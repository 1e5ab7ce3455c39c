/**
 * `baseline` adopts a database built by push: on every driver its live schema becomes a migration
 * recorded as applied (nothing runs, rows stay), the next generate diffs against it, and the
 * baseline applied from scratch builds the same schema. A database or storage with history refuses.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { count } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const user = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  role: s.enum(["USER", "ADMIN"]).default("USER"),
});
const v1 = {
  user,
  post: s.model({
    id: s.int().id().increment(),
    title: s.string(),
    authorId: s.int(),
    author: s
      .manyToOne(() => user)
      .fields("authorId")
      .references("id"),
  }),
};
const v2 = { ...v1, tag: s.model({ id: s.int().id(), label: s.string() }) };

describe.each(DRIVERS)("baseline on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("a pushed database is adopted: recorded applied, rows kept, generate goes on from it", async () => {
    expect((await createMigrationClient(db.client(v1)).push()).applied).toBe(true);
    await db
      .client(v1)
      .$executeRaw(`INSERT INTO ${driver.dialect === "mysql" ? "`user`" : '"user"'} (email) VALUES ('a@x')`);
    const storageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-02-01T00:00:00Z");
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now });
    const { migration, up } = await migrations.baseline();
    expect(migration.name).toBe("baseline");
    expect(up.length).toBeGreaterThan(0);
    expect((await migrations.status()).map((m) => [m.id, m.state])).toEqual([[migration.id, "applied"]]);
    expect(await count(db.client(v1), driver.dialect, "user")).toBe(1);
    expect((await migrations.apply()).applied).toEqual([]);
    expect((await migrations.generate()).migration).toBeNull();

    const next = createMigrationClient(db.client(v2), { storageDriver, now });
    const added = await next.generate({ name: "tags" });
    expect(added.up.join("\n")).toMatch(/tag/);
    expect(added.up.join("\n")).not.toMatch(/CREATE TABLE[^;]*"?`?user`?"?\s*\(/);
    expect((await next.apply()).applied.map((m) => m.name)).toEqual(["tags"]);

    // The baseline run from scratch builds the same schema.
    await next.rollback({ steps: 2 });
    expect((await next.status()).map((m) => m.state)).toEqual(["pending", "pending"]);
    await next.apply();
    expect((await createMigrationClient(db.client(v2)).push({ dryRun: true })).statements).toEqual([]);
  });

  test("a database or storage with a history refuses with MIGRATION_CONFLICT, writing nothing", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(v1), { storageDriver, now: clock("2026-02-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    const before = (await storageDriver.list()).sort();
    const error = await migrations.baseline().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_CONFLICT"), String(error)).toBe(true);
    expect((await storageDriver.list()).sort()).toEqual(before);
    await migrations.apply();
    const empty = createUnstorageDriver(createStorage());
    const applied = await createMigrationClient(db.client(v1), { storageDriver: empty })
      .baseline()
      .catch((e: unknown) => e);
    expect(isVibormError(applied, "MIGRATION_CONFLICT")).toBe(true);
    expect(await empty.list()).toEqual([]);
  });
});
