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

/** Fractional-second digits of a dateTime without `precision()` (a JavaScript Date's milliseconds). */
export const DEFAULT_DATETIME_PRECISION = 3;

/**
 * The MySQL type of a column. `keyed` says whether the column is part of a key of its table.
 * A `nativeType.mysql` is the type, verbatim. Arrays have no MySQL type: they are stored as JSON.
 *
 * @example mysqlColumnType({ type: { kind: "string" }, array: false, … }, true) // → "VARCHAR(191)"
 */
export function mysqlColumnType(column: Column, keyed: boolean): string {
  const native = column.nativeType?.mysql;
  if (native !== undefined) return native.trim();
  if (column.array) return "JSON";
  return mysqlTypeOf(column.type, keyed);
}

/** The MySQL type of a neutral type (no native type, not an array). */
export function mysqlTypeOf(type: ColumnType, keyed: boolean): string {
  switch (type.kind) {
    case "string":
      if (type.length !== undefined) return type.fixed ? `CHAR(${type.length})` : `VARCHAR(${type.length})`;
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
      return withDigits("DATETIME", type.precision ?? DEFAULT_DATETIME_PRECISION);
    case "date":
      return "DATE";
    // Without precision() a time has no fractional digits here (TIME has always been TIME(0) on MySQL).
    case "time":
      return withDigits("TIME", type.precision ?? 0);
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
  return /^((TINY|MEDIUM|LONG)?(TEXT|BLOB)|JSON)\b/i.test(sqlType.trim());
}

/** A column's type as introspection reads it: the neutral type, and the native type when it is not viborm's own. */
export interface ReadType {
  type: ColumnType;
  /** The catalog type in canonical spelling (see `canonicalNativeType`), when no neutral type maps to it. */
  nativeType?: string;
}

/**
 * The neutral type of an introspected column, from information_schema `DATA_TYPE` and
 * `COLUMN_TYPE`. `isJson` is true for MariaDB's LONGTEXT with a `json_valid` check.
 * Types with no neutral kind read as their closest kind (SMALLINT → int, SET → string).
 */
export function parseMysqlType(dataType: string, columnType: string, isJson: boolean): ColumnType {
  return readMysqlType(dataType, columnType, isJson).type;
}

/**
 * The neutral type of an introspected column and, when the catalog type is not the one viborm
 * writes for that neutral type (SMALLINT, LONGTEXT, INT UNSIGNED, TIMESTAMP…), its native type.
 *
 * @example readMysqlType("smallint", "smallint(6)", false) // → { type: { kind: "int" }, nativeType: "SMALLINT" }
 */
export function readMysqlType(dataType: string, columnType: string, isJson: boolean): ReadType {
  const type = closestType(dataType, columnType, isJson);
  if (type.kind === "json" || type.kind === "enum") return { type };
  const native = canonicalNativeType(columnType);
  const own = [mysqlTypeOf(type, false), mysqlTypeOf(type, true)].map(canonicalNativeType);
  return own.includes(native) ? { type } : { type, nativeType: native };
}

/**
 * A MySQL type in one spelling, as introspection reports it: upper case outside quotes, single
 * spaces, no integer display widths (MariaDB's `int(11)`; TINYINT(1) is kept, it is a boolean),
 * aliases resolved (INTEGER → INT, BOOLEAN → TINYINT(1), NUMERIC → DECIMAL, REAL → DOUBLE) and
 * the default sizes written out (DECIMAL → DECIMAL(10,0), CHAR → CHAR(1)).
 *
 * @example canonicalNativeType("int(10) unsigned") // → "INT UNSIGNED"
 */
export function canonicalNativeType(type: string): string {
  let text = upperOutsideQuotes(type.trim().replace(/\s+/g, " "))
    .replace(/\s*\(\s*/g, "(")
    .replace(/\s*\)/g, ")")
    .replace(/\s*,\s*/g, ",");
  const alias = /^(INTEGER|BOOLEAN|BOOL|NUMERIC|DEC|FIXED|REAL|DOUBLE PRECISION)\b/.exec(text)?.[1];
  if (alias !== undefined) text = `${NATIVE_ALIASES[alias]}${text.slice(alias.length)}`;
  const width = /^(TINYINT|SMALLINT|MEDIUMINT|INT|BIGINT|YEAR)\((\d+)\)/.exec(text);
  if (width && !(width[1] === "TINYINT" && width[2] === "1")) text = `${width[1]}${text.slice(width[0].length)}`;
  if (/^DECIMAL(?!\()/.test(text)) text = `DECIMAL(10,0)${text.slice("DECIMAL".length)}`;
  else text = text.replace(/^DECIMAL\((\d+)\)/, "DECIMAL($1,0)");
  text = text.replace(/^(CHAR|BINARY)(?![(A-Z])/, "$1(1)");
  return text.replace(/^(DATETIME|TIME|TIMESTAMP)\(0\)/, "$1");
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

const NATIVE_ALIASES: Record<string, string> = {
  INTEGER: "INT",
  BOOLEAN: "TINYINT(1)",
  BOOL: "TINYINT(1)",
  NUMERIC: "DECIMAL",
  DEC: "DECIMAL",
  FIXED: "DECIMAL",
  REAL: "DOUBLE",
  "DOUBLE PRECISION": "DOUBLE",
};

/** The neutral kind closest to a catalog type (no native type decided here). */
function closestType(dataType: string, columnType: string, isJson: boolean): ColumnType {
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
    const length = /\((\d+)\)/.exec(full)?.[1] ?? (data === "char" ? "1" : undefined);
    if (length === undefined) return { kind: "string" };
    return data === "char"
      ? { kind: "string", length: Number(length), fixed: true }
      : { kind: "string", length: Number(length) };
  }
  if (data === "enum")
    return { kind: "enum", name: "", values: parseQuotedList(columnType.slice(columnType.indexOf("("))) };
  if (data === "datetime" || data === "timestamp") {
    const precision = fractionDigits(full);
    return precision === DEFAULT_DATETIME_PRECISION ? { kind: "dateTime" } : { kind: "dateTime", precision };
  }
  if (data === "date") return { kind: "date" };
  if (data === "time") {
    const precision = fractionDigits(full);
    return precision === 0 ? { kind: "time" } : { kind: "time", precision };
  }
  if (/blob$/.test(data) || data === "binary" || data === "varbinary") return { kind: "blob" };
  return { kind: "string" };
}

/** The `(p)` of DATETIME(p), TIME(p), TIMESTAMP(p); 0 without. */
function fractionDigits(columnType: string): number {
  return Number(/\((\d+)\)/.exec(columnType)?.[1] ?? 0);
}

function withDigits(name: string, digits: number): string {
  return digits === 0 ? name : `${name}(${digits})`;
}

/** Upper case, except inside '…' and "…" literals (ENUM and SET values keep their case). */
function upperOutsideQuotes(text: string): string {
  return text.replace(/('(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")|[^'"]+/g, (part, quoted) =>
    quoted ? part : part.toUpperCase(),
  );
}

/** MySQL's backslash escapes (https://dev.mysql.com/doc/refman/8.0/en/string-literals.html). */
const ESCAPES: Record<string, string> = { "0": "\u0000", b: "\b", n: "\n", r: "\r", t: "\t", Z: "\u001a" };

function unescapeChar(char: string): string {
  return ESCAPES[char] ?? char;
}
