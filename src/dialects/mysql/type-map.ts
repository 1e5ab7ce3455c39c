/**
 * Neutral column types ↔ MySQL/MariaDB column types, both ways.
 *
 * A string without a length is TEXT, except when the column is part of a key (primary key, unique,
 * index, foreign key): InnoDB cannot index TEXT without a prefix length, so keyed text columns are
 * VARCHAR(191) — 191 utf8mb4 characters (764 bytes) fit the 767-byte key limit of the oldest row
 * formats. Both read back as a string without length (see `normalize.ts`).
 */
import type { Column, ColumnType } from "../../schema/snapshot.js";
import { quoteMysqlStringLiteral } from "../quote.js";

/** The length a keyed string column without one gets. */
export const KEYED_STRING_LENGTH = 191;

/**
 * The MySQL type of a column. `keyed` says whether the column is part of a key of its table.
 * Arrays have no MySQL type: they are stored as JSON.
 *
 * @example mysqlColumnType({ type: { kind: "string" }, array: false, … }, true) // → "VARCHAR(191)"
 */
export function mysqlColumnType(column: Column, keyed: boolean): string {
  if (column.array) return "JSON";
  const type = column.type;
  switch (type.kind) {
    case "string":
      if (type.length !== undefined) return `VARCHAR(${type.length})`;
      return keyed ? `VARCHAR(${KEYED_STRING_LENGTH})` : "TEXT";
    case "int":
      return "INT";
    case "bigInt":
      return "BIGINT";
    case "float":
      return "DOUBLE";
    case "decimal":
      return `DECIMAL(${type.precision},${type.scale})`;
    case "boolean":
      return "TINYINT(1)";
    case "dateTime":
      return "DATETIME(3)";
    case "date":
      return "DATE";
    case "time":
      return "TIME";
    // MariaDB makes JSON an alias of LONGTEXT with a CHECK (json_valid(col)); MySQL 8 has a native type.
    case "json":
      return "JSON";
    case "blob":
      return "LONGBLOB";
    case "enum":
      return `ENUM(${type.values.map(quoteMysqlStringLiteral).join(",")})`;
  }
}

/**
 * True when MySQL 8 accepts a default on this SQL type only as an expression, `DEFAULT ('x')`
 * (TEXT, BLOB and JSON; https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html).
 * MariaDB accepts the expression form too.
 */
export function needsExpressionDefault(sqlType: string): boolean {
  return /^(TEXT|JSON|LONGBLOB)$/.test(sqlType);
}

/**
 * The neutral type of an introspected column, from information_schema `DATA_TYPE` and
 * `COLUMN_TYPE`. `isJson` is true for MariaDB's LONGTEXT with a `json_valid` check.
 * Types with no neutral kind read as their closest kind (SMALLINT → int, CHAR(n) → string, SET → string).
 */
export function parseMysqlType(dataType: string, columnType: string, isJson: boolean): ColumnType {
  const data = dataType.toLowerCase();
  const full = columnType.toLowerCase();
  if (isJson || data === "json") return { kind: "json" };
  if (data === "tinyint" && /^tinyint\(1\)/.test(full)) return { kind: "boolean" };
  if (["tinyint", "smallint", "mediumint", "int", "integer", "year"].includes(data)) return { kind: "int" };
  if (data === "bigint") return { kind: "bigInt" };
  if (["double", "float", "real", "double precision"].includes(data)) return { kind: "float" };
  if (data === "decimal" || data === "numeric") {
    const [, precision = "10", scale = "0"] = /\((\d+)(?:,\s*(\d+))?\)/.exec(full) ?? [];
    return { kind: "decimal", precision: Number(precision), scale: Number(scale) };
  }
  if (data === "varchar" || data === "char") {
    const length = /\((\d+)\)/.exec(full)?.[1];
    return length === undefined ? { kind: "string" } : { kind: "string", length: Number(length) };
  }
  if (data === "enum")
    return { kind: "enum", name: "", values: parseQuotedList(columnType.slice(columnType.indexOf("("))) };
  if (data === "datetime" || data === "timestamp") return { kind: "dateTime" };
  if (data === "date") return { kind: "date" };
  if (data === "time") return { kind: "time" };
  if (/blob$/.test(data) || data === "binary" || data === "varbinary") return { kind: "blob" };
  return { kind: "string" };
}

/**
 * The values of a list of SQL string literals such as `('a','it''s')`, undoing both escapes the
 * servers use: a doubled quote and a backslash sequence.
 */
export function parseQuotedList(text: string): string[] {
  const values: string[] = [];
  let index = text.indexOf("'");
  while (index >= 0 && index < text.length) {
    const { value, end } = readQuoted(text, index);
    values.push(value);
    index = text.indexOf("'", end);
  }
  return values;
}

/**
 * Reads the SQL string literal that starts at `start` (a `'`); returns its value and the index
 * just past its closing quote.
 */
export function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = "";
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "\\" && index + 1 < text.length) {
      value += unescapeChar(text[index + 1]!);
      index += 2;
    } else if (char === "'" && text[index + 1] === "'") {
      value += "'";
      index += 2;
    } else if (char === "'") {
      return { value, end: index + 1 };
    } else {
      value += char;
      index += 1;
    }
  }
  return { value, end: text.length };
}

// internal

/** MySQL's backslash escapes (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html). */
const ESCAPES: Record<string, string> = { "0": "\u0000", b: "\b", n: "\n", r: "\r", t: "\t", Z: "\u001a" };

function unescapeChar(char: string): string {
  return ESCAPES[char] ?? char;
}
