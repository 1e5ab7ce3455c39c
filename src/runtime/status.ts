import { type RuntimeContext, requireStorage } from "./context.js";
import { loadMigrations, matchesRecord } from "./journal.js";
import { readTracking } from "./tracking.js";
import type { MigrationStatus } from "./types.js";

/**
 * Every migration in storage or in the tracking table, by id, with its state. Reads only: a
 * database never migrated reports everything pending and gains no table.
 */
export async function status(context: RuntimeContext): Promise<MigrationStatus[]> {
  const storage = requireStorage(context, "status");
  const [stored, records, unfinished] = await Promise.all([
    loadMigrations(storage, context.dialect.name),
    readTracking(context),
    context.strategy.unfinished?.((sql, params) => context.driver.query(sql, params)) ?? [],
  ]);
  const interrupted = new Set(unfinished.map((unit) => unit.label));
  const byId = new Map(records.map((record) => [record.id, record]));
  const fromFiles: MigrationStatus[] = stored.map((files) => {
    const { migration } = files;
    const record = byId.get(migration.id);
    if (!record) return { id: migration.id, name: migration.name, state: "pending" };
    const state = matchesRecord(files, record) ? "applied" : "modified";
    return { id: migration.id, name: migration.name, state, appliedAt: record.appliedAt };
  });
  const inStorage = new Set(stored.map((s) => s.migration.id));
  const missing: MigrationStatus[] = records
    .filter((record) => !inStorage.has(record.id))
    .map((record) => ({ id: record.id, name: record.name, state: "missing", appliedAt: record.appliedAt }));
  return [...fromFiles, ...missing]
    .map((row) => (interrupted.has(row.id) ? { ...row, interrupted: true as const } : row))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
