import { resolveChanges } from "../diff/index.js";
import type { RuntimeContext } from "./context.js";
import { introspect } from "./introspect.js";
import { planStatements } from "./plan.js";
import { ensureSchema } from "./tracking.js";
import type { PushOptions, PushResult } from "./types.js";

/**
 * Diffs the declared schema against the live database and runs the difference as one atomic unit.
 * Destructive and ambiguous changes go through `resolve` first; nothing runs until all are decided.
 */
export async function push(context: RuntimeContext, options: PushOptions = {}): Promise<PushResult> {
  const { dialect } = context;
  const live = await introspect(context);
  const desired = dialect.normalize(context.desired);
  const plan = await resolveChanges(live, desired, { resolve: options.resolve, force: options.force });
  const { statements } = planStatements(dialect, live, plan.operations);
  const result = {
    operations: plan.operations,
    statements: statements.map((statement) => statement.sql),
    changes: plan.changes,
  };
  if (options.dryRun || statements.length === 0) return { ...result, applied: false };
  await ensureSchema(context);
  const started = Date.now();
  context.emit({ type: "push:start", statements: statements.length });
  await context.strategy.run({ label: "push", statements, tracking: [] });
  context.emit({ type: "push:done", statements: statements.length, ms: Date.now() - started });
  return { ...result, applied: true };
}
