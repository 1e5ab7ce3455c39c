/**
 * Quoting shared by the dialects: identifiers and string literals, so that names such as
 * `order`, `select` or `we"ird` and values such as `it's` always reach SQL escaped.
 *
 * Add functions here; never change what an existing one returns (every dialect relies on it).
 */
import { InvalidArgumentError } from "../errors.js";

/**
 * Quotes an identifier with double quotes, doubling any embedded `"` (standard SQL: PostgreSQL, SQLite).
 *
 * @example quoteDoubleQuoted('we"ird') // → "we""ird"
 */
export function quoteDoubleQuoted(identifier: string): string {
  rejectNul(identifier, "identifier");
  return `"${identifier.replaceAll('"', '""')}"`;
}

/**
 * Quotes an identifier with backticks, doubling any embedded backtick (MySQL, MariaDB).
 *
 * @example quoteBacktick("order") // → `order`
 */
export function quoteBacktick(identifier: string): string {
  rejectNul(identifier, "identifier");
  return `\`${identifier.replaceAll("`", "``")}\``;
}

/**
 * A standard SQL string literal: single quotes, embedded `'` doubled, backslashes left as they are
 * (PostgreSQL with `standard_conforming_strings = on`, its default since 9.1; SQLite).
 * MySQL also treats a backslash as an escape unless `NO_BACKSLASH_ESCAPES` is set: it needs its own.
 *
 * @example quoteStringLiteral("it's") // → 'it''s'
 */
export function quoteStringLiteral(value: string): string {
  rejectNul(value, "string literal");
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A MySQL/MariaDB string literal: single quotes, embedded `'` doubled and backslashes doubled, since
 * the server reads a backslash as an escape (its default `sql_mode`, without `NO_BACKSLASH_ESCAPES`,
 * which is also what the mysql2 client assumes when it escapes parameters).
 *
 * @example quoteMysqlStringLiteral("it's a\\b") // → 'it''s a\\b' (the text holds one backslash, the SQL two)
 */
export function quoteMysqlStringLiteral(value: string): string {
  rejectNul(value, "string literal");
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

// internal

/** A NUL byte ends the statement text in C clients and servers: refuse it rather than send half a statement. */
function rejectNul(value: string, what: string): void {
  if (value.includes("\u0000")) {
    throw new InvalidArgumentError(`A ${what} cannot contain a NUL character.`, { argument: what, value });
  }
}
