import { InvalidArgumentError, InvalidMigrationError } from "../errors.js";
import { checkIntegrity } from "./apply.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import { hasNoTransactionDirective, loadMigrations, type StoredMigration } from "./journal.js";
import { rollbackLoss } from "./loss.js";
import { readStatements } from "./sql-files.js";
import { findMigration } from "./target.js";
import { readTracking, trackingPrecheck } from "./tracking.js";
import type { Migration, RollbackOptions, RollbackResult } from "./types.js";

/**
 * Runs down migrations newest first, each atomic with the removal of its tracking row.
 * `steps` (default 1) or `to` (roll back everything applied after it) choose how far.
 */
export async function rollback(context: RuntimeContext, options: RollbackOptions = {}): Promise<RollbackResult> {
  const storage = requireStorage(context, "rollback");
  if (options.steps !== undefined && options.to !== undefined) {
    throw new InvalidArgumentError("rollback takes steps or to, not both.", {
      argument: "steps",
      value: options.steps,
    });
  }
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) {
    throw new InvalidArgumentError(`rollback steps must be a whole number of at least 1, not ${options.steps}.`, {
      argument: "steps",
      value: options.steps,
    });
  }
  const stored = await loadMigrations(storage, context.dialect.name);
  // A killed run's half-done unit is finished first, so what follows reads "before" or "after".
  if (!options.dryRun) await context.strategy.recover?.();
  const records = await readTracking(context);
  checkIntegrity(stored, records);
  const byId = new Map(stored.map((s) => [s.migration.id, s]));
  const appliedNewestFirst = records.map((record) => record.id).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  let chosen: string[];
  if (options.to !== undefined) {
    const target = findMigration(stored, options.to).migration.id;
    chosen = appliedNewestFirst.filter((id) => id > target);
  } else {
    chosen = appliedNewestFirst.slice(0, options.steps ?? 1);
  }
  const toRun = chosen.map((id) => {
    const files = byId.get(id);
    if (!files) {
      throw new InvalidMigrationError(
        `Migration ${id} is applied but its files are gone, so it cannot be rolled back; restore its folder first.`,
        { migration: id, file: id, problem: "missing files" },
      );
    }
    return files;
  });
  // Before anything runs: a file that would split its unit stops the whole rollback.
  for (const s of toRun) readStatements(context, s, "down");
  if (options.dryRun) {
    const applied = stored.filter((s) => records.some((record) => record.id === s.migration.id));
    return { rolledBack: toRun.map((s) => s.migration), changes: await rollbackLoss(context, applied, toRun) };
  }
  const rolledBack: Migration[] = [];
  for (const files of toRun) {
    if (await rollbackOne(context, files)) rolledBack.push(files.migration);
  }
  return { rolledBack };
}

// internal

async function rollbackOne(context: RuntimeContext, stored: StoredMigration): Promise<boolean> {
  const { migration } = stored;
  const started = Date.now();
  context.emit({ type: "migration:start", direction: "down", migration });
  const outcome = await context.strategy.run({
    label: migration.id,
    statements: readStatements(context, stored, "down"),
    tracking: [context.dialect.tracking.delete(context.tableName, migration.id)],
    precheck: trackingPrecheck(context, migration.id, "present"),
    transactional: !hasNoTransactionDirective(stored.down),
  });
  if (outcome.status === "skipped") {
    context.emit({ type: "migration:skipped", migration, reason: "applied-concurrently" });
    return false;
  }
  context.emit({ type: "migration:done", direction: "down", migration, ms: Date.now() - started });
  return true;
}
