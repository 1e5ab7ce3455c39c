/**
 * Column defaults: the DEFAULT clause for a neutral default, and the neutral default for a DEFAULT
 * clause read back from `sqlite_master`. The two are inverses on everything the first produces,
 * which is what keeps push idempotent.
 */
import type { Column, ColumnDefault, ColumnType } from "../../schema/snapshot.js";
import { quoteStringLiteral } from "../quote.js";
import type { ParsedDefault } from "./parse.js";
import { tokenize } from "./tokenize.js";

/**
 * The text after `DEFAULT` for a column, or `null` when it has none the database can hold.
 * A uuid default has no SQLite equivalent (no native generator): the client fills it in.
 *
 * @example defaultSql({ ...column, default: { kind: "literal", value: "it's" } }) // → "'it''s'"
 */
export function defaultSql(column: Column): string | null {
  const value = column.default;
  if (value === null || column.autoIncrement) return null;
  switch (value.kind) {
    case "uuid":
      return null;
    case "now":
      return column.type.kind === "date"
        ? "CURRENT_DATE"
        : column.type.kind === "time"
          ? "CURRENT_TIME"
          : "CURRENT_TIMESTAMP";
    case "sql":
      return `(${value.expression})`;
    case "literal":
      return literalSql(value.value, numericType(column));
  }
}

/**
 * True when SQLite's `ALTER TABLE … ADD COLUMN` accepts the default: a constant (not CURRENT_* nor
 * an expression, which SQLite cannot evaluate for rows already there).
 *
 * @example isConstantDefault({ ...column, default: { kind: "now" } }) // → false
 */
export function isConstantDefault(column: Column): boolean {
  const sql = defaultSql(column);
  return sql === null || !(sql.startsWith("(") || sql.startsWith("CURRENT_"));
}

/**
 * The neutral default for a DEFAULT clause, typed by the column: numbers for int/float, decimal
 * strings for bigInt/decimal, booleans for boolean, text otherwise.
 *
 * @example readDefault({ kind: "number", text: "42" }, { kind: "bigInt" }) // → { kind: "literal", value: "42" }
 */
export function readDefault(parsed: ParsedDefault | null, type: ColumnType): ColumnDefault | null {
  if (parsed === null) return null;
  switch (parsed.kind) {
    case "null":
      return null;
    case "keyword":
      if (parsed.value.startsWith("CURRENT_")) return { kind: "now" };
      return typedLiteral(parsed.value === "TRUE" ? "1" : "0", type, true);
    case "number":
      return typedLiteral(parsed.text, type, true);
    case "string":
      return typedLiteral(parsed.value, type, false);
    case "blob":
      return { kind: "sql", expression: parsed.text };
    case "expression":
      return readExpression(parsed.text, type);
  }
}

// internal

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function numericType(column: Column): boolean {
  return !column.array && ["int", "bigInt", "float", "decimal", "boolean"].includes(column.type.kind);
}

function literalSql(value: string | number | boolean, numeric: boolean): string {
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return quoteStringLiteral(String(value));
    return String(value);
  }
  // A decimal string on a numeric column is written as a number, so its exact digits survive.
  if (numeric && NUMBER.test(value)) return value.startsWith("+") ? value.slice(1) : value;
  return quoteStringLiteral(value);
}

function typedLiteral(text: string, type: ColumnType, wasNumber: boolean): ColumnDefault {
  const numeric = NUMBER.test(text);
  switch (type.kind) {
    case "int":
    case "float":
      return { kind: "literal", value: numeric ? Number(text) : text };
    case "bigInt":
    case "decimal":
      return { kind: "literal", value: numeric && text.startsWith("+") ? text.slice(1) : text };
    case "boolean":
      if (numeric) return { kind: "literal", value: Number(text) !== 0 };
      if (/^(true|false)$/i.test(text)) return { kind: "literal", value: text.toLowerCase() === "true" };
      return { kind: "literal", value: text };
    default:
      // A number written on a text column: SQLite stores it as text in a TEXT column anyway.
      return { kind: "literal", value: wasNumber && text.startsWith("+") ? text.slice(1) : text };
  }
}

/** `DEFAULT ( … )`: a lone literal or CURRENT_* inside parentheses means the same as without them. */
function readExpression(text: string, type: ColumnType): ColumnDefault | null {
  const tokens = tokenize(text);
  const [first, second] = tokens;
  if (tokens.length === 1 && first) {
    if (first.kind === "string") return typedLiteral(first.value, type, false);
    if (first.kind === "number") return typedLiteral(first.value, type, true);
    if (first.kind === "word") {
      const upper = first.value.toUpperCase();
      if (upper === "NULL") return null;
      if (upper.startsWith("CURRENT_")) return { kind: "now" };
      if (upper === "TRUE" || upper === "FALSE") return typedLiteral(upper === "TRUE" ? "1" : "0", type, true);
    }
  }
  if (tokens.length === 2 && first?.value === "-" && second?.kind === "number") {
    return typedLiteral(`-${second.value}`, type, true);
  }
  return { kind: "sql", expression: text };
}
