/**
 * The atomic-strategy conformance suite every driver runs (transaction, batch or compensating,
 * whichever it gets): a migration that fails at *each* statement index leaves the schema, the rows
 * and the tracking table exactly as they were, and the next run works; a rollback failing part-way
 * leaves everything as after; concurrent appliers apply each migration exactly once.
 * Kills of real processes and dropped connections (where a server runs) are in tests/fault/kill.test.ts.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { columns, count, tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "../migrate/helpers.js";

const v1 = { user: s.model({ id: s.int().id(), email: s.string() }) };
const v2 = {
  user: s.model({ id: s.int().id(), email: s.string(), name: s.string().nullable() }).index("email"),
  post: s.model({ id: s.int().id(), title: s.string() }),
  tag: s.model({ id: s.int().id(), label: s.string() }),
};
const BAD = "INSERT INTO no_such_table (x) VALUES (1)";

function split(sql: string): string[] {
  return sql
    .split(/;\s*\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement.length > 0 && !/^--/.test(statement));
}

describe.each(DRIVERS)("atomic conformance on $name", (driver) => {
  const db = useFreshDatabase(driver);

  async function setUp() {
    const storageDriver: MigrationStorageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-01-01T00:00:00Z");
    const one = await createMigrationClient(db.client(v1), { storageDriver, now }).generate({ name: "one" });
    const two = await createMigrationClient(db.client(v2), { storageDriver, now }).generate({ name: "two" });
    const migrations = createMigrationClient(db.client(v2), { storageDriver });
    await migrations.apply({ to: one.migration!.id });
    await db
      .client(v1)
      .$executeRaw("INSERT INTO user (id, email) VALUES (1, 'a@x'), (2, 'b@x')".replace(/user/, q("user")));
    return { storageDriver, migrations, one: one.migration!.id, two: two.migration!.id };
  }

  const q = (name: string) => (driver.dialect === "mysql" ? `\`${name}\`` : `"${name}"`);

  async function observe() {
    const client = db.client(v1);
    return {
      tables: (await tables(client, driver.dialect)).filter((t) => !t.startsWith("_viborm_")),
      userColumns: (await columns(client, driver.dialect, "user")).map((c) => c.name),
      rows: await count(client, driver.dialect, "user"),
    };
  }

  test("apply failing at each statement index leaves everything as before; then it applies", async () => {
    const { storageDriver, migrations, one, two } = await setUp();
    const original = (await storageDriver.get(`${two}/up.sql`))!;
    const statements = split(original);
    expect(statements.length).toBeGreaterThanOrEqual(3);
    const before = await observe();
    for (let index = 0; index <= statements.length; index++) {
      const broken = [...statements.slice(0, index), BAD, ...statements.slice(index)];
      await storageDriver.put(`${two}/up.sql`, `${broken.join(";\n\n")};\n`);
      const error = await migrations.apply().catch((e: unknown) => e);
      expect(isVibormError(error, "MIGRATION_FAILED"), `index ${index}: ${String(error)}`).toBe(true);
      const meta = (error as { meta: { failed: { statementIndex: number } | null; notCompensated?: unknown[] } }).meta;
      if (meta.failed) expect(meta.failed.statementIndex, `index ${index}`).toBe(index);
      expect(meta.notCompensated ?? [], `index ${index}`).toEqual([]);
      // The message is true: a transaction rolled back changed nothing; statements undone one by
      // one (MySQL's DDL commits each) are said to be undone.
      const undone = driver.dialect === "mysql" && index > 0;
      expect((error as Error).message, `index ${index}`).toMatch(
        undone ? /statement\(s\) it had run were undone/ : /Nothing was changed/,
      );
      expect(await observe(), `index ${index}`).toEqual(before);
      expect((await migrations.status()).map((m) => [m.id, m.state])).toEqual([
        [one, "applied"],
        [two, "pending"],
      ]);
    }
    await storageDriver.put(`${two}/up.sql`, original);
    expect((await migrations.apply()).applied.map((m) => m.id)).toEqual([two]);
    expect((await observe()).tables).toEqual(["post", "tag", "user"]);
  });

  test("three concurrent appliers apply each migration exactly once", async () => {
    const storageDriver: MigrationStorageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-01-01T00:00:00Z");
    await createMigrationClient(db.client(v1), { storageDriver, now }).generate({ name: "one" });
    await createMigrationClient(db.client(v2), { storageDriver, now }).generate({ name: "two" });
    const appliers = [0, 1, 2].map(() => createMigrationClient(db.client(v2), { storageDriver }));
    const results = await Promise.all(appliers.map((m) => m.apply()));
    const applied = results.flatMap((r) => r.applied.map((m) => m.name)).sort();
    expect(applied).toEqual(["one", "two"]);
    expect((await appliers[0]!.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
    expect((await observe()).tables).toEqual(["post", "tag", "user"]);
    // The tracking table holds exactly one row per applied migration.
    expect(await count(db.client(v1), driver.dialect, "_viborm_migrations")).toBe(2);
  });

  test("rollback failing part-way leaves everything as after", async () => {
    const { storageDriver, migrations } = await setUp();
    const two = (await migrations.status())[1]!.id;
    // The checksum covers down.sql: the broken one is in place before the migration is applied.
    const statements = split((await storageDriver.get(`${two}/down.sql`))!);
    const middle = Math.floor(statements.length / 2) + 1;
    const broken = [...statements.slice(0, middle), BAD, ...statements.slice(middle)];
    await storageDriver.put(`${two}/down.sql`, `${broken.join(";\n\n")};\n`);
    await migrations.apply();
    const after = await observe();
    const error = await migrations.rollback().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED"), String(error)).toBe(true);
    expect(await observe()).toEqual(after);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
  });
});
