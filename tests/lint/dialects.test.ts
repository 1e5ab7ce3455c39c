/**
 * Lint's per-dialect and per-platform rules, on hand-written SQL: PostgreSQL's lock-free spellings
 * are quiet and the locking ones are not, a SQLite rebuild written by hand is a rebuild (not a
 * drop), and EDGE_LIMIT estimates from real row counts (D1's 30 s batch, Neon HTTP's 15 s request)
 * and counts D1 calls per invocation.
 */
import { createStorage } from "unstorage";
import { s } from "viborm";
import { createMigrationClient, type Finding, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { describe, expect, test } from "vitest";
import { DRIVERS, type DriverCase } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "../migrate/helpers.js";

const item = s.model({ id: s.int().id().increment(), name: s.string(), ownerId: s.int().nullable() });
const owner = s.model({ id: s.int().id().increment() });
const schema = { item, owner };

function memoryStorage(): MigrationStorageDriver {
  return createUnstorageDriver(createStorage());
}

/** Writes a pending migration whose up.sql is `statements`, with metadata shaped like `template`'s. */
async function handWritten(storage: MigrationStorageDriver, id: string, statements: string[]): Promise<void> {
  const ids = [...new Set((await storage.list()).map((key) => key.split("/")[0]!))].sort();
  const template = JSON.parse((await storage.get(`${ids[0]}/migration.json`))!) as Record<string, unknown>;
  await storage.put(`${id}/up.sql`, statements.map((sql) => `${sql};\n`).join("\n"));
  await storage.put(`${id}/down.sql`, "");
  const meta = { ...template, id, name: id.slice(15), parents: [ids.at(-1)], operations: [], warnings: [] };
  delete (meta as { inverses?: unknown }).inverses;
  await storage.put(`${id}/migration.json`, `${JSON.stringify(meta, null, 2)}\n`);
}

function byDialect(dialect: DriverCase["dialect"]): DriverCase[] {
  return DRIVERS.filter((driver) => driver.dialect === dialect);
}

function summary(findings: Finding[]): string[] {
  return findings.map((finding) => `${finding.statement}:${finding.code}`);
}

describe.each(byDialect("postgres"))("PostgreSQL locks on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("CONCURRENTLY and NOT VALID + VALIDATE are quiet; the plain spellings are BLOCKING", async () => {
    const storage = memoryStorage();
    const migrations = createMigrationClient(db.client(schema), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    await migrations.apply();
    await handWritten(storage, "20260102000000_online", [
      `CREATE INDEX CONCURRENTLY item_name_idx ON item (name)`,
      `ALTER TABLE item ADD CONSTRAINT item_owner_fk FOREIGN KEY ("ownerId") REFERENCES owner (id) NOT VALID`,
      `ALTER TABLE item VALIDATE CONSTRAINT item_owner_fk`,
    ]);
    expect(summary((await migrations.lint()).findings)).toEqual([]);

    await handWritten(storage, "20260103000000_locking", [
      `CREATE INDEX item_owner_idx ON item ("ownerId")`,
      `ALTER TABLE item ALTER COLUMN name TYPE varchar(20)`,
      `ALTER TABLE item ADD COLUMN token text DEFAULT gen_random_uuid()::text`,
    ]);
    const locking = (await migrations.lint()).findings.filter((f) => f.migration === "20260103000000_locking");
    expect(summary(locking.filter((f) => f.code === "BLOCKING"))).toEqual(["0:BLOCKING", "1:BLOCKING", "2:BLOCKING"]);
    expect(locking[0]!.suggestion).toMatch(/CONCURRENTLY/);
  });
});

describe.each(byDialect("mysql"))("MySQL online DDL on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("offline (no server version known), lint judges online DDL as a current server does", async () => {
    const storage = memoryStorage();
    const migrations = createMigrationClient(db.client(schema), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    await migrations.apply();
    await handWritten(storage, "20260102000000_online", [
      "ALTER TABLE `item` ADD COLUMN `extra` int NULL",
      "CREATE INDEX `item_name_idx` ON `item` (`name`)",
      "ALTER TABLE `item` MODIFY `name` varchar(100) NOT NULL",
      "ALTER TABLE `item` DROP COLUMN `extra`",
    ]);
    const online = (await migrations.lint()).findings.filter((f) => f.code === "BLOCKING");
    const offlineClient = createMysqlClient({ schema, databaseUrl: "mysql://root@127.0.0.1:1/none" });
    const offline = await createMigrationClient(offlineClient, { storageDriver: storage })
      .lint({ migrations: ["online"] })
      .finally(() => offlineClient.$close());
    const blocking = offline.findings.filter((f) => f.code === "BLOCKING");
    expect(summary(blocking)).toEqual(summary(online));
    expect(blocking.map((f) => f.message).join("\n")).not.toMatch(/before MySQL 5\.6|0\.0\.0/);
  });

  test("removing ENUM values is DESTRUCTIVE and DATA_DEPENDENT, with the rows holding them", async () => {
    const wide = { item: s.model({ id: s.int().id().increment(), status: s.enum(["a", "b", "c"]) }) };
    const narrow = { item: s.model({ id: s.int().id().increment(), status: s.enum(["a"]) }) };
    const storage = memoryStorage();
    const first = createMigrationClient(db.client(wide), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await first.generate({ name: "init" });
    await first.apply();
    await db.client(wide).$executeRaw("INSERT INTO `item` (`status`) VALUES ('a'), ('b'), ('c'), ('b')");
    const migrations = createMigrationClient(db.client(narrow), {
      storageDriver: storage,
      now: clock("2026-01-02T00:00:00Z"),
    });
    await migrations.generate({ name: "narrow", force: true });
    const { findings } = await migrations.lint();
    const destructive = findings.filter((f) => f.code === "DESTRUCTIVE");
    expect(destructive).toHaveLength(1);
    expect(destructive[0]).toMatchObject({ severity: "error", statement: 0 });
    expect(destructive[0]!.message).toMatch(/'b', 'c'.*item\.status.*3 rows/);
    const data = findings.filter((f) => f.code === "DATA_DEPENDENT");
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ severity: "error", statement: 0 });
    expect(data[0]!.message).toMatch(/3 rows hold a removed value/);

    await db.client(wide).$executeRaw("DELETE FROM `item` WHERE `status` <> 'a'");
    const cleaned = (await migrations.lint()).findings;
    expect(cleaned.filter((f) => f.code === "DATA_DEPENDENT")).toEqual([]);
    expect(cleaned.filter((f) => f.code === "DESTRUCTIVE")[0]!.message).toMatch(/no row holds them today/);
  });
});

describe.each(byDialect("sqlite"))("SQLite rebuilds on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("a rebuild written by hand is BLOCKING, and DESTRUCTIVE only for the columns it leaves out", async () => {
    const storage = memoryStorage();
    const migrations = createMigrationClient(db.client(schema), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    await migrations.apply();
    await handWritten(storage, "20260102000000_rebuild", [
      "PRAGMA defer_foreign_keys = ON",
      `CREATE TABLE "new_item" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "name" TEXT NOT NULL)`,
      `INSERT INTO "new_item" ("id", "name") SELECT "id", "name" FROM "item"`,
      `DROP TABLE "item"`,
      `ALTER TABLE "new_item" RENAME TO "item"`,
    ]);
    const { findings } = await migrations.lint();
    expect(summary(findings)).toEqual(["3:DESTRUCTIVE", "3:BLOCKING"]);
    expect(findings[0]!.message).toMatch(/Rebuilds item without ownerId/);
    expect(findings[1]!.message).toMatch(/Rebuilds item by copying it into new_item/);
  });

  test("D1 calls per invocation: many pending migrations in one apply are EDGE_LIMIT once", async () => {
    const storage = memoryStorage();
    const migrations = createMigrationClient(db.client(schema), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    for (let i = 1; i <= 50; i++)
      await handWritten(storage, `2026010200${String(i).padStart(4, "0")}_t${i}`, [
        `CREATE TABLE "t${i}" ("x" INTEGER)`,
      ]);
    const edge = (await migrations.lint()).findings.filter((finding) => finding.code === "EDGE_LIMIT");
    expect(edge).toHaveLength(1);
    expect(edge[0]!.message).toMatch(/about 51 database calls .* the 50 a Free-plan invocation may make/);
  });
});

describe.each(DRIVERS.filter((driver) => driver.name === "sqlite3" || driver.name === "neon-http"))(
  "time limits from row counts on $name",
  (driver) => {
    const db = useFreshDatabase(driver);

    test("a rebuild or rewrite of a table too big for one unit is EDGE_LIMIT", { timeout: 120_000 }, async () => {
      const storage = memoryStorage();
      const migrations = createMigrationClient(db.client(schema), {
        storageDriver: storage,
        now: clock("2026-01-01T00:00:00Z"),
      });
      await migrations.generate({ name: "init" });
      await migrations.apply();
      const client = db.client(schema);
      // Past the estimate's threshold: D1 at ~150,000 rows/s for 30 s; Neon at ~200,000 rows/s for 15 s.
      const rows = driver.dialect === "sqlite" ? 4_600_000 : 3_100_000;
      await client.$executeRaw(
        driver.dialect === "sqlite"
          ? `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) INSERT INTO "item" ("name") SELECT 'x' FROM n`
          : `INSERT INTO "item" ("name") SELECT 'x' FROM generate_series(1, ${rows})`,
      );
      const wider = {
        item: s.model({ id: s.int().id().increment(), name: s.string().nullable(), ownerId: s.bigInt().nullable() }),
        owner,
      };
      const generated = await createMigrationClient(db.client(wider), {
        storageDriver: storage,
        now: clock("2026-01-02T00:00:00Z"),
      }).generate({ name: "widen" });
      const edge = generated.findings.filter((finding) => finding.code === "EDGE_LIMIT");
      expect(edge).toHaveLength(1);
      expect(edge[0]!.message).toMatch(driver.dialect === "sqlite" ? /past D1's 30 s/ : /past Neon HTTP's 15 s/);
      // Each rebuild (SQLite makes one per changed column) or rewrite handles every row.
      const handled = Number(/about ([\d,]+) rows/.exec(edge[0]!.message)?.[1]?.replaceAll(",", ""));
      expect(handled % rows).toBe(0);
      expect(handled).toBeGreaterThanOrEqual(rows);
    });
  },
);
