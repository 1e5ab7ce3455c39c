import type { Statement } from "../dialects/types.js";
import { adoptUndeclarable, invertOperations, isLossyInverse, resolveChanges } from "../diff/index.js";
import type { Operation } from "../diff/operations.js";
import { isVibormError, MigrationMissingError } from "../errors.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import { folderChecksum, migrationChecksums } from "./checksum.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import {
  branchConflicts,
  DOWN_FILE,
  heads,
  loadMigrations,
  META_FILE,
  META_VERSION,
  type MigrationMeta,
  metaToJson,
  type StoredMigration,
  UP_FILE,
} from "./journal.js";
import { lintPlan } from "./lint/lint.js";
import { entryOf, MANIFEST_FILE, type ManifestEntry, manifestText } from "./manifest.js";
import { deriveName, nextMigrationId, toKebabName } from "./migration-id.js";
import { planStatements, type StatementPlan } from "./plan.js";
import { inverseEntries, renderSql } from "./sql-files.js";
import { type FolderState, readFolderState } from "./state.js";
import { readTracking } from "./tracking.js";
import type { GenerateOptions, GenerateResult, Migration } from "./types.js";

/**
 * Diffs the declared schema against the state the stored migrations produce (their operations,
 * and any statement added or edited by hand in their `up.sql`; see state.ts) and writes a new
 * migration folder. Writes nothing when nothing changed, or with `dryRun`.
 *
 * Refuses with `MIGRATION_MISSING` when the database records an applied migration whose folder is
 * gone: its changes are in the database but not in the state, so they would be emitted again.
 */
export async function generate(context: RuntimeContext, options: GenerateOptions = {}): Promise<GenerateResult> {
  const storage = requireStorage(context, "generate");
  const { dialect } = context;
  const givenName = options.name === undefined ? undefined : toKebabName(options.name);
  // The tracking table is read while storage is: the two are independent round trips. Both are
  // awaited before either's error is thrown, so when both fail the error reported is storage's,
  // whichever settled first.
  const [storageRead, trackingRead] = await Promise.allSettled([
    storage.list().then(async (listing) => ({ listing, stored: await loadMigrations(storage, dialect.name, listing) })),
    readTrackingIfReachable(context),
  ]);
  if (storageRead.status === "rejected") throw storageRead.reason;
  if (trackingRead.status === "rejected") throw trackingRead.reason;
  const { listing, stored } = storageRead.value;
  const tracking = trackingRead.value;
  const conflicts = branchConflicts(stored).map(
    ({ migrations: [a, b], tables }) =>
      `Migrations ${a} and ${b} were generated on separate branches and both change ${tables.join(", ")}; check that they combine as intended.`,
  );
  const unreachable = checkNoneMissing(tracking, stored);
  const folder = readFolderState(dialect, stored);
  // Only what concerns the new migration is recorded in its migration.json; the rest is reported.
  const warnings = [...conflicts, ...unreachable, ...folderWarnings(folder)];
  const state = dialect.normalize(folder.snapshot);
  // What SQL in the folders says and no schema can declare (an index on an expression) is kept.
  const desired = adoptUndeclarable(dialect.normalize(context.desired), state);
  const plan = await resolveChanges(state, desired, { resolve: options.resolve, force: options.force });
  if (plan.operations.length === 0) return { migration: null, up: [], down: [], warnings, findings: [] };

  const lossy = plan.operations.filter(isLossyInverse).map(lossyWarning);
  warnings.push(...lossy);
  const id = nextMigrationId(
    context.now(),
    givenName ?? deriveName(plan.operations),
    stored.map((s) => s.migration.id),
  );
  const { up, down, files, migration } = await buildMigration(context, id, state, plan.operations, heads(stored), {
    warnings: [...conflicts, ...lossy],
    lossy,
  });
  // Lint reads the database: done before anything is written, so a failure leaves storage as it was.
  const findings = await lintPlan(context, up, id);
  if (!options.dryRun) await writeFolder(storage, id, files, manifestUpdate(listing, stored));
  return {
    migration,
    up: up.statements.map((s) => s.sql),
    down: down.statements.map((s) => s.sql),
    warnings,
    findings,
  };
}

/**
 * The folder of migration `id` taking `state` through `operations`: up and down SQL (with the
 * inverses MySQL needs), migration.json and the folder's checksum. Pure but for hashing.
 */
export async function buildMigration(
  context: RuntimeContext,
  id: string,
  state: Snapshot,
  operations: Operation[],
  parents: string[],
  /** What migration.json records; `lossy` (the undos that lose data) also heads down.sql. */
  notes: { warnings: string[]; lossy: string[] },
  /** Statements beyond the operations' (a baseline's views and routines): up after them, down before. */
  extra: { up: Statement[]; down: Statement[] } = { up: [], down: [] },
): Promise<{
  up: StatementPlan;
  down: StatementPlan;
  files: [string, string][];
  migration: Migration;
}> {
  const { dialect } = context;
  const planned = planStatements(dialect, state, operations);
  const up = { ...planned, statements: [...planned.statements, ...extra.up] };
  const back = planStatements(dialect, planned.after, invertOperations(operations));
  const down = { ...back, statements: [...extra.down, ...back.statements] };
  const { warnings, lossy } = notes;
  const meta: MigrationMeta = {
    version: META_VERSION,
    id,
    name: id.slice(15),
    dialect: dialect.name,
    parents,
    operations,
    ...(dialect.transactionalDdl
      ? {}
      : { inverses: { up: inverseEntries(up.statements), down: inverseEntries(down.statements) } }),
    warnings,
  };
  const files: [string, string][] = [
    [UP_FILE, renderSql(up.statements, [`Migration ${id}`])],
    [DOWN_FILE, renderSql(down.statements, [`Rollback of ${id}`, ...lossy.map((w) => `WARNING: ${w}`)])],
    [META_FILE, metaToJson(meta)],
  ];
  const checksum = await folderChecksum(Object.fromEntries(files));
  return { up, down, files, migration: { id, name: meta.name, checksum, transactional: true } };
}

/** Writes the files of one migration folder (see writeFolder). */
export { writeFolder };

// internal

/** The tracking table's records, or the error's message when the database cannot be reached. */
async function readTrackingIfReachable(context: RuntimeContext): Promise<{ id: string }[] | { unreachable: string }> {
  try {
    return await readTracking(context);
  } catch (error) {
    if (!isVibormError(error) || (error.code as string) !== "CONNECTION_FAILED") throw error;
    return { unreachable: error.message };
  }
}

/**
 * Refuses when the tracking table lists a migration storage does not hold. A database that cannot
 * be reached does not stop generate (which needs only the folder): the check is skipped and a
 * warning says so.
 */
function checkNoneMissing(tracking: { id: string }[] | { unreachable: string }, stored: StoredMigration[]): string[] {
  if (!Array.isArray(tracking)) {
    return [
      `The database could not be reached (${tracking.unreachable}), so applied migrations whose folders are missing were not looked for.`,
    ];
  }
  const held = new Set(stored.map((s) => s.migration.id));
  const missing = tracking.map((record) => record.id).filter((id) => !held.has(id));
  if (missing.length === 0) return [];
  const list = missing.join(", ");
  throw new MigrationMissingError(
    `Migration ${list} is applied to the database but its folder is missing from migration storage, so generate would emit its changes again; restore the folder (from version control, or another branch), or, if the database no longer has its changes, forget it (migrate resolve --rolled-back ${missing[0]}).`,
    { migrations: missing },
  );
}

/** Warnings about hand-written statements that could not be read into the state. */
function folderWarnings(folder: FolderState): string[] {
  const warnings = folder.notUnderstood.map(
    (item) =>
      `Migration ${item.migration}, statement ${item.statement + 1} (${preview(item.sql)}) is not understood (${item.reason}); generate assumes it changes nothing in the schema.`,
  );
  for (const reading of folder.migrations) {
    if (reading.assumed.length === 0) continue;
    warnings.push(
      `Migration ${reading.id}: ${reading.assumed.length} generated change${reading.assumed.length === 1 ? " was" : "s were"} edited by hand in a statement that is not understood; generate assumes ${reading.assumed.length === 1 ? "it still does" : "they still do"} what ${META_FILE} records.`,
    );
  }
  return warnings;
}

function preview(sql: string): string {
  const line = sql.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * The entries of the manifest storage holds (when the listing shows one), for {@link writeFolder}
 * to rewrite it with the new folder; `undefined` when there is none: generate never creates one.
 */
function manifestUpdate(listing: string[], stored: StoredMigration[]): ManifestEntry[] | undefined {
  return listing.includes(MANIFEST_FILE) ? stored.map(entryOf) : undefined;
}

/**
 * Writes a migration folder, `migration.json` last (a folder without it is visibly incomplete), then
 * the manifest when `manifest` lists the other folders (manifest.ts). If a write fails, the files
 * already written are removed, so storage ends as it was (a manifest that was being rewritten is
 * removed too: a missing manifest only costs reads).
 */
async function writeFolder(
  storage: MigrationStorageDriver,
  id: string,
  files: [string, string][],
  manifest?: ManifestEntry[],
): Promise<void> {
  const written: string[] = [];
  try {
    for (const [file, text] of files) {
      await storage.put(`${id}/${file}`, text);
      written.push(`${id}/${file}`);
    }
    if (manifest) {
      const added = { id, ...(await migrationChecksums(Object.fromEntries(files))), files: files.map(([f]) => f) };
      const text = await manifestText([...manifest, added]);
      written.push(MANIFEST_FILE);
      await storage.put(MANIFEST_FILE, text);
    }
  } catch (error) {
    await Promise.all(written.map((key) => storage.delete(key).catch(() => undefined)));
    throw error;
  }
}

function lossyWarning(operation: Parameters<typeof isLossyInverse>[0]): string {
  switch (operation.kind) {
    case "dropTable":
      return `Rolling back re-creates table ${operation.table.name} empty: its rows cannot be restored.`;
    case "dropColumn":
      return `Rolling back re-adds ${operation.table}.${operation.column.name} empty: its values cannot be restored.`;
    default:
      return `Rolling back ${operation.kind} may not restore the data it changed.`;
  }
}
