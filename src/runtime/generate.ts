import { invertOperations, isLossyInverse, resolveChanges } from "../diff/index.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import { migrationChecksum } from "./checksum.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import {
  branchConflicts,
  DOWN_FILE,
  foldState,
  heads,
  loadMigrations,
  META_FILE,
  META_VERSION,
  type MigrationMeta,
  metaToJson,
  UP_FILE,
} from "./journal.js";
import { deriveName, nextMigrationId, toKebabName } from "./migration-id.js";
import { planStatements } from "./plan.js";
import { inverseEntries, renderSql } from "./sql-files.js";
import type { GenerateOptions, GenerateResult } from "./types.js";

/**
 * Diffs the declared schema against the state the stored migrations produce (folded from their
 * operations, so merged branches neither re-emit nor lose each other's changes) and writes a new
 * migration folder. Writes nothing when nothing changed, or with `dryRun`.
 */
export async function generate(context: RuntimeContext, options: GenerateOptions = {}): Promise<GenerateResult> {
  const storage = requireStorage(context, "generate");
  const { dialect } = context;
  const givenName = options.name === undefined ? undefined : toKebabName(options.name);
  const stored = await loadMigrations(storage);
  const state = dialect.normalize(foldState(stored));
  const desired = dialect.normalize(context.desired);
  const warnings = branchConflicts(stored).map(
    ({ migrations: [a, b], tables }) =>
      `Migrations ${a} and ${b} were generated on separate branches and both change ${tables.join(", ")}; check that they combine as intended.`,
  );
  const plan = await resolveChanges(state, desired, { resolve: options.resolve, force: options.force });
  if (plan.operations.length === 0) return { migration: null, up: [], down: [], warnings };

  const up = planStatements(dialect, state, plan.operations);
  const downOperations = invertOperations(plan.operations);
  const down = planStatements(dialect, up.after, downOperations);
  const lossy = plan.operations.filter(isLossyInverse).map(lossyWarning);
  warnings.push(...lossy);

  const id = nextMigrationId(
    context.now(),
    givenName ?? deriveName(plan.operations),
    stored.map((s) => s.migration.id),
  );
  const upSql = renderSql(up.statements, [`Migration ${id}`]);
  const downSql = renderSql(down.statements, [`Rollback of ${id}`, ...lossy.map((w) => `WARNING: ${w}`)]);
  const meta: MigrationMeta = {
    version: META_VERSION,
    id,
    name: id.slice(15),
    dialect: dialect.name,
    parents: heads(stored),
    operations: plan.operations,
    ...(dialect.transactionalDdl
      ? {}
      : { inverses: { up: inverseEntries(up.statements), down: inverseEntries(down.statements) } }),
    warnings,
  };
  const migration = { id, name: meta.name, checksum: await migrationChecksum(upSql, downSql), transactional: true };
  if (!options.dryRun)
    await writeFolder(storage, id, [
      [UP_FILE, upSql],
      [DOWN_FILE, downSql],
      [META_FILE, metaToJson(meta)],
    ]);
  return {
    migration,
    up: up.statements.map((s) => s.sql),
    down: down.statements.map((s) => s.sql),
    warnings,
  };
}

// internal

/**
 * Writes a migration folder, `migration.json` last (a folder without it is visibly incomplete). If a
 * write fails, the files already written are removed, so storage ends as it was.
 */
async function writeFolder(storage: MigrationStorageDriver, id: string, files: [string, string][]): Promise<void> {
  const written: string[] = [];
  try {
    for (const [file, text] of files) {
      await storage.put(`${id}/${file}`, text);
      written.push(`${id}/${file}`);
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
