/**
 * Type names of hand-written PostgreSQL DDL spelled as `format_type()` spells them (the catalog's
 * spelling, which the introspection reader maps to snapshot types): aliases (`int4`, `varchar`,
 * `timestamptz`…), sizes and precisions, arrays, enums, and SERIAL as its integer type with a
 * sequence default.
 *
 * @see https://www.postgresql.org/docs/current/datatype.html (table 8.1, aliases)
 */
import type { Column, Snapshot } from "../../schema/snapshot.js";
import type { Cursor } from "../parse/cursor.js";
import { unreadable } from "../parse/resolve.js";
import { isWord } from "../parse/tokens.js";
import { columnType as ddlType } from "./type-map.js";

/** A column type as the catalog would show it. */
export interface CatalogSpelling {
  dataType: string;
  isArray: boolean;
  enumName: string | null;
  /** A SERIAL's sequence default, else `null`. */
  defaultExpr: string | null;
}

/** Reads a type from the cursor's whole range, as `format_type()` would spell it. */
export function catalogType(cursor: Cursor, state: Snapshot): CatalogSpelling {
  const parts: string[] = [];
  let isArray = false;
  let quoted: string | null = null;
  while (!cursor.done()) {
    const token = cursor.next()!;
    if (token.value === "[") {
      isArray = true;
      while (!cursor.done() && cursor.next()!.value !== "]");
    } else if (isWord(token, "ARRAY")) {
      isArray = true;
      if (cursor.peek()?.value === "[") continue;
    } else if (token.kind === "identifier") {
      quoted = token.value;
      parts.length = 0; // a schema qualifier before it is dropped
    } else if (token.value === ".") {
      parts.length = 0;
    } else {
      parts.push(token.kind === "word" ? token.value.toLowerCase() : token.value);
    }
  }
  const name = quoted ?? parts.join(" ").replace(/ \( /g, "(").replace(/ \)/g, ")").replace(/ , /g, ",");
  if (name === "") return unreadable("a column has no type");
  const enumName = state.enums.some((item) => item.name === name) ? name : null;
  if (enumName) return { dataType: enumName, isArray, enumName, defaultExpr: null };
  if (quoted !== null) return { dataType: quoted, isArray, enumName: null, defaultExpr: null };
  return { ...canonicalType(name.replace(/\s*\(\s*/g, "(").replace(/\s*,\s*/g, ",")), isArray, enumName: null };
}

/** A snapshot column's type spelled as the catalog spells what the DDL writes for it. */
export function spelledType(column: Column): Omit<CatalogSpelling, "defaultExpr"> {
  if (column.type.kind === "enum")
    return { dataType: column.type.name, isArray: column.array, enumName: column.type.name };
  // The DDL's own spelling, canonicalised as a hand-written type is.
  return {
    dataType: canonicalType(ddlType({ ...column, array: false })).dataType,
    isArray: column.array,
    enumName: null,
  };
}

const ALIASES: Record<string, string> = {
  int: "integer",
  int4: "integer",
  integer: "integer",
  int2: "smallint",
  smallint: "smallint",
  int8: "bigint",
  bigint: "bigint",
  float8: "double precision",
  "double precision": "double precision",
  float: "double precision",
  float4: "real",
  real: "real",
  bool: "boolean",
  boolean: "boolean",
  decimal: "numeric",
  numeric: "numeric",
  varchar: "character varying",
  "character varying": "character varying",
  char: "character(1)",
  character: "character(1)",
  timestamptz: "timestamp with time zone",
  "timestamp with time zone": "timestamp with time zone",
  timestamp: "timestamp without time zone",
  "timestamp without time zone": "timestamp without time zone",
  timetz: "time with time zone",
  "time with time zone": "time with time zone",
  time: "time without time zone",
  "time without time zone": "time without time zone",
};

const SERIALS: Record<string, string> = {
  serial: "integer",
  serial4: "integer",
  bigserial: "bigint",
  serial8: "bigint",
  smallserial: "smallint",
  serial2: "smallint",
};

/** A written type name as `format_type()` spells it; SERIAL becomes its integer type and a `nextval` default. */
function canonicalType(written: string): { dataType: string; defaultExpr: string | null } {
  const serial = SERIALS[written];
  if (serial) return { dataType: serial, defaultExpr: "nextval('serial'::regclass)" };
  const exact = ALIASES[written];
  if (exact) return { dataType: exact, defaultExpr: null };
  const sized = /^([a-z ]+?)\s*\((\d+)(?:,(-?\d+))?\)(.*)$/.exec(written);
  if (!sized) return { dataType: written, defaultExpr: null };
  const [, base = "", first = "", second, rest = ""] = sized;
  const zone = rest.trim();
  switch (base.trim()) {
    case "varchar":
    case "character varying":
      return { dataType: `character varying(${first})`, defaultExpr: null };
    case "char":
    case "character":
      return { dataType: `character(${first})`, defaultExpr: null };
    case "numeric":
    case "decimal":
      return { dataType: `numeric(${first},${second ?? "0"})`, defaultExpr: null };
    case "float":
      return { dataType: Number(first) <= 24 ? "real" : "double precision", defaultExpr: null };
    case "timestamp":
      return {
        dataType: `timestamp(${first}) ${zone === "with time zone" ? "with" : "without"} time zone`,
        defaultExpr: null,
      };
    case "timestamptz":
      return { dataType: `timestamp(${first}) with time zone`, defaultExpr: null };
    case "time":
      return {
        dataType: `time(${first}) ${zone === "with time zone" ? "with" : "without"} time zone`,
        defaultExpr: null,
      };
    case "timetz":
      return { dataType: `time(${first}) with time zone`, defaultExpr: null };
    default:
      return { dataType: written, defaultExpr: null };
  }
}
