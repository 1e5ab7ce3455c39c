/**
 * Shared by the parser tests of every dialect: folds statements through a dialect's `parse` the way
 * the migration state does, failing loudly on a statement it does not understand.
 */
import type { Dialect, ParsedStatement } from "../../src/dialects/types.js";
import { applyOperationWith } from "../../src/diff/apply.js";
import { emptySnapshot, type Snapshot } from "../../src/schema/snapshot.js";

/** The state after each statement, read by `dialect.parse`; throws naming a statement it cannot read. */
export function foldParsed(dialect: Dialect, statements: string[], from: Snapshot = emptySnapshot()): Snapshot {
  let state = from;
  for (const sql of statements) {
    const parsed = dialect.parse(sql, state);
    if (parsed.kind === "unknown") throw new Error(`not understood (${parsed.reason}): ${sql}`);
    if (parsed.kind === "schema")
      for (const operation of parsed.operations) state = applyOperationWith(state, operation, { references: false });
  }
  return state;
}

/** What `parse` says about one statement against `state`. */
export function parseOne(dialect: Dialect, sql: string, state: Snapshot = emptySnapshot()): ParsedStatement {
  return dialect.parse(sql, state);
}
