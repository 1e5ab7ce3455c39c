/**
 * Migrate benchmark: 100 migrations that together build 300 tables. Reports the time to generate
 * them one by one (and the last generate alone, which folds 99 migrations), to apply all 100 on a
 * fresh database, and a status call afterwards.
 */

import { createStorage } from "unstorage";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { BENCH_DRIVERS, generatedSchema, printTable, time } from "./harness.js";

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
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMigrate();
