/**
 * SQLite type mapping. SQLite types are affinities, so the declared type name is the only place a
 * neutral type survives: each neutral type gets a distinct name that introspection maps back.
 *
 * @see https://www.sqlite.org/datatype3.html (affinity rules applied to unknown names)
 */
import type { Column, ColumnType } from "../../schema/snapshot.js";
import { assertNever } from "../../util/assert-never.js";

/**
 * The declared type of a column. A `nativeType.sqlite` is written verbatim, except on the
 * auto-increment key, which must be exactly INTEGER, SQLite's rowid alias, even for a bigInt (the
 * rowid is 64-bit anyway). Arrays are stored as JSON (SQLite has no arrays); an enum is TEXT plus a
 * CHECK (written by the column definition); a string is TEXT whatever its length, since SQLite
 * enforces none (`varchar(n)` and `char(n)` keep the length in the snapshot only).
 *
 * @example sqliteColumnType({ ...column, type: { kind: "decimal", precision: 10, scale: 2 } }) // → "DECIMAL(10,2)"
 */
export function sqliteColumnType(column: Column): string {
  if (column.autoIncrement) return "INTEGER";
  const native = column.nativeType?.sqlite;
  if (native !== undefined && native.trim() !== "") return native.trim().replace(/\s+/g, " ");
  if (column.array) return "JSON";
  return declaredType(column.type);
}

/**
 * What a declared type name stands for: the neutral type, and `native` when the name is none of
 * those viborm writes or knows by name, so it survives as `nativeType.sqlite` (verbatim) with the
 * neutral type its affinity gives. A character type with a length (`VARCHAR(255)`, `CHAR(2)`) is a
 * plain string: SQLite enforces no length, so neither does the snapshot read from it.
 *
 * @example readDeclaredType("VARCHAR(255)") // → { type: { kind: "string" } }
 * @example readDeclaredType("CITEXT") // → { type: { kind: "string" }, native: "CITEXT" }
 */
export function readDeclaredType(declared: string): { type: ColumnType; native?: string } {
  const upper = declared.trim().toUpperCase().replace(/\s+/g, " ");
  const match = /^([A-Z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(upper);
  const base = match?.[1] ?? upper;
  const first = match?.[2] === undefined ? undefined : Number(match[2]);
  const second = match?.[3] === undefined ? undefined : Number(match[3]);
  const bare = match?.[2] === undefined;
  const exact = EXACT[base];
  if (exact && bare) return { type: exact };
  // No declared type at all: BLOB affinity, which is what viborm's BLOB is.
  if (upper === "") return { type: { kind: "blob" } };
  if (CHARACTER_TYPES.has(base) && second === undefined) return { type: { kind: "string" } };
  if ((base === "DECIMAL" || base === "NUMERIC") && match) {
    return { type: { kind: "decimal", precision: first ?? DEFAULT_PRECISION, scale: second ?? 0 } };
  }
  return { type: affinityType(base, first, second), native: declared.trim().replace(/\s+/g, " ") };
}

/**
 * The neutral type a declared type name stands for (see {@link readDeclaredType}).
 *
 * @example typeFromDeclared("VARCHAR(255)") // → { kind: "string" }
 */
export function typeFromDeclared(declared: string): ColumnType {
  return readDeclaredType(declared).type;
}

// internal

/** Precision assumed for a bare DECIMAL/NUMERIC written by hand (SQLite keeps no precision). */
const DEFAULT_PRECISION = 10;

/** Names SQLite gives TEXT affinity that stand for a plain string, with or without a length. */
const CHARACTER_TYPES = new Set([
  "TEXT",
  "CLOB",
  "CHAR",
  "CHARACTER",
  "VARCHAR",
  "NCHAR",
  "NVARCHAR",
  "CHARACTER VARYING",
  "VARYING CHARACTER",
  "NATIVE CHARACTER",
]);

/** SQLite's affinity rules, for a name viborm does not know. */
function affinityType(base: string, first: number | undefined, second: number | undefined): ColumnType {
  if (/CHAR|CLOB|TEXT|STRING/.test(base)) return { kind: "string" };
  if (base.includes("BIGINT") || base === "INT8") return { kind: "bigInt" };
  if (base.includes("INT")) return { kind: "int" };
  if (base === "" || base.includes("BLOB")) return { kind: "blob" };
  if (/REAL|FLOA|DOUB/.test(base)) return { kind: "float" };
  return { kind: "decimal", precision: first ?? DEFAULT_PRECISION, scale: second ?? 0 };
}

const EXACT: Record<string, ColumnType> = {
  TEXT: { kind: "string" },
  INTEGER: { kind: "int" },
  INT: { kind: "int" },
  BIGINT: { kind: "bigInt" },
  REAL: { kind: "float" },
  DOUBLE: { kind: "float" },
  "DOUBLE PRECISION": { kind: "float" },
  FLOAT: { kind: "float" },
  BOOLEAN: { kind: "boolean" },
  BOOL: { kind: "boolean" },
  DATETIME: { kind: "dateTime" },
  TIMESTAMP: { kind: "dateTime" },
  DATE: { kind: "date" },
  TIME: { kind: "time" },
  JSON: { kind: "json" },
  JSONB: { kind: "json" },
  BLOB: { kind: "blob" },
};

function declaredType(type: ColumnType): string {
  switch (type.kind) {
    case "string":
      return "TEXT";
    case "int":
      return "INTEGER";
    case "bigInt":
      return "BIGINT";
    case "float":
      return "REAL";
    case "decimal":
      return `DECIMAL(${type.precision},${type.scale})`;
    case "boolean":
      return "BOOLEAN";
    case "dateTime":
      return "DATETIME";
    case "date":
      return "DATE";
    case "time":
      return "TIME";
    case "json":
      return "JSON";
    case "blob":
      return "BLOB";
    case "enum":
      return "TEXT";
    default:
      return assertNever(type, "column type");
  }
}
