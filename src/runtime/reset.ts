import { dependentsFirst, liveObjects } from "../dialects/objects.js";
import { diff } from "../diff/index.js";
import { emptySnapshot } from "../schema/snapshot.js";
import { apply } from "./apply.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import { introspectWithObjects } from "./introspect.js";
import { loadMigrations } from "./journal.js";
import { resetLoss } from "./loss.js";
import { planStatements } from "./plan.js";
import type { ResetOptions, ResetResult } from "./types.js";

/**
 * Drops every table and enum type the database holds (system objects excepted), the objects
 * migrations' own SQL made (views, routines…) before them and the tracking table with them, as one
 * atomic unit; then applies every migration from the start.
 * The migration files are read and checked first, so a broken folder stops it before any drop.
 */
export async function reset(context: RuntimeContext, options: ResetOptions = {}): Promise<ResetResult> {
  const storage = requireStorage(context, "reset");
  const stored = await loadMigrations(storage, context.dialect.name);
  if (!options.dryRun) await context.strategy.recover?.();
  const { snapshot: live, objects: rows } = await introspectWithObjects(context);
  const objects = dependentsFirst(context.dialect, liveObjects(context.dialect, rows));
  const { operations } = diff(live, emptySnapshot());
  const { statements } = planStatements(context.dialect, live, operations);
  const dropped = [
    ...objects.map((object) => object.name),
    ...live.tables.map((table) => table.name),
    ...live.enums.map((e) => e.name),
  ];
  if (options.dryRun) {
    const changes = await resetLoss(context, live, operations);
    return { dropped, applied: stored.map((s) => s.migration), changes };
  }
  const { tracking, progress } = context.dialect;
  const bookkeeping = [context.tableName, ...(progress ? [progress.table] : [])].map((table) => ({
    ...tracking.drop(table),
    // Dropping bookkeeping needs no undo: the next apply re-creates it.
    inverse: [],
  }));
  await context.strategy.run({
    label: "reset",
    statements: [...objects.map((object) => object.drop), ...statements, ...bookkeeping],
    tracking: [],
  });
  const { applied } = await apply(context, { allowOutOfOrder: true });
  return { dropped, applied };
}
