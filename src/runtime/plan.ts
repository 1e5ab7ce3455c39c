/**
 * Operations → statements: each operation gets its DDL with the schema as it stands just before
 * and just after it, so dialects that rebuild or inline need no lookups of their own.
 */

import type { Dialect, Statement } from "../dialects/types.js";
import { applyOperation } from "../diff/index.js";
import type { Operation } from "../diff/operations.js";
import type { Snapshot } from "../schema/snapshot.js";

export interface StatementPlan {
  statements: Statement[];
  /** The schema after every operation. */
  after: Snapshot;
}

export function planStatements(dialect: Dialect, from: Snapshot, operations: Operation[]): StatementPlan {
  const statements: Statement[] = [];
  let before = from;
  for (const operation of operations) {
    const after = applyOperation(before, operation);
    statements.push(...dialect.ddl(operation, { before, after }));
    before = after;
  }
  return { statements, after: before };
}
