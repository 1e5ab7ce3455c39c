/**
 * Operations → statements: each operation gets its DDL with the schema as it stands just before
 * and just after it, so dialects that rebuild or inline need no lookups of their own.
 */

import type { Dialect, Statement } from "../dialects/types.js";
import { applyOperation } from "../diff/index.js";
import type { Operation } from "../diff/operations.js";
import type { Snapshot } from "../schema/snapshot.js";

/** One operation with its statements and the schema on either side of it. */
export interface PlannedStep {
  operation: Operation;
  statements: Statement[];
  before: Snapshot;
  after: Snapshot;
}

export interface StatementPlan {
  statements: Statement[];
  /** Each operation in order, kept so lint reads the plan instead of planning it again. */
  steps: PlannedStep[];
  /** The schema after every operation. */
  after: Snapshot;
}

export function planStatements(dialect: Dialect, from: Snapshot, operations: Operation[]): StatementPlan {
  const statements: Statement[] = [];
  const steps: PlannedStep[] = [];
  let before = from;
  for (const operation of operations) {
    const after = applyOperation(before, operation);
    const step = { operation, statements: dialect.ddl(operation, { before, after }), before, after };
    statements.push(...step.statements);
    steps.push(step);
    before = after;
  }
  return { statements, steps, after: before };
}
