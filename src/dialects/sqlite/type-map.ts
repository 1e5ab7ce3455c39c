/**
 * SQLite type mapping. SQLite types are affinities, so the declared type name is the only place a
 * neutral type survives: each neutral type gets a distinct name that introspection maps back.
 *
 * @see https://www.sqlite.org/datatype3.html (affinity rules applied to unknown names)
 */
import type { Column, ColumnType } from "../../schema/snapshot.js";
import { assertNever } from "../../util/assert-never.js";

/**
 * The declared type of a column. Arrays are stored as JSON (SQLite has no arrays); an enum is TEXT
 * plus a CHECK (written by the column definition); an auto-increment key must be exactly INTEGER,
 * SQLite's rowid alias, even for a bigInt (the rowid is 64-bit anyway).
 *
 * @example sqliteColumnType({ ...column, type: { kind: "decimal", precision: 10, scale: 2 } }) // → "DECIMAL(10,2)"
 */
export function sqliteColumnType(column: Column): string {
  if (column.array) return "JSON";
  if (column.autoIncrement) return "INTEGER";
  return declaredType(column.type);
}

/**
 * The neutral type a declared type name stands for: the names {@link sqliteColumnType} writes map
 * back exactly; any other name falls back to SQLite's affinity rules.
 *
 * @example typeFromDeclared("VARCHAR(255)") // → { kind: "string", length: 255 }
 */
export function typeFromDeclared(declared: string): ColumnType {
  const upper = declared.trim().toUpperCase().replace(/\s+/g, " ");
  const match = /^([A-Z0-9_ ]*?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(upper);
  const base = match?.[1] ?? upper;
  const first = match?.[2] === undefined ? undefined : Number(match[2]);
  const second = match?.[3] === undefined ? undefined : Number(match[3]);
  const exact = EXACT[base];
  if (exact) return exact;
  if (/CHAR|CLOB|TEXT|STRING/.test(base))
    return first === undefined ? { kind: "string" } : { kind: "string", length: first };
  if (base === "DECIMAL" || base === "NUMERIC") {
    return { kind: "decimal", precision: first ?? DEFAULT_PRECISION, scale: second ?? 0 };
  }
  if (base.includes("BIGINT") || base === "INT8") return { kind: "bigInt" };
  if (base.includes("INT")) return { kind: "int" };
  if (base === "" || base.includes("BLOB")) return { kind: "blob" };
  if (/REAL|FLOA|DOUB/.test(base)) return { kind: "float" };
  return { kind: "decimal", precision: first ?? DEFAULT_PRECISION, scale: second ?? 0 };
}

// internal

/** Precision assumed for a bare DECIMAL/NUMERIC written by hand (SQLite keeps no precision). */
const DEFAULT_PRECISION = 10;

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
      return type.length === undefined ? "TEXT" : `VARCHAR(${type.length})`;
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
