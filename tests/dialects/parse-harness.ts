/**
 * Shared by the parser tests of every dialect: folds statements through a dialect's `parse` the way
 * the migration state does, failing loudly on a statement it does not understand.
 */
import type { Dialect, ParsedStatement } from "../../src/dialects/types.js";
import { applyOperationWith } from "../../src/diff/apply.js";
import { canonicalCheckExpression } from "../../src/diff/compare.js";
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

/**
 * Checks, partial-index predicates and generation expressions as the diff compares them: servers
 * store them rewritten (MariaDB quotes names, PostgreSQL adds brackets and casts, SQLite quotes a
 * renamed column).
 */
export function canonicalFragments(snapshot: Snapshot): Snapshot {
  return {
    ...snapshot,
    tables: snapshot.tables.map((table) => ({
      ...table,
      columns: table.columns.map((column) =>
        column.generated
          ? {
              ...column,
              generated: { ...column.generated, expression: canonicalCheckExpression(column.generated.expression) },
            }
          : column,
      ),
      indexes: table.indexes.map((index) =>
        index.where === undefined ? index : { ...index, where: canonicalCheckExpression(index.where) },
      ),
      ...(table.checks
        ? {
            checks: table.checks.map((check) => ({ ...check, expression: canonicalCheckExpression(check.expression) })),
          }
        : {}),
    })),
  };
}
