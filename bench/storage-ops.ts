/**
 * Storage operations of an apply with nothing to run (a Worker's cron between deploys), at k = 1, 30
 * and 300 applied migrations: without a manifest (one listing and every file), with one
 * (`writeManifest`, or the one `viborm migrate bundle` adds), and after a folder was uploaded
 * without refreshing it (the manifest is set aside: every file is read, and the folder applied).
 * Each get, list, put or delete is one KV or R2 operation.
 */

import { createStorage } from "unstorage";
import { createMigrationClient, type MigrationStorageDriver, writeManifest } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/sqlite3";
import { printTable } from "./harness.js";

const SIZES = [1, 30, 300];

export async function benchStorageOps(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const k of SIZES) {
    const inner = createUnstorageDriver(createStorage());
    const { driver, ops } = counting(inner);
    await writeMigrations(inner, 1, k);
    const client = createClient({ schema: {}, filename: ":memory:" });
    try {
      const migrations = createMigrationClient(client, { storageDriver: driver });
      await migrations.apply();
      const without = await ops(() => migrations.apply());
      await writeManifest(inner);
      const withManifest = await ops(() => migrations.apply());
      await writeMigrations(inner, k + 1, k + 1);
      const stale = await ops(() => migrations.apply());
      rows.push({
        migrations: k,
        "no manifest": without,
        manifest: withManifest,
        "goal (≤)": 3,
        "stale manifest, 1 new": stale,
      });
    } finally {
      await client.$close();
    }
  }
  printTable("Storage operations (KV/R2 gets + lists) of an apply with nothing to run", rows);
}

// internal

function counting(inner: MigrationStorageDriver): {
  driver: MigrationStorageDriver;
  ops(fn: () => Promise<unknown>): Promise<number>;
} {
  let count = 0;
  const driver: MigrationStorageDriver = {
    get: (key) => {
      count++;
      return inner.get(key);
    },
    put: (key, value) => {
      count++;
      return inner.put(key, value);
    },
    delete: (key) => {
      count++;
      return inner.delete(key);
    },
    list: (prefix) => {
      count++;
      return inner.list(prefix);
    },
  };
  return {
    driver,
    async ops(fn) {
      count = 0;
      await fn();
      return count;
    },
  };
}

/** Migrations `from`..`to`, each creating one SQLite table, written as generate writes folders. */
async function writeMigrations(storage: MigrationStorageDriver, from: number, to: number): Promise<void> {
  const id = (i: number) => `20260101${String(i).padStart(6, "0")}_step-${i}`;
  const writes: Promise<void>[] = [];
  for (let i = from; i <= to; i++) {
    const meta = {
      version: 1,
      id: id(i),
      name: `step-${i}`,
      dialect: "sqlite",
      parents: [],
      operations: [],
      warnings: [],
    };
    writes.push(
      storage.put(`${id(i)}/up.sql`, `CREATE TABLE "t_${i}" ("id" INTEGER PRIMARY KEY);\n`),
      storage.put(`${id(i)}/down.sql`, `DROP TABLE "t_${i}";\n`),
      storage.put(`${id(i)}/migration.json`, `${JSON.stringify(meta, null, 2)}\n`),
    );
  }
  await Promise.all(writes);
}
