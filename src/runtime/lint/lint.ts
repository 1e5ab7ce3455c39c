/**
 * `migrations.lint()`: the risks of migrations before they run, read from their SQL (generated or
 * written by hand) and, when the database can be reached, from the rows it holds. Writes nothing:
 * it reads storage, the tracking table, the catalog and counts.
 */
import type { DestructiveChange } from "../../diff/operations.js";
import { InvalidArgumentError } from "../../errors.js";
import type { Snapshot } from "../../schema/snapshot.js";
import { type RuntimeContext, requireStorage } from "../context.js";
import { introspect } from "../introspect.js";
import { loadMigrations } from "../journal.js";
import type { StatementPlan } from "../plan.js";
import { readFolderState } from "../state.js";
import { findMigration } from "../target.js";
import { readTracking } from "../tracking.js";
import { analyzeUnits } from "./analyze.js";
import { readLive, withCounts } from "./facts.js";
import type { Finding, LintOptions, LintResult } from "./types.js";
import { unitOfMigration, unitOfSteps } from "./units.js";

/**
 * Lints the pending migrations (or all, or the ones named). `"pending"` needs the database (which
 * migrations are applied is read from it); the others work offline too, without row counts.
 *
 * @example const { findings } = await lint(context, { migrations: "pending" });
 */
export async function lint(context: RuntimeContext, options: LintOptions = {}): Promise<LintResult> {
  const storage = requireStorage(context, "lint");
  const which = options.migrations ?? "pending";
  checkSelection(which);
  const stored = await loadMigrations(storage, context.dialect.name);
  const wanted = Array.isArray(which) ? new Set(which.map((name) => findMigration(stored, name).migration.id)) : null;
  const live = await readLive(() => introspect(context), which !== "pending");
  const database = { live };
  const applied = new Set(live ? (await readTracking(context)).map((record) => record.id) : []);
  const folder = readFolderState(context.dialect, stored);
  const units = stored.flatMap((migration, i) => {
    const id = migration.migration.id;
    const pending = database.live !== null && !applied.has(id);
    const selected = which === "all" || (which === "pending" ? !applied.has(id) : wanted?.has(id));
    return selected ? [unitOfMigration(context.dialect, migration, folder.migrations[i]!, pending)] : [];
  });
  return { findings: await withCounts(context, database, (facts) => analyzeUnits(units, facts)) };
}

/**
 * The findings for a plan about to be written (generate) or run (push). `live` is the live schema
 * when push has read it already (with `known`, the counts it made for its data-loss decisions);
 * otherwise the database is read only if a rule has a question for it.
 */
export async function lintPlan(
  context: RuntimeContext,
  plan: StatementPlan,
  migration: string | null,
  live?: Snapshot,
  known: readonly DestructiveChange[] = [],
): Promise<Finding[]> {
  if (plan.steps.length === 0) return [];
  const database = { live: live ?? (() => readLive(() => introspect(context), true)), known };
  const unit = unitOfSteps(plan.steps, migration);
  return withCounts(context, database, (facts) => analyzeUnits([unit], facts));
}

// internal

function checkSelection(which: unknown): void {
  const valid =
    which === "pending" ||
    which === "all" ||
    (Array.isArray(which) && which.length > 0 && which.every((item) => typeof item === "string" && item !== ""));
  if (!valid) {
    throw new InvalidArgumentError(
      'lint({ migrations }) takes "pending", "all" or a non-empty list of migration ids or names.',
      { argument: "migrations", value: which },
    );
  }
}
