/**
 * Inverses of operations, for down migrations and MySQL's undo: each operation carries the full
 * previous definition of what it drops or alters, so its inverse needs nothing else.
 */
import { assertNever } from "../util/assert-never.js";
import { compareColumnTypes } from "./changes.js";
import type { Operation } from "./operations.js";

/**
 * The operation that undoes `operation` on the schema (not on the data: see {@link isLossyInverse}).
 *
 * @example invertOperation({ kind: "renameTable", from: "users", to: "members" }) // renameTable members → users
 */
export function invertOperation(operation: Operation): Operation {
  const op = operation;
  switch (op.kind) {
    case "createTable":
      return { kind: "dropTable", table: op.table };
    case "dropTable":
      return { kind: "createTable", table: op.table };
    case "renameTable":
      return { kind: "renameTable", from: op.to, to: op.from };
    case "addColumn":
      return { kind: "dropColumn", table: op.table, column: op.column };
    case "dropColumn":
      return { kind: "addColumn", table: op.table, column: op.column };
    case "renameColumn":
      return { kind: "renameColumn", table: op.table, from: op.to, to: op.from };
    case "alterColumn":
      return { kind: "alterColumn", table: op.table, from: op.to, to: op.from };
    case "addPrimaryKey":
      return { kind: "dropPrimaryKey", table: op.table, primaryKey: op.primaryKey };
    case "dropPrimaryKey":
      return { kind: "addPrimaryKey", table: op.table, primaryKey: op.primaryKey };
    case "addUnique":
      return { kind: "dropUnique", table: op.table, unique: op.unique };
    case "dropUnique":
      return { kind: "addUnique", table: op.table, unique: op.unique };
    case "createIndex":
      return { kind: "dropIndex", table: op.table, index: op.index };
    case "dropIndex":
      return { kind: "createIndex", table: op.table, index: op.index };
    case "addForeignKey":
      return { kind: "dropForeignKey", table: op.table, foreignKey: op.foreignKey };
    case "dropForeignKey":
      return { kind: "addForeignKey", table: op.table, foreignKey: op.foreignKey };
    case "createEnum":
      return { kind: "dropEnum", enum: op.enum };
    case "dropEnum":
      return { kind: "createEnum", enum: op.enum };
    case "alterEnum":
      return { kind: "alterEnum", name: op.name, from: op.to, to: op.from };
    case "addCheck":
      return { kind: "dropCheck", table: op.table, check: op.check };
    case "dropCheck":
      return { kind: "addCheck", table: op.table, check: op.check };
    case "createExtension":
      // Undoing a migration leaves its extensions: other schemas and tables may use them.
      return op;
    default:
      return assertNever(op, "operation");
  }
}

/**
 * The operations that undo `operations`: each inverted, in reverse order.
 *
 * @example const down = invertOperations(up); // applyOperations(applyOperations(s, up), down) equals s
 */
export function invertOperations(operations: readonly Operation[]): Operation[] {
  return [...operations].reverse().map(invertOperation);
}

/**
 * Why undoing `operation` cannot bring back the data it destroyed, or `null` when it can:
 * a dropped table or column comes back empty, a narrowed column keeps its truncated values, and
 * rows that held a removed enum value are gone or changed.
 *
 * @example inverseLoss(dropColumnOp) // "re-adding users.bio cannot restore its values"
 */
export function inverseLoss(operation: Operation): string | null {
  switch (operation.kind) {
    case "dropTable":
      return `re-creating table ${operation.table.name} cannot restore its rows`;
    case "dropColumn":
      return `re-adding ${operation.table}.${operation.column.name} cannot restore its values`;
    case "alterColumn":
      return compareColumnTypes(operation.from, operation.to) === "narrowing"
        ? `widening ${operation.table}.${operation.to.name} back cannot restore values the narrowing changed`
        : null;
    case "alterEnum":
      return operation.from.some((value) => !operation.to.includes(value))
        ? `adding the values back to enum ${operation.name} cannot restore the rows that held them`
        : null;
    default:
      return null;
  }
}

/**
 * True when the inverse of `operation` restores the schema but not the data (see {@link inverseLoss}).
 *
 * @example operations.filter(isLossyInverse) // the steps a rollback cannot fully undo
 */
export function isLossyInverse(operation: Operation): boolean {
  return inverseLoss(operation) !== null;
}
