/**
 * Regenerates the sample migrations in `worker-example/migrations/` with viborm's own `generate`
 * (better-sqlite3 driver, fs storage): `npm run worker:generate`, then `npm run worker:bundle`.
 *
 * It replays `SCHEMA_HISTORY` from `src/schema.ts` into an empty folder, one migration per step,
 * on a fixed clock (step i is dated 2026-01-0(i+2) 00:00 UTC), so the same schema always yields
 * the same folders byte for byte and the committed output can be checked for freshness.
 */
import { mkdir, rm } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import { createMigrationClient, type Migration } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient } from "viborm/sqlite3";
import { SCHEMA_HISTORY } from "../src/schema.js";

/** The committed sample migrations folder. */
export const MIGRATIONS_DIR = new URL("../migrations/", import.meta.url);

/** The date of the first sample migration; each later one is a day after the one before. */
const FIRST_DATE = Date.UTC(2026, 0, 2);
const DAY_MS = 86_400_000;

/**
 * Empties `dir` and writes one migration per `SCHEMA_HISTORY` step into it; returns them in order.
 *
 * @example const migrations = await generateSampleMigrations(MIGRATIONS_DIR);
 */
export async function generateSampleMigrations(dir: string | URL = MIGRATIONS_DIR): Promise<Migration[]> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const storageDriver = createFsStorageDriver(dir);
  const generated: Migration[] = [];
  for (const [index, step] of SCHEMA_HISTORY.entries()) {
    const date = new Date(FIRST_DATE + index * DAY_MS);
    // generate diffs against what the stored migrations build, not against the database, so an
    // in-memory SQLite database is all it needs.
    const client = createClient({ schema: step.schema, filename: ":memory:" });
    try {
      const migrations = createMigrationClient(client, { storageDriver, now: () => date });
      const { migration } = await migrations.generate({ name: step.name });
      if (!migration) throw new Error(`Schema step "${step.name}" changes nothing; remove it from SCHEMA_HISTORY.`);
      generated.push(migration);
    } finally {
      await client.$close();
    }
  }
  return generated;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const migrations = await generateSampleMigrations();
  for (const migration of migrations) console.log(`generated ${migration.id}`);
}
