/**
 * PostgreSQL column types: the neutral `ColumnType` spelled in DDL, and the catalog's spelling
 * (`format_type()`) read back into a `ColumnType`.
 *
 * Choices: `dateTime` is `timestamp(3) with time zone` (an instant, at the millisecond precision
 * of a JavaScript `Date`, shown in the session's time zone but stored in UTC); `time` is `time(3)`
 * without time zone; `json` is `jsonb`; `blob` is `bytea`; `string` is `text`, or `varchar(n)`
 * when it has a length. Enums are named types (`CREATE TYPE … AS ENUM`), arrays are `type[]`.
 */
import type { Column, ColumnType } from "../../schema/snapshot.js";
import { quoteDoubleQuoted } from "../quote.js";

/**
 * The column's type as written in DDL, array suffix included (auto-increment is not part of
 * the type: see `columnDefinition`).
 *
 * @example columnType({ ...column, type: { kind: "decimal", precision: 10, scale: 2 }, array: true }) // → "numeric(10,2)[]"
 */
export function columnType(column: Pick<Column, "type" | "array">): string {
  const base = scalarType(column.type);
  return column.array ? `${base}[]` : base;
}

/**
 * One column as the catalog describes it, the input of {@link readColumnType}.
 * `dataType` is `format_type(atttypid, atttypmod)`; for an enum (or an array of one), `enumName`
 * is the enum type's own name.
 */
export interface CatalogType {
  dataType: string;
  isArray: boolean;
  enumName: string | null;
}

/**
 * The neutral type of a catalog column. Types viborm never creates map to the nearest kind
 * (smallint → int, real → float, any timestamp → dateTime, uuid and other text-like or unknown
 * types → string), so a foreign database can still be read; a push does not convert them.
 */
export function readColumnType(
  catalog: CatalogType,
  enumValues: ReadonlyMap<string, string[]>,
): { type: ColumnType; array: boolean } {
  const base = catalog.isArray ? catalog.dataType.replace(/(\[\])+$/, "") : catalog.dataType;
  if (catalog.enumName !== null) {
    const name = catalog.enumName;
    return { type: { kind: "enum", name, values: [...(enumValues.get(name) ?? [])] }, array: catalog.isArray };
  }
  return { type: scalarFromCatalog(base), array: catalog.isArray };
}

// internal

function scalarType(type: ColumnType): string {
  switch (type.kind) {
    case "string":
      return type.length === undefined ? "text" : `varchar(${integer(type.length)})`;
    case "int":
      return "integer";
    case "bigInt":
      return "bigint";
    case "float":
      return "double precision";
    case "decimal":
      // Precision 0 stands for an unconstrained `numeric`, as introspection reads one.
      return type.precision > 0 ? `numeric(${integer(type.precision)},${integer(type.scale)})` : "numeric";
    case "boolean":
      return "boolean";
    case "dateTime":
      return "timestamp(3) with time zone";
    case "date":
      return "date";
    case "time":
      return "time(3) without time zone";
    case "json":
      return "jsonb";
    case "blob":
      return "bytea";
    case "enum":
      return quoteDoubleQuoted(type.name);
  }
}

/** Lengths and precisions come from a snapshot: only a plain integer may reach SQL. */
function integer(value: number): string {
  return String(Math.trunc(Number(value)));
}

const EXACT: Record<string, ColumnType> = {
  text: { kind: "string" },
  "character varying": { kind: "string" },
  integer: { kind: "int" },
  smallint: { kind: "int" },
  bigint: { kind: "bigInt" },
  "double precision": { kind: "float" },
  real: { kind: "float" },
  numeric: { kind: "decimal", precision: 0, scale: 0 },
  boolean: { kind: "boolean" },
  date: { kind: "date" },
  jsonb: { kind: "json" },
  json: { kind: "json" },
  bytea: { kind: "blob" },
};

function scalarFromCatalog(dataType: string): ColumnType {
  const exact = EXACT[dataType];
  if (exact) return { ...exact };
  const varchar = /^character(?: varying)?\((\d+)\)$/.exec(dataType);
  if (varchar) return { kind: "string", length: Number(varchar[1]) };
  const numeric = /^numeric\((\d+),(-?\d+)\)$/.exec(dataType);
  if (numeric) return { kind: "decimal", precision: Number(numeric[1]), scale: Number(numeric[2]) };
  if (dataType.startsWith("timestamp")) return { kind: "dateTime" };
  if (dataType.startsWith("time")) return { kind: "time" };
  return { kind: "string" };
}
