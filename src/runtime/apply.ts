import type { TrackingRecord } from "../dialects/types.js";
import { ChecksumMismatchError, OutOfOrderError } from "../errors.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import { loadMigrations, matchesRecord, type StoredMigration } from "./journal.js";
import { allApplied, readManifest } from "./manifest.js";
import { readStatements, transactionControl } from "./sql-files.js";
import { findMigration } from "./target.js";
import { ensureTracking, readTracking, trackingInsert, trackingPrecheck } from "./tracking.js";
import type { ApplyOptions, ApplyResult, Migration } from "./types.js";

/**
 * Applies pending migrations in id order, each in its own atomic unit together with its tracking
 * row (one unit per migration, so a PostgreSQL enum value added by one can be used by the next).
 * Refuses, before running anything, on a changed applied migration or an out-of-order pending one.
 *
 * Storage reads: one listing, then every file, except when an intact manifest matching the listing
 * says every folder is applied unchanged (manifest.ts): then nothing is read but the manifest.
 */
export async function apply(context: RuntimeContext, options: ApplyOptions = {}): Promise<ApplyResult> {
  const storage = requireStorage(context, "apply");
  const listing = await storage.list();
  const manifest = options.to === undefined ? await readManifest(storage, listing) : null;
  // A killed run's half-done unit is finished first, so what follows reads "before" or "after".
  const recover = async () => {
    if (!options.dryRun) await context.strategy.recover?.();
  };
  if (manifest) {
    await recover();
    // Read-only: a database that has everything applied has its tracking table already.
    if (allApplied(manifest, await readTracking(context))) return { applied: [], pending: [] };
  }
  const stored = await loadMigrations(storage, context.dialect.name, listing);
  const target = options.to === undefined ? undefined : findMigration(stored, options.to);
  if (!manifest) await recover();
  const suspect = stored.filter((s) => transactionControl(context, s, "up"));
  // A dry run must not create the tracking table; a real one creates it and reads in one trip. So
  // must a run that may refuse a migration (had it been applied, the table would exist).
  const records = options.dryRun || suspect.length > 0 ? await readTracking(context) : await ensureTracking(context);
  checkIntegrity(stored, records);
  const appliedIds = new Set(records.map((record) => record.id));
  const pending = stored.filter((s) => !appliedIds.has(s.migration.id));
  const toRun = target ? pending.filter((s) => s.migration.id <= target.migration.id) : pending;
  checkOrder(toRun, records, options.allowOutOfOrder === true);
  // Before anything runs, as for a changed or out-of-order migration.
  for (const s of toRun) readStatements(context, s, "up");
  if (options.dryRun) return { applied: [], pending: pending.map((s) => s.migration) };

  const applied: Migration[] = [];
  const ran = new Set<string>();
  const { meter } = context;
  const left = () => pending.filter((s) => !ran.has(s.migration.id)).map((s) => s.migration);
  for (const migration of toRun) {
    // Between migrations only: a unit is never cut, and the next run continues where this one stopped.
    if (meter.used() + unitCost(context, migration) > meter.budget) {
      return { applied, pending: left(), stoppedAtBudget: { used: meter.used(), budget: meter.budget } };
    }
    const done = await applyOne(context, migration);
    ran.add(migration.migration.id);
    if (done) applied.push(migration.migration);
  }
  return { applied, pending: left() };
}

/** Applied migrations whose files changed since: refuse before anything runs. */
export function checkIntegrity(stored: StoredMigration[], records: TrackingRecord[]): void {
  const byId = new Map(stored.map((s) => [s.migration.id, s]));
  const mismatches = records.flatMap((record) => {
    const files = byId.get(record.id);
    return files && !matchesRecord(files, record)
      ? [{ id: record.id, expected: record.checksum, actual: files.migration.checksum }]
      : [];
  });
  if (mismatches.length === 0) return;
  throw new ChecksumMismatchError(
    `Migration ${mismatches.map((m) => m.id).join(", ")} changed after it was applied (checksum mismatch); restore its files, or write a new migration for the change.`,
    { migrations: mismatches },
  );
}

// internal

/**
 * The round trips one migration's unit takes: one batch on a batch driver; on a session, about a
 * lock, a re-read and a commit plus a statement each (twice that where progress is recorded).
 */
function unitCost(context: RuntimeContext, stored: StoredMigration): number {
  if (context.driver.atomic.kind === "batch") return 1;
  const statements = readStatements(context, stored, "up").length;
  return context.dialect.transactionalDdl ? statements + 6 : 2 * statements + 8;
}

async function applyOne(context: RuntimeContext, stored: StoredMigration): Promise<boolean> {
  const { migration } = stored;
  const started = Date.now();
  context.emit({ type: "migration:start", direction: "up", migration });
  const outcome = await context.strategy.run({
    label: migration.id,
    statements: readStatements(context, stored, "up"),
    tracking: [trackingInsert(context, migration)],
    precheck: trackingPrecheck(context, migration.id, "absent"),
    transactional: migration.transactional,
  });
  if (outcome.status === "skipped") {
    context.emit({ type: "migration:skipped", migration, reason: "applied-concurrently" });
    return false;
  }
  context.emit({ type: "migration:done", direction: "up", migration, ms: Date.now() - started });
  return true;
}

function checkOrder(toRun: StoredMigration[], records: TrackingRecord[], allowed: boolean): void {
  if (allowed || records.length === 0) return;
  const lastApplied = records
    .map((record) => record.id)
    .sort()
    .at(-1)!;
  const early = toRun.filter((s) => s.migration.id < lastApplied).map((s) => s.migration.id);
  if (early.length === 0) return;
  throw new OutOfOrderError(
    `Migration ${early.join(", ")} sorts before ${lastApplied}, which is already applied (a merged branch?); pass allowOutOfOrder: true to apply it anyway, or regenerate it.`,
    { migrations: early, lastApplied },
  );
}
