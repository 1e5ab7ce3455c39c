/**
 * Parameters written into a statement as literals, so a statement with parameters (a tracking or
 * progress write) can travel in one multi-statement text with the DDL around it. Only what viborm's
 * own bookkeeping statements bind is encoded (text, NULL and, where the driver sends them as such,
 * integers); for anything else, or SQL the scanner is not sure of, the answer is `null` and the
 * statement keeps its parameters and its own round trip.
 */
import type { Statement } from "./types.js";

/** Which placeholders a dialect writes, and how it spells a literal. */
export interface InlineRules {
  /** `$1`, `$2` … (PostgreSQL) or `?` in order (MySQL, SQLite). */
  placeholder: "numbered" | "question";
  /** The literal for one value, or `null` when it has none here. */
  literal(value: unknown): string | null;
  /** Whether a backslash escapes inside `'…'` and `"…"` (MySQL's default `sql_mode`). */
  backslashEscapes: boolean;
}

/**
 * The statement's SQL with every placeholder replaced by its value's literal, or `null`.
 *
 * @example inlineStatement({ sql: "DELETE FROM t WHERE id = ?", params: ["a'b"] }, sqliteInline) // → "DELETE FROM t WHERE id = 'a''b'"
 */
export function inlineStatement(statement: Statement, rules: InlineRules): string | null {
  const params = statement.params ?? [];
  if (params.length === 0) return statement.sql;
  const literals = params.map((value) => rules.literal(value));
  if (literals.some((literal) => literal === null)) return null;
  const { sql } = statement;
  let out = "";
  let next = 0;
  let used = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`") {
      const end = quotedEnd(sql, i, rules.backslashEscapes && c !== "`");
      if (end < 0) return null;
      i = end;
      continue;
    }
    // Comments, dollar quotes, E'' strings, named parameters: not in viborm's own statements, and
    // not worth a scanner that might misread them. Such a statement is sent with its parameters.
    if ((c === "-" && sql[i + 1] === "-") || (c === "/" && sql[i + 1] === "*") || c === "#") return null;
    if (c === ":" || c === "@" || c === "[" || c === "\\") return null;
    if ((c === "E" || c === "e") && sql[i + 1] === "'") return null;
    if (c === "$") {
      if (rules.placeholder !== "numbered") return null;
      const match = /^\$(\d+)/.exec(sql.slice(i, i + 12));
      if (!match || /[\w$]/.test(sql[i - 1] ?? "")) return null;
      const index = Number(match[1]) - 1;
      if (index < 0 || index >= literals.length) return null;
      out += sql.slice(next, i) + literals[index];
      used = Math.max(used, index + 1);
      i += match[0].length;
      next = i;
      continue;
    }
    if (c === "?") {
      if (rules.placeholder !== "question" || /\d/.test(sql[i + 1] ?? "")) return null;
      if (used >= literals.length) return null;
      out += sql.slice(next, i) + literals[used++];
      i += 1;
      next = i;
      continue;
    }
    i += 1;
  }
  if (used !== literals.length) return null;
  return out + sql.slice(next);
}

/**
 * PostgreSQL: every value as an untyped quoted literal, as node-postgres sends parameters (text the
 * server casts to the column's type), so `varchar = '5'` resolves as `varchar = $1` did. A
 * backslash makes it an `E'…'` string with the backslash doubled, correct whatever
 * `standard_conforming_strings` says. PostgreSQL text cannot hold NUL: such a value stays a parameter.
 *
 * @example postgresInline.literal("it's") // → "'it''s'"
 */
export const postgresInline: InlineRules = {
  placeholder: "numbered",
  backslashEscapes: false,
  literal(value) {
    if (value === null || value === undefined) return "NULL";
    const text =
      typeof value === "string"
        ? value
        : typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value))
          ? String(value)
          : null;
    if (text === null || text.includes("\u0000")) return null;
    const quoted = `'${text.replaceAll("'", "''")}'`;
    return text.includes("\\") ? `E${quoted.replaceAll("\\", "\\\\")}` : quoted;
  },
};

/**
 * MySQL/MariaDB: text as a hexadecimal literal with a `_utf8mb4` introducer, which means the same
 * whatever the `sql_mode` (`NO_BACKSLASH_ESCAPES`) and the connection's character set; integers as
 * digits (what mysql2 itself writes for a number parameter).
 *
 * @example mysqlInline.literal("ab") // → "_utf8mb4 X'6162'"
 * @see https://dev.mysql.com/doc/refman/8.0/en/charset-introducer.html
 */
export const mysqlInline: InlineRules = {
  placeholder: "question",
  backslashEscapes: true,
  literal(value) {
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : null;
    if (typeof value === "bigint") return String(value);
    if (typeof value !== "string") return null;
    let hex = "";
    for (const byte of new TextEncoder().encode(value)) hex += byte.toString(16).padStart(2, "0");
    return `_utf8mb4 X'${hex}'`;
  },
};

/**
 * SQLite: text as a standard literal (`'` doubled; SQLite has no backslash escapes). Numbers stay
 * parameters: better-sqlite3 binds them as REAL, which a literal would not reproduce.
 *
 * @example sqliteInline.literal("it's") // → "'it''s'"
 */
export const sqliteInline: InlineRules = {
  placeholder: "question",
  backslashEscapes: false,
  literal(value) {
    if (value === null || value === undefined) return "NULL";
    if (typeof value !== "string" || value.includes("\u0000")) return null;
    return `'${value.replaceAll("'", "''")}'`;
  },
};

// internal

/** The index after the quoted run opening at `start` (a doubled quote escapes one), or -1 when unterminated. */
function quotedEnd(sql: string, start: number, backslash: boolean): number {
  const quote = sql[start];
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (backslash && c === "\\") j += 2;
    else if (c !== quote) j++;
    else if (sql[j + 1] === quote) j += 2;
    else return j + 1;
  }
  return -1;
}
