/**
 * DDL for every operation, one statement per operation wherever MySQL allows it (a multi-clause
 * ALTER TABLE is atomic on its own), each carrying its inverse (see `inverse.ts`). Identifiers
 * are always backtick-quoted and values escaped.
 */
import type { Operation, OperationOf } from "../../diff/operations.js";
import { UnsupportedOperationError } from "../../errors.js";
import type { Column } from "../../schema/snapshot.js";
import { assertNever } from "../../util/assert-never.js";
import type { DdlContext, Statement } from "../types.js";
import { addColumnSql, alterColumnSql, dropColumnSql, renameColumnSql } from "./ddl/columns.js";
import { keyOperationSql } from "./ddl/keys.js";
import { addCheckSql, createTableSql, dropCheckSql, dropTableSql, renameTableSql } from "./ddl/tables.js";
import { inverseContext, inverseOperation, invertible, type SingleStatementOperation } from "./inverse.js";

/**
 * The statements for one operation, each with its inverse. `context` holds the schema just before
 * and just after the operation (keyed column types and foreign-key indexes depend on the table).
 *
 * @example mysqlDdl({ kind: "renameTable", from: "a", to: "b" }, context) // → [{ sql: "RENAME TABLE `a` TO `b`", inverse: [...] }]
 */
export function mysqlDdl(op: Operation, context: DdlContext): Statement[] {
  switch (op.kind) {
    // Enums live inline in their columns (ENUM('a','b')): there is no type to create or drop.
    case "createEnum":
    case "dropEnum":
      return [];
    // A changed enum is a MODIFY of every column that uses it.
    case "alterEnum":
      return enumColumnChanges(op, context).flatMap((change) => mysqlDdl(change, context));
    case "createTable":
    case "dropTable":
    case "renameTable":
    case "addColumn":
    case "dropColumn":
    case "renameColumn":
    case "alterColumn":
    case "addPrimaryKey":
    case "dropPrimaryKey":
    case "addUnique":
    case "dropUnique":
    case "createIndex":
    case "dropIndex":
    case "addForeignKey":
    case "dropForeignKey":
    case "addCheck":
    case "dropCheck":
      return [invertible(op, statementSql(op, context), statementSql(inverseOperation(op), inverseContext(context)))];
    case "createExtension":
      throw new UnsupportedOperationError(`Extension ${op.name} is a PostgreSQL feature; MySQL has no extensions.`, {
        dialect: "mysql",
        operation: "createExtension",
        detail: op.name,
      });
    default:
      return assertNever(op, "operation");
  }
}

// internal

function statementSql(op: SingleStatementOperation, context: DdlContext): string {
  switch (op.kind) {
    case "createTable":
      return createTableSql(op.table);
    case "dropTable":
      return dropTableSql(op.table);
    case "renameTable":
      return renameTableSql(op.from, op.to);
    case "addColumn":
      return addColumnSql(op, context);
    case "dropColumn":
      return dropColumnSql(op);
    case "renameColumn":
      return renameColumnSql(op);
    case "alterColumn":
      return alterColumnSql(op, context);
    case "addPrimaryKey":
    case "dropPrimaryKey":
    case "addUnique":
    case "dropUnique":
    case "createIndex":
    case "dropIndex":
    case "addForeignKey":
    case "dropForeignKey":
      return keyOperationSql(op, context);
    case "addCheck":
      return addCheckSql(op, context);
    case "dropCheck":
      return dropCheckSql(op, context);
    default:
      return assertNever(op, "operation");
  }
}

/**
 * One alterColumn per column (in any table) whose enum type is the altered one; the values come
 * from the operation, whether or not the context's columns already carry them.
 */
function enumColumnChanges(op: OperationOf<"alterEnum">, context: DdlContext): OperationOf<"alterColumn">[] {
  const changes: OperationOf<"alterColumn">[] = [];
  for (const table of context.after.tables) {
    for (const column of table.columns) {
      const type = column.type;
      if (type.kind !== "enum" || type.name !== op.name) continue;
      const withValues = (values: string[]): Column => ({ ...column, type: { ...type, values } });
      changes.push({ kind: "alterColumn", table: table.name, from: withValues(op.from), to: withValues(op.to) });
    }
  }
  return changes;
}
