/**
 * `resolve` repairs the history on every driver: record a migration applied without running it,
 * forget one, accept an applied one's edited files; an unknown id is MIGRATION_NOT_FOUND and
 * nothing else is touched.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const v1 = { user: s.model({ id: s.int().id(), email: s.string() }) };
const v2 = { ...v1, post: s.model({ id: s.int().id(), title: s.string() }) };

describe.each(DRIVERS)("resolve on $name", (driver) => {
  const db = useFreshDatabase(driver);

  async function twoMigrations(): Promise<{ storageDriver: MigrationStorageDriver; one: string; two: string }> {
    const storageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-01-01T00:00:00Z");
    const one = (await createMigrationClient(db.client(v1), { storageDriver, now }).generate({ name: "one" }))
      .migration!;
    const two = (await createMigrationClient(db.client(v2), { storageDriver, now }).generate({ name: "two" }))
      .migration!;
    return { storageDriver, one: one.id, two: two.id };
  }
  const states = async (storageDriver: MigrationStorageDriver) =>
    (await createMigrationClient(db.client(v2), { storageDriver }).status()).map((m) => m.state);
  const visible = async () => (await tables(db.client(v1), driver.dialect)).filter((t) => !t.startsWith("_viborm_"));

  test("applied records without running; rolledBack forgets; each again changes nothing", async () => {
    const { storageDriver, one, two } = await twoMigrations();
    const migrations = createMigrationClient(db.client(v2), { storageDriver });
    await migrations.apply({ to: one });
    // The table of "two" made by hand: resolve records it, and apply then has nothing to run.
    await db
      .client(v2)
      .$executeRaw(
        driver.dialect === "mysql"
          ? "CREATE TABLE `post` (id INT PRIMARY KEY, title TEXT NOT NULL)"
          : 'CREATE TABLE "post" (id INTEGER PRIMARY KEY, title TEXT NOT NULL)',
      );
    expect(await migrations.resolve({ applied: two })).toMatchObject({
      action: "applied",
      changed: true,
      migration: { id: two },
    });
    expect(await migrations.resolve({ applied: "two" })).toMatchObject({ changed: false });
    expect(await states(storageDriver)).toEqual(["applied", "applied"]);
    expect((await migrations.apply()).applied).toEqual([]);
    expect(await visible()).toEqual(["post", "user"]);

    expect(await migrations.resolve({ rolledBack: two })).toMatchObject({ action: "rolledBack", changed: true });
    expect(await migrations.resolve({ rolledBack: two })).toMatchObject({ changed: false });
    expect(await states(storageDriver)).toEqual(["applied", "pending"]);
    expect(await visible()).toEqual(["post", "user"]);
  });

  test("acceptChecksum takes an applied migration's edited files as they are now", async () => {
    const { storageDriver, one } = await twoMigrations();
    const migrations = createMigrationClient(db.client(v2), { storageDriver });
    await migrations.apply({ to: one });
    const up = (await storageDriver.get(`${one}/up.sql`))!;
    await storageDriver.put(`${one}/up.sql`, `${up}\n-- a comment added later\n`);
    expect(await states(storageDriver)).toEqual(["modified", "pending"]);
    const refused = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(refused, "CHECKSUM_MISMATCH")).toBe(true);
    expect(await migrations.resolve({ acceptChecksum: one })).toMatchObject({
      action: "acceptChecksum",
      changed: true,
    });
    expect(await states(storageDriver)).toEqual(["applied", "pending"]);
    expect((await migrations.apply()).applied.map((m) => m.id)).toHaveLength(1);
  });

  test("an unknown id is MIGRATION_NOT_FOUND; no option or two is INVALID_ARGUMENT; nothing is touched", async () => {
    const { storageDriver, one } = await twoMigrations();
    const migrations = createMigrationClient(db.client(v2), { storageDriver });
    await migrations.apply({ to: one });
    for (const options of [{ applied: "nope" }, { rolledBack: "20990101000000_nope" }, { acceptChecksum: "nope" }]) {
      const error = await migrations.resolve(options as never).catch((e: unknown) => e);
      expect(isVibormError(error, "MIGRATION_NOT_FOUND"), JSON.stringify(options)).toBe(true);
    }
    for (const options of [{}, { applied: one, rolledBack: one }]) {
      const error = await migrations.resolve(options as never).catch((e: unknown) => e);
      expect(isVibormError(error, "INVALID_ARGUMENT"), JSON.stringify(options)).toBe(true);
    }
    expect(await states(storageDriver)).toEqual(["applied", "pending"]);
    expect(await visible()).toEqual(["user"]);
  });
});
