/**
 * DDL for indexes. A partial index's predicate is also kept in the index's comment, because
 * PostgreSQL stores the predicate rewritten (`"deletedAt" IS NULL` comes back as
 * `("deletedAt" IS NULL)`): introspection reads the user's text back from the comment, so the
 * predicate round-trips exactly. The comment lives and dies with the index.
 */
import { type Index, isIndexExpression } from "../../../schema/snapshot.js";
import { quoteDoubleQuoted as q, quoteStringLiteral } from "../../quote.js";
import type { Statement } from "../../types.js";
import { identifierList } from "./constraints.js";

/** The comment on a partial index: this prefix, then the predicate as the user wrote it. */
export const WHERE_COMMENT_PREFIX = "viborm:where:";

/**
 * `CREATE [UNIQUE] INDEX … [USING method] (…) [WHERE …]`, and the comment holding the predicate.
 * The predicate is SQL the user wrote in the schema, and is used as such.
 */
export function createIndexStatements(table: string, index: Index): Statement[] {
  const method = index.type ? ` USING ${q(index.type.toLowerCase())}` : "";
  const where = index.where !== undefined ? ` WHERE ${index.where}` : "";
  const statements: Statement[] = [
    {
      sql: `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${q(index.name)} ON ${q(table)}${method} ${indexColumns(index)}${where}`,
    },
  ];
  if (index.where !== undefined) statements.push(whereCommentStatement(index));
  return statements;
}

/** The comment holding a partial index's predicate as the user wrote it. */
export function whereCommentStatement(index: Index): Statement {
  return {
    sql: `COMMENT ON INDEX ${q(index.name)} IS ${quoteStringLiteral(`${WHERE_COMMENT_PREFIX}${index.where ?? ""}`)}`,
  };
}

/** `("a", "b" gin_trgm_ops DESC, lower(c))`: each key part with its operator class and sort order. */
function indexColumns(index: Index): string {
  if (!index.columnOptions && !index.columns.some(isIndexExpression)) return identifierList(index.columns);
  const parts = index.columns.map((column) => {
    const options = index.columnOptions?.[column];
    const opclass = options?.opclass ? ` ${options.opclass}` : "";
    // An expression key part is SQL as the database printed it (see `Index.columns`).
    const part = isIndexExpression(column) ? column : q(column);
    return `${part}${opclass}${options?.order === "desc" ? " DESC" : ""}`;
  });
  return `(${parts.join(", ")})`;
}

/** `DROP INDEX` (its comment goes with it). */
export function dropIndexStatements(index: Index): Statement[] {
  return [{ sql: `DROP INDEX ${q(index.name)}` }];
}
