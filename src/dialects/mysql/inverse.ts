/**
 * The inverse of every DDL statement. MySQL commits each DDL statement implicitly
 * (https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html), so a failed migration is undone
 * by running the inverses of its finished statements in reverse.
 *
 * The rule: a statement's `inverse` is the DDL of the inverse operation, built in the swapped
 * context (`before` ↔ `after`), so it restores the schema exactly — column position, keyed column
 * types, foreign-key own indexes included. It cannot bring back data the statement destroyed; such
 * a statement also carries `lossy`, saying what is lost (dropped tables and columns, a type change
 * that may not convert back).
 */
import { invertOperation } from "../../diff/invert.js";
import type { Operation, OperationOf } from "../../diff/operations.js";
import type { Column, ColumnType } from "../../schema/snapshot.js";
import type { DdlContext, Statement } from "../types.js";

/** The operations that each become exactly one statement (the enum operations do not: enums are inline). */
export type SingleStatementOperation = Exclude<
  Operation,
  OperationOf<"createEnum" | "dropEnum" | "alterEnum" | "createExtension">
>;

/**
 * The operation that undoes `op`.
 *
 * @example inverseOperation({ kind: "renameTable", from: "a", to: "b" }) // → { kind: "renameTable", from: "b", to: "a" }
 */
export function inverseOperation(op: SingleStatementOperation): SingleStatementOperation {
  // The diff's inverse never turns a single-statement operation into an enum operation.
  return invertOperation(op) as SingleStatementOperation;
}

/** The context of the inverse operation: the states swapped. */
export function inverseContext(context: DdlContext): DdlContext {
  return { before: context.after, after: context.before };
}

/**
 * What running `op` destroys that its inverse cannot bring back, or undefined when the inverse
 * restores everything.
 */
export function lossyReason(op: SingleStatementOperation): string | undefined {
  switch (op.kind) {
    case "dropTable":
      return `the rows of table ${op.table.name} are lost`;
    case "dropColumn":
      return `the values of column ${op.table}.${op.column.name} are lost`;
    case "alterColumn":
      return widens(op.from, op.to)
        ? undefined
        : `the values of column ${op.table}.${op.from.name} are converted and may not convert back`;
    default:
      return undefined;
  }
}

/**
 * One statement with its inverse: `sql` for `op`, and `inverseSql` (the inverse operation's SQL),
 * marked `lossy` when the inverse cannot restore data.
 */
export function invertible(op: SingleStatementOperation, sql: string, inverseSql: string): Statement {
  const lossy = lossyReason(op);
  return { sql, inverse: [{ sql: inverseSql }], ...(lossy ? { lossy } : {}) };
}

// internal

/** True when every value of `from` survives the change to `to` and back (only the type matters here). */
function widens(from: Column, to: Column): boolean {
  if (from.array !== to.array) return false;
  return sameOrWider(from.type, to.type);
}

function sameOrWider(from: ColumnType, to: ColumnType): boolean {
  switch (from.kind) {
    case "string":
      return (
        to.kind === "string" && (to.length === undefined || (from.length !== undefined && to.length >= from.length))
      );
    case "int":
      return to.kind === "int" || to.kind === "bigInt" || to.kind === "float";
    case "decimal":
      return to.kind === "decimal" && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
    case "enum":
      return (
        (to.kind === "enum" && from.values.every((value) => to.values.includes(value))) ||
        (to.kind === "string" && to.length === undefined)
      );
    case "date":
      return to.kind === "date" || to.kind === "dateTime";
    default:
      return to.kind === from.kind;
  }
}
