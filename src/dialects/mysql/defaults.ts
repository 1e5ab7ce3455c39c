/**
 * Column defaults: the DEFAULT clause written in DDL, the canonical form `normalize` gives a
 * default, and the parsers of what information_schema reports, per server flavour.
 *
 * MariaDB and MySQL 8 report `COLUMN_DEFAULT` differently (measured on MariaDB 10.11, documented
 * for MySQL 8): MariaDB quotes string literals (`'it''s'`, or `'it\'s'` for an expression default),
 * writes `NULL` for a nullable column's implicit default and lower-case expressions
 * (`current_timestamp(3)`, `curdate()`, `uuid()`); MySQL 8 gives literals unquoted, SQL NULL for no
 * default, and marks expressions with `DEFAULT_GENERATED` in `EXTRA` (a string expression reads
 * `_utf8mb4\'x\'`).
 */

import { UnsupportedOperationError } from "../../errors.js";
import type { Column, ColumnDefault, ColumnType } from "../../schema/snapshot.js";
import { quoteMysqlStringLiteral } from "../quote.js";
import { DEFAULT_DATETIME_PRECISION, needsExpressionDefault, readQuoted } from "./type-map.js";

/** Which server answered: they report defaults differently. */
export type ServerFlavour = "mariadb" | "mysql";

/**
 * The text after `DEFAULT` for a column whose SQL type is `sqlType`, or null when it has none.
 * Literals on TEXT/BLOB/JSON use the expression form MySQL 8 requires.
 */
export function defaultSql(column: Column, sqlType: string, table: string): string | null {
  const value = column.default;
  if (value === null) return null;
  switch (value.kind) {
    case "literal": {
      const literal = literalSql(column.array ? { kind: "json" } : column.type, value.value);
      return needsExpressionDefault(sqlType) ? `(${literal})` : literal;
    }
    case "now":
      return nowSql(column, table);
    // MariaDB accepts `DEFAULT uuid()` and MySQL 8.0.13+ only `DEFAULT (UUID())`: the form both take.
    case "uuid":
      return "(UUID())";
    case "sql":
      return `(${value.expression})`;
  }
}

/**
 * A default in the form introspection gives it back: literals typed and formatted per column type
 * (numbers for int/float, decimal strings with the column's scale, booleans, compact JSON text,
 * ISO date-times with milliseconds), `sql` expressions trimmed of outer parentheses.
 */
export function canonicalDefault(value: ColumnDefault | null, type: ColumnType): ColumnDefault | null {
  if (value === null) return null;
  if (value.kind === "sql") return canonicalExpression(value.expression, type);
  if (value.kind !== "literal") return value;
  return { kind: "literal", value: canonicalLiteral(value.value, type) };
}

/** Reads `COLUMN_DEFAULT` (with `EXTRA`) as a default for a column of `type`. */
export function parseDefault(
  flavour: ServerFlavour,
  raw: string | null,
  extra: string,
  type: ColumnType,
): ColumnDefault | null {
  if (raw === null) return null;
  if (flavour === "mariadb") {
    if (raw === "NULL") return null;
    if (raw.startsWith("'")) return literal(readQuoted(raw, 0).value, type);
    if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) return literal(raw, type);
    return canonicalExpression(raw, type);
  }
  if (!/DEFAULT_GENERATED/i.test(extra)) return literal(raw, type);
  const body = raw.replace(/^_\w+\s*/, "");
  // A generated string default is printed with its quotes escaped once more: `_utf8mb4\'it\\\'s\'`.
  const once = body.startsWith("\\'") ? body.replace(/\\([\s\S])/g, "$1") : body;
  if (once.startsWith("'")) return literal(readQuoted(once, 0).value, type);
  return canonicalExpression(raw, type);
}

// internal

function literal(text: string, type: ColumnType): ColumnDefault {
  return { kind: "literal", value: canonicalLiteral(text, type) };
}

/** Expressions both servers report for "the current time" and "a new uuid". */
const NOW = /^(current_timestamp|now|localtimestamp|localtime|curdate|current_date|curtime|current_time)(\(\d*\))?$/;

function canonicalExpression(expression: string, type: ColumnType): ColumnDefault | null {
  const bare = stripParentheses(expression.trim());
  const lower = bare.toLowerCase();
  if (lower === "null") return null;
  if (NOW.test(lower) && (type.kind === "dateTime" || type.kind === "date" || type.kind === "time")) {
    return { kind: "now" };
  }
  if (lower === "uuid()") return { kind: "uuid" };
  return { kind: "sql", expression: bare };
}

function stripParentheses(text: string): string {
  let current = text;
  while (current.startsWith("(") && current.endsWith(")") && enclosesAll(current))
    current = current.slice(1, -1).trim();
  return current;
}

/** True when the first `(` closes at the very end (so `(a) + (b)` is not stripped). */
function enclosesAll(text: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote) {
      if (char === "\\") index++;
      else if (char === quote) quote = null;
    } else if (char === "'" || char === '"' || char === "`") quote = char;
    else if (char === "(") depth++;
    else if (char === ")" && --depth === 0 && index < text.length - 1) return false;
  }
  return depth === 0;
}

function canonicalLiteral(value: string | number | boolean, type: ColumnType): string | number | boolean {
  const text = String(value);
  switch (type.kind) {
    case "int":
    case "float":
      return typeof value === "number" || !isNumeric(text) ? value : Number(text);
    case "bigInt":
      return isNumeric(text) && /^[-+]?\d+$/.test(text) ? canonicalInteger(text) : text;
    case "decimal":
      return isNumeric(text) ? fixedScale(text, type.scale) : text;
    case "boolean":
      if (typeof value === "boolean") return value;
      return text === "1" || text.toLowerCase() === "true"
        ? true
        : text === "0" || text.toLowerCase() === "false"
          ? false
          : value;
    case "json":
      return canonicalJsonText(text);
    case "dateTime":
      return isoDateTime(text, type.precision ?? DEFAULT_DATETIME_PRECISION) ?? text;
    case "date":
      return /^\d{4}-\d{2}-\d{2}/.exec(text)?.[0] ?? text;
    case "time":
      return /\d{2}:\d{2}:\d{2}/.exec(text)?.[0] ?? text;
    default:
      return text;
  }
}

function literalSql(type: ColumnType, value: string | number | boolean): string {
  const canonical = canonicalLiteral(value, type);
  if (typeof canonical === "boolean") return canonical ? "1" : "0";
  if (typeof canonical === "number")
    return Number.isFinite(canonical) ? String(canonical) : quoteMysqlStringLiteral(String(canonical));
  if ((type.kind === "bigInt" || type.kind === "decimal") && isNumeric(canonical)) return canonical;
  if (type.kind === "dateTime" && /Z$/.test(canonical))
    return quoteMysqlStringLiteral(canonical.replace("T", " ").replace("Z", ""));
  return quoteMysqlStringLiteral(canonical);
}

function nowSql(column: Column, table: string): string {
  switch (column.type.kind) {
    // The default's digits must match the column's (MariaDB: "Invalid default value" otherwise).
    case "dateTime": {
      const digits = column.type.precision ?? DEFAULT_DATETIME_PRECISION;
      return digits === 0 ? "CURRENT_TIMESTAMP" : `CURRENT_TIMESTAMP(${digits})`;
    }
    // Expression defaults: MariaDB 10.2+ and MySQL 8.0.13+.
    case "date":
      return "(CURRENT_DATE)";
    case "time":
      return "(CURRENT_TIME)";
    default:
      throw new UnsupportedOperationError(
        `Column ${table}.${column.name} has a now() default but is not a date or time column; give it a dateTime, date or time type.`,
        { dialect: "mysql", operation: "default", table, detail: `now() on ${column.type.kind}` },
      );
  }
}

function isNumeric(text: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(text);
}

function canonicalInteger(text: string): string {
  const negative = text.startsWith("-");
  const digits = text.replace(/^[-+]/, "").replace(/^0+(?=\d)/, "");
  return negative && digits !== "0" ? `-${digits}` : digits;
}

/**
 * A decimal string with exactly `scale` fraction digits, rounded half away from zero as the server
 * rounds a DECIMAL value (so `1.555` in DECIMAL(10,2) is `1.56`, as it reads back).
 */
function fixedScale(text: string, scale: number): string {
  const negative = text.startsWith("-");
  const [whole = "", fraction = ""] = text.replace(/^[-+]/, "").split(".");
  const kept = fraction.padEnd(scale + 1, "0");
  let scaled = BigInt(`${whole || "0"}${kept.slice(0, scale)}`);
  if (Number(kept[scale]) >= 5) scaled += 1n;
  const digits = scaled.toString().padStart(scale + 1, "0");
  const integer = digits.slice(0, digits.length - scale);
  const body = scale > 0 ? `${integer}.${digits.slice(digits.length - scale)}` : integer;
  return negative && /[1-9]/.test(body) ? `-${body}` : body;
}

function canonicalJsonText(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text; // not JSON: kept as written, the server will say what is wrong with it
  }
}

/**
 * `2024-01-02 03:04:05.678`, `2024-01-02T03:04:05Z` or with an offset → `2024-01-02T03:04:05.678Z`,
 * the fraction cut to the column's `digits` as MariaDB stores it (it truncates; MySQL 8 rounds).
 */
function isoDateTime(text: string, digits: number): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(
    text,
  );
  if (!match) return null;
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone] = match;
  const kept = Math.min(digits, 3);
  const scale = 10 ** (3 - kept);
  const ms = Math.floor(Math.floor(Number(`0${fraction || ".0"}`) * 1000 + 1e-6) / scale) * scale;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.replace(/[^\d]/g, "");
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
