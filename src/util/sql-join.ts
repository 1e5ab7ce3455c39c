/**
 * Joins statements into one multi-statement text, for drivers that send such a text in one round
 * trip (PostgreSQL's simple query protocol, PGlite's `exec`, better-sqlite3's `exec`, mysql2 with
 * `multipleStatements`).
 */
import { type SqlDialect, splitSqlStatements } from "./sql-split.js";

/**
 * The statements as one text, each ended by `;` and a line break, or `null` when the joined text
 * would not split back into exactly these statements: a statement with an unterminated quote or
 * comment, a trailing `--` comment that would swallow the `;`, or comments around it, would
 * otherwise run differently joined than alone. The `;` follows each statement directly: SQLite
 * (and MySQL, for trigger bodies) keep a statement's text as sent, up to its `;`.
 *
 * @example joinSqlStatements(["CREATE TABLE a (x int)", "DROP TABLE b"], "sqlite") // → "CREATE TABLE a (x int);\nDROP TABLE b"
 */
export function joinSqlStatements(statements: readonly string[], dialect: SqlDialect): string | null {
  const pieces = statements.map(trimStatement);
  if (pieces.some((piece) => piece.length === 0)) return null;
  const text = pieces.join(";\n");
  const split = splitSqlStatements(text, dialect);
  if (split.length !== pieces.length || split.some((piece, index) => piece !== pieces[index])) return null;
  return text;
}

// internal

/** Surrounding whitespace and closing `;`s off: the joiner adds the one separator itself. */
function trimStatement(sql: string): string {
  return sql.replace(/[\s;]+$/, "").trim();
}
