/**
 * Migrate benchmark: 100 migrations that together build 300 tables. Reports the time to generate
 * them one by one (and the last generate alone, which folds 99 migrations), to apply all 100 on a
 * fresh database, and a status call afterwards. Then the round trips of applying one 300-table
 * migration, its unit sent as multi-statement scripts and statement by statement.
 */

import { createStorage } from "unstorage";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { BENCH_DRIVERS, counting, generatedSchema, printTable, time } from "./harness.js";

const MIGRATIONS = Number(process.env.BENCH_MIGRATIONS ?? 100);
const TABLES_PER_MIGRATION = 3;

export async function benchMigrate(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const driver of BENCH_DRIVERS) {
    if (!(await driver.available())) {
      console.log(`[skip] ${driver.name}: database not reachable`);
      continue;
    }
    const db = await driver.fresh();
    try {
      const storageDriver = createUnstorageDriver(createStorage());
      let clock = Date.UTC(2026, 0, 1);
      const now = () => {
        clock += 60_000;
        return new Date(clock);
      };
      let last = 0;
      const generateAll = await time(async () => {
        for (let i = 1; i <= MIGRATIONS; i++) {
          const migrations = createMigrationClient(db.client(generatedSchema(i * TABLES_PER_MIGRATION)), {
            storageDriver,
            now,
          });
          last = await time(() => migrations.generate({ name: `step-${i}` }));
        }
      });
      const migrations = createMigrationClient(db.client(generatedSchema(MIGRATIONS * TABLES_PER_MIGRATION)), {
        storageDriver,
      });
      const applyAll = await time(() => migrations.apply());
      const status = await time(() => migrations.status());
      const noop = await time(() => migrations.apply());
      rows.push({
        driver: driver.name,
        migrations: MIGRATIONS,
        tables: MIGRATIONS * TABLES_PER_MIGRATION,
        "generate all ms": generateAll,
        "last generate ms": last,
        "apply all ms": applyAll,
        "status ms": status,
        "no-op apply ms": noop,
      });
    } finally {
      await db.close();
    }
  }
  printTable("migrate", rows);
  await benchApplyRoundTrips();
}

/**
 * One migration creating 300 tables, applied on a fresh database per driver: the round trips of
 * the whole apply (driver reads and the atomic unit's session), with the unit sent as scripts
 * (multi-statement round trips, the default) and statement by statement (as before scripts).
 */
async function benchApplyRoundTrips(): Promise<void> {
  const tables = Number(process.env.BENCH_APPLY_TABLES ?? 300);
  const rows: Record<string, string | number>[] = [];
  for (const driver of BENCH_DRIVERS) {
    if (!(await driver.available())) continue;
    const storageDriver = createUnstorageDriver(createStorage());
    const source = await driver.fresh();
    let statements = 0;
    try {
      const generated = await createMigrationClient(source.client(generatedSchema(tables)), { storageDriver }).generate(
        {
          name: "all",
        },
      );
      statements = generated.up.length;
    } finally {
      await source.close();
    }
    const row: Record<string, string | number> = { driver: driver.name, tables, statements };
    for (const scripts of [false, true]) {
      const db = await driver.fresh();
      try {
        const { client, counts } = counting(db.client(generatedSchema(tables)), { scripts });
        const ms = await time(() => createMigrationClient(client, { storageDriver }).apply());
        const label = scripts ? "scripts" : "one by one";
        row[`${label}: round trips`] = counts.roundTrips + counts.sessionRoundTrips;
        row[`${label}: ms`] = ms;
      } finally {
        await db.close();
      }
    }
    rows.push(row);
  }
  printTable(`apply one ${tables}-table migration: round trips`, rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMigrate();
