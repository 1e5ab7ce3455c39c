import type { Statement } from "../dialects/types.js";
import type { DestructiveChange } from "../diff/index.js";
import { adoptLive, resolveChanges } from "../diff/index.js";
import { InvalidArgumentError, PlanStaleError, type StaleObjects } from "../errors.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { RuntimeContext } from "./context.js";
import { countFacts, type EmptyFact, emptyFacts, emptyFactTargets, readCounts } from "./facts.js";
import { compareFingerprints, fingerprintOf } from "./fingerprint.js";
import { introspect } from "./introspect.js";
import { lintPlan } from "./lint/lint.js";
import { planStatements } from "./plan.js";
import {
  checkPlan,
  foreignStatements,
  PUSH_PLAN_FORMAT,
  PUSH_PLAN_VERSION,
  type PushPlan,
  planDecisions,
  sealPlan,
} from "./push-plan.js";
import { ensureSchema } from "./tracking.js";
import type { PushOptions, PushResult } from "./types.js";

/**
 * Diffs the declared schema against the live database and runs the difference as one atomic unit.
 * Destructive and ambiguous changes go through `resolve` first (destructive ones with their row
 * counts, read in one more round trip only when there are any); nothing runs until all are decided.
 * With `plan`, runs exactly that plan instead, or nothing if the database changed since it was made.
 */
export async function push(context: RuntimeContext, options: PushOptions = {}): Promise<PushResult> {
  // A killed migration's half-done unit is finished first, so push diffs "before" or "after".
  if (!options.dryRun) await context.strategy.recover?.();
  if (options.plan !== undefined) return pushPlan(context, options);
  const { dialect } = context;
  const live = await introspect(context);
  const desired = adoptLive(dialect.normalize(context.desired), live);
  let counted: DestructiveChange[] = [];
  const resolved = await resolveChanges(live, desired, {
    resolve: options.resolve,
    force: options.force,
    facts: async (changes, operations) => {
      counted = await countFacts(context, live, operations, changes);
      return counted;
    },
  });
  const { operations } = resolved;
  const planned = planStatements(dialect, live, operations);
  const { statements } = planned;
  const plan = await sealPlan({
    format: PUSH_PLAN_FORMAT,
    version: PUSH_PLAN_VERSION,
    dialect: dialect.name,
    fingerprint: await fingerprintOf(live, emptyFacts(counted, live, operations)),
    operations,
    statements: statements.map((statement) => statement.sql),
    decisions: planDecisions(resolved.decisions),
  });
  const findings = await lintPlan(context, planned, null, live, counted);
  const result = { operations, statements: plan.statements, changes: resolved.changes, plan, findings };
  if (options.dryRun || statements.length === 0) return { ...result, applied: false };
  await execute(context, statements);
  return { ...result, applied: true };
}

// internal

/**
 * Runs a plan made earlier: checks it, re-reads the database (one round trip, plus one to recount
 * what the plan found empty, if anything), and runs its statements only if nothing changed.
 */
async function pushPlan(context: RuntimeContext, options: PushOptions): Promise<PushResult> {
  if (options.resolve !== undefined || options.force === true) {
    throw new InvalidArgumentError(
      "push({ plan }) runs the decisions the plan was made with; pass resolve or force when making the plan, not with it.",
      { argument: options.resolve !== undefined ? "resolve" : "force", problem: "not allowed with plan" },
    );
  }
  const plan = await checkPlan(options.plan, context.dialect.name);
  const live = await introspect(context);
  await assertFresh(context, plan, live);
  const planned = planStatements(context.dialect, live, plan.operations);
  const { statements } = planned;
  const differs = Math.max(statements.length, plan.statements.length);
  for (let index = 0; index < differs; index++) {
    if (statements[index]?.sql !== plan.statements[index]) throw foreignStatements(index);
  }
  const result = {
    operations: plan.operations,
    statements: plan.statements,
    changes: plan.decisions.map((decided) => decided.change),
    plan,
    findings: await lintPlan(context, planned, null, live),
  };
  if (options.dryRun || statements.length === 0) return { ...result, applied: false };
  await execute(context, statements);
  return { ...result, applied: true };
}

async function execute(context: RuntimeContext, statements: Statement[]): Promise<void> {
  await ensureSchema(context);
  const started = Date.now();
  context.emit({ type: "push:start", statements: statements.length });
  await context.strategy.run({ label: "push", statements, tracking: [] });
  context.emit({ type: "push:done", statements: statements.length, ms: Date.now() - started });
}

/** Throws `PLAN_STALE` when the live schema differs from the plan's, or what it found empty holds data. */
async function assertFresh(context: RuntimeContext, plan: PushPlan, live: Snapshot): Promise<void> {
  const delta = compareFingerprints(plan.fingerprint, await fingerprintOf(live, []));
  const data = delta ? [] : await filledSince(context, plan.fingerprint.empty);
  if (!delta && data.length === 0) return;
  const none: StaleObjects = { added: [], removed: [], altered: [] };
  const meta = { tables: delta?.tables ?? none, objects: delta?.objects ?? none, data };
  const what = [
    ...meta.tables.added.map((name) => `table ${name} added`),
    ...meta.tables.removed.map((name) => `table ${name} removed`),
    ...meta.tables.altered.map((name) => `table ${name} altered`),
    ...meta.objects.added.map((name) => `${name} added`),
    ...meta.objects.removed.map((name) => `${name} removed`),
    ...meta.objects.altered.map((name) => `${name} altered`),
    ...data.map((fact) =>
      fact.column === undefined
        ? `${fact.table} now holds ${fact.rows} rows`
        : `${fact.table}.${fact.column} now holds ${fact.values} values`,
    ),
  ];
  throw new PlanStaleError(
    `The database changed since the plan was made (${what.join(", ")}), so nothing ran; make a new plan.`,
    meta,
  );
}

/** The empty facts that no longer hold, with the counts now. */
async function filledSince(
  context: RuntimeContext,
  empty: readonly EmptyFact[],
): Promise<{ table: string; column?: string; rows: number; values?: number }[]> {
  if (empty.length === 0) return [];
  const counts = await readCounts(context, emptyFactTargets(empty));
  return empty.flatMap((fact) => {
    const count = counts.get(fact.table);
    if (!count) return [];
    if (fact.column === undefined) return count.rows > 0 ? [{ table: fact.table, rows: count.rows }] : [];
    const values = count.values[fact.column] ?? 0;
    return values > 0 ? [{ table: fact.table, column: fact.column, rows: count.rows, values }] : [];
  });
}
