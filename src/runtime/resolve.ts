/**
 * Repairs the migration history without running any migration: record one as applied (its schema
 * is already there), forget one (failed or undone by hand), or accept an applied one's edited files.
 */
import { InvalidArgumentError } from "../errors.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import { loadMigrations } from "./journal.js";
import { findMigration } from "./target.js";
import { ensureTracking, trackingInsert } from "./tracking.js";
import type { ResolveOptions, ResolveResult } from "./types.js";

/**
 * Runs one repair (exactly one of `applied`, `rolledBack`, `acceptChecksum`, each an id or name that
 * storage holds, else `MIGRATION_NOT_FOUND`) as one atomic unit on the tracking table; nothing else
 * is touched.
 */
export async function resolve(context: RuntimeContext, options: ResolveOptions): Promise<ResolveResult> {
  const storage = requireStorage(context, "resolve");
  const given = (["applied", "rolledBack", "acceptChecksum"] as const).filter((key) => options?.[key] !== undefined);
  if (given.length !== 1) {
    throw new InvalidArgumentError(
      "resolve takes exactly one of applied, rolledBack or acceptChecksum, each a migration id.",
      { argument: given[1] ?? "applied", problem: given.length === 0 ? "missing" : "more than one" },
    );
  }
  const action = given[0]!;
  const stored = await loadMigrations(storage, context.dialect.name);
  const { migration } = findMigration(stored, String(options[action]));
  await context.strategy.recover?.();
  const records = await ensureTracking(context);
  const recorded = records.find((record) => record.id === migration.id);
  const { tracking } = context.dialect;
  const remove = tracking.delete(context.tableName, migration.id);
  if (action === "applied") {
    if (recorded) return { migration, action, changed: false };
    await run(context, migration.id, [trackingInsert(context, migration)]);
  } else if (action === "rolledBack") {
    if (!recorded) return { migration, action, changed: false };
    await run(context, migration.id, [remove]);
  } else {
    if (!recorded) {
      throw new InvalidArgumentError(
        `Migration ${migration.id} is not applied, so it has no checksum to accept; apply it instead.`,
        { argument: "acceptChecksum", value: migration.id, problem: "not applied" },
      );
    }
    if (recorded.checksum === migration.checksum) return { migration, action, changed: false };
    // The row keeps its name and time; only the checksum becomes the folder's as it is now.
    const replaced = tracking.insert(context.tableName, { ...recorded, checksum: migration.checksum });
    await run(context, migration.id, [remove, replaced]);
  }
  return { migration, action, changed: true };
}

// internal

async function run(context: RuntimeContext, label: string, statements: ReturnType<typeof trackingInsert>[]) {
  await context.strategy.run({ label, statements: [], tracking: statements });
}
