/**
 * PostgreSQL column types: the neutral `ColumnType` spelled in DDL, and the catalog's spelling
 * (`format_type()`) read back into a `ColumnType`.
 *
 * Choices: `dateTime` is `timestamp(3) with time zone` (an instant, at the millisecond precision
 * of a JavaScript `Date`, shown in the session's time zone but stored in UTC); `time` is `time(3)`
 * without time zone; `json` is `jsonb`; `blob` is `bytea`; `string` is `text`, or `varchar(n)`
 * when it has a length. Enums are named types (`CREATE TYPE … AS ENUM`), arrays are `type[]`.
 */
import { type Column, type ColumnType, DEFAULT_TIME_PRECISION } from "../../schema/snapshot.js";
import { quoteDoubleQuoted } from "../quote.js";

/**
 * The column's type as written in DDL, array suffix included (auto-increment is not part of
 * the type: see `columnDefinition`).
 *
 * @example columnType({ ...column, type: { kind: "decimal", precision: 10, scale: 2 }, array: true }) // → "numeric(10,2)[]"
 */
export function columnType(column: Pick<Column, "type" | "array" | "nativeType">): string {
  const base = column.nativeType?.postgres ?? scalarType(column.type);
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
 * The neutral type of a catalog column. A type viborm's own mapping does not produce maps to the
 * nearest kind (smallint → int, real → float, uuid, citext and unknown types → string) and keeps
 * its spelling as `nativeType.postgres`, so a foreign database can be read, pulled and re-created
 * exactly; push adopts such a live type for a column the schema gives no native type, so it does
 * not convert it.
 */
export function readColumnType(
  catalog: CatalogType,
  enumValues: ReadonlyMap<string, string[]>,
): { type: ColumnType; array: boolean; nativeType?: string } {
  const base = catalog.isArray ? catalog.dataType.replace(/(\[\])+$/, "") : catalog.dataType;
  if (catalog.enumName !== null) {
    const name = catalog.enumName;
    return { type: { kind: "enum", name, values: [...(enumValues.get(name) ?? [])] }, array: catalog.isArray };
  }
  const own = ownType(base);
  if (own) return { type: own, array: catalog.isArray };
  return { type: nearestKind(base), array: catalog.isArray, nativeType: base };
}

/**
 * A native type as the catalog spells it (`format_type`), for the names PostgreSQL accepts in DDL:
 * aliases (`int4`, `varchar(10)`, `timestamptz`) become the catalog's words, so a schema's
 * `nativeType` compares equal to what introspection reads back.
 *
 * @example catalogSpelling("VARCHAR(10)") // → "character varying(10)"
 */
export function catalogSpelling(nativeType: string): string {
  const text = nativeType.trim().replace(/\s+/g, " ").toLowerCase();
  const match = /^([a-z_][a-z0-9_ .]*?)\s*(\(\s*\d+(?:\s*,\s*\d+)*\s*\))?(\s+with(?:out)? time zone)?$/.exec(text);
  if (!match) return text;
  const name = match[1]!.trim();
  const size = match[2]?.replace(/\s+/g, "") ?? "";
  const zone = match[3]?.trim();
  const alias = ALIASES[name];
  if (alias === "timestamp with time zone" || alias === "time with time zone")
    return `${alias.split(" ")[0]}${size} with time zone`;
  if (name === "timestamp" || name === "time") return `${name}${size} ${zone ?? "without time zone"}`;
  return `${alias ?? name}${size}`;
}

// internal

const ALIASES: Record<string, string> = {
  int: "integer",
  int4: "integer",
  int2: "smallint",
  int8: "bigint",
  float8: "double precision",
  float4: "real",
  float: "double precision",
  bool: "boolean",
  varchar: "character varying",
  char: "character",
  bpchar: "character",
  decimal: "numeric",
  timestamptz: "timestamp with time zone",
  timetz: "time with time zone",
  serial: "integer",
  bigserial: "bigint",
};

function scalarType(type: ColumnType): string {
  switch (type.kind) {
    case "string":
      if (type.length === undefined) return "text";
      return `${type.fixed ? "char" : "varchar"}(${integer(type.length)})`;
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
      return `timestamp(${integer(type.precision ?? DEFAULT_TIME_PRECISION)}) ${type.withTimezone === false ? "without" : "with"} time zone`;
    case "date":
      return "date";
    case "time":
      return `time(${integer(type.precision ?? DEFAULT_TIME_PRECISION)}) without time zone`;
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

/** The types viborm's own mapping writes, as the catalog spells them. */
const OWN: Record<string, ColumnType> = {
  text: { kind: "string" },
  integer: { kind: "int" },
  bigint: { kind: "bigInt" },
  "double precision": { kind: "float" },
  numeric: { kind: "decimal", precision: 0, scale: 0 },
  boolean: { kind: "boolean" },
  date: { kind: "date" },
  jsonb: { kind: "json" },
  bytea: { kind: "blob" },
};

/** A timestamp or time without a typmod keeps microseconds: precision 6. */
const UNSPECIFIED_TIME_PRECISION = 6;

function ownType(dataType: string): ColumnType | null {
  const exact = OWN[dataType];
  if (exact) return { ...exact };
  const varchar = /^character varying\((\d+)\)$/.exec(dataType);
  if (varchar) return { kind: "string", length: Number(varchar[1]) };
  const char = /^character\((\d+)\)$/.exec(dataType);
  if (char) return { kind: "string", length: Number(char[1]), fixed: true };
  const numeric = /^numeric\((\d+),(-?\d+)\)$/.exec(dataType);
  if (numeric) return { kind: "decimal", precision: Number(numeric[1]), scale: Number(numeric[2]) };
  const timestamp = /^timestamp(?:\((\d)\))? with(out)? time zone$/.exec(dataType);
  if (timestamp) {
    const precision = timestamp[1] === undefined ? UNSPECIFIED_TIME_PRECISION : Number(timestamp[1]);
    const type: ColumnType = { kind: "dateTime" };
    if (timestamp[2] !== undefined) type.withTimezone = false;
    if (precision !== DEFAULT_TIME_PRECISION) type.precision = precision;
    return type;
  }
  const time = /^time(?:\((\d)\))? without time zone$/.exec(dataType);
  if (time) {
    const precision = time[1] === undefined ? UNSPECIFIED_TIME_PRECISION : Number(time[1]);
    return precision === DEFAULT_TIME_PRECISION ? { kind: "time" } : { kind: "time", precision };
  }
  return null;
}

/** The kind a type viborm does not write stands nearest to. */
function nearestKind(dataType: string): ColumnType {
  if (/^(smallint|integer)/.test(dataType)) return { kind: "int" };
  if (dataType === "bigint") return { kind: "bigInt" };
  if (dataType === "real" || dataType === "double precision") return { kind: "float" };
  if (dataType === "json") return { kind: "json" };
  if (dataType.startsWith("timestamp")) return { kind: "dateTime" };
  if (dataType.startsWith("time")) return { kind: "time" };
  if (dataType === "money") return { kind: "decimal", precision: 0, scale: 0 };
  return { kind: "string" };
}
