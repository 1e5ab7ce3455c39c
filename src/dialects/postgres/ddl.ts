/**
 * PostgreSQL DDL for every operation: one exhaustive switch, each family in its own file under
 * `ddl/`. Identifiers are always quoted and values always escaped. DDL is transactional on
 * PostgreSQL, so statements need no inverses: a failed unit rolls back.
 */
import type { Operation } from "../../diff/operations.js";
import { assertNever } from "../../util/assert-never.js";
import { quoteDoubleQuoted as q } from "../quote.js";
import type { DdlContext, Statement } from "../types.js";
import { alterColumnStatements } from "./ddl/columns.js";
import {
  addCheckStatements,
  addForeignKeyStatements,
  addPrimaryKeyStatements,
  addUniqueStatements,
  checkCommentStatement,
  dropConstraintStatements,
  dropPrimaryKeyStatements,
} from "./ddl/constraints.js";
import { alterEnumStatements, createEnumStatements, dropEnumStatements } from "./ddl/enums.js";
import { createIndexStatements, dropIndexStatements, whereCommentStatement } from "./ddl/indexes.js";
import {
  addColumnStatements,
  createTableStatements,
  dropColumnStatements,
  dropTableStatements,
  renameColumnStatements,
  renameTableStatements,
} from "./ddl/tables.js";

/**
 * The statements for one operation. `context.before` is read by `alterEnum` (the columns using
 * the enum) and, with `context.after`, by `renameColumn`; every other operation carries what it needs.
 *
 * @example postgresDdl({ kind: "renameTable", from: "a", to: "b" }, context) // → [{ sql: 'ALTER TABLE "a" RENAME TO "b"' }]
 */
export function postgresDdl(operation: Operation, context: DdlContext): Statement[] {
  switch (operation.kind) {
    case "createTable":
      return createTableStatements(operation.table);
    case "dropTable":
      return dropTableStatements(operation.table);
    case "renameTable":
      return renameTableStatements(operation.from, operation.to);
    case "addColumn":
      return addColumnStatements(operation.table, operation.column);
    case "dropColumn":
      return dropColumnStatements(operation.table, operation.column);
    case "renameColumn":
      return [
        ...renameColumnStatements(operation.table, operation.from, operation.to),
        ...rewrittenTextComments(operation.table, context),
      ];
    case "alterColumn":
      return alterColumnStatements(operation.table, operation.from, operation.to);
    case "addPrimaryKey":
      return addPrimaryKeyStatements(operation.table, operation.primaryKey.columns);
    case "dropPrimaryKey":
      return dropPrimaryKeyStatements(operation.table);
    case "addUnique":
      return addUniqueStatements(operation.table, operation.unique);
    case "dropUnique":
      return dropConstraintStatements(operation.table, operation.unique.name);
    case "createIndex":
      return createIndexStatements(operation.table, operation.index);
    case "dropIndex":
      return dropIndexStatements(operation.index);
    case "addForeignKey":
      return addForeignKeyStatements(operation.table, operation.foreignKey);
    case "dropForeignKey":
      return dropConstraintStatements(operation.table, operation.foreignKey.name);
    case "createEnum":
      return createEnumStatements(operation.enum);
    case "dropEnum":
      return dropEnumStatements(operation.enum);
    case "alterEnum":
      return alterEnumStatements(operation.name, operation.to, context);
    case "addCheck":
      return addCheckStatements(operation.table, operation.check);
    case "dropCheck":
      return dropConstraintStatements(operation.table, operation.check.name);
    case "createExtension":
      // In public, whatever the client's schema: extensions are database-wide, and every tenant
      // schema's search_path reaches them there (see `searchPath`).
      return [{ sql: `CREATE EXTENSION IF NOT EXISTS ${q(operation.name)} SCHEMA public` }];
    default:
      return assertNever(operation, "operation");
  }
}

/**
 * After a column rename PostgreSQL rewrites the checks and predicates naming it, but not the
 * comments holding the author's text: those are written again, as the snapshot now spells them.
 */
function rewrittenTextComments(table: string, context: DdlContext): Statement[] {
  const before = context.before.tables.find((t) => t.name === table);
  const after = context.after.tables.find((t) => t.name === table);
  if (!before || !after) return [];
  const statements: Statement[] = [];
  for (const check of after.checks ?? []) {
    const old = before.checks?.find((c) => c.name === check.name);
    if (old && old.expression !== check.expression) statements.push(checkCommentStatement(table, check));
  }
  for (const index of after.indexes) {
    const old = before.indexes.find((i) => i.name === index.name);
    if (old && index.where !== undefined && old.where !== index.where) statements.push(whereCommentStatement(index));
  }
  return statements;
}
