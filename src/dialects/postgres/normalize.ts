/**
 * The snapshot as PostgreSQL keeps it, so that a schema and the introspection of the database
 * built from it compare equal (which is what makes a second push plan nothing).
 *
 * What it erases is what PostgreSQL cannot keep or spells its own way, never something a real
 * change would have to alter: identifiers longer than 63 bytes (PostgreSQL truncates them),
 * a default on an identity column (an identity has none, and is NOT NULL), the default `btree`
 * index method, and the many spellings of one literal default (see `canonicalDefault`).
 */
import {
  type Column,
  canonicalize,
  DEFAULT_TIME_PRECISION,
  type Index,
  type IndexColumnOptions,
  type Snapshot,
  type Table,
} from "../../schema/snapshot.js";
import { canonicalDefault } from "./defaults.js";
import { catalogSpelling, readColumnType } from "./type-map.js";

/** PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated (with a NOTICE) to this many bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

/**
 * The PostgreSQL form of a snapshot, in canonical order. Idempotent.
 *
 * @example postgresDialect.normalize(serializeSchema(schema))
 */
export function normalizePostgres(snapshot: Snapshot): Snapshot {
  const enums = snapshot.enums.map((item) => ({ name: truncateIdentifier(item.name), values: [...item.values] }));
  const values = new Map(enums.map((item) => [item.name, item.values]));
  const normalized: Snapshot = {
    version: snapshot.version,
    enums,
    tables: snapshot.tables.map((table) => normalizeTable(table, values)),
  };
  if (snapshot.extensions && snapshot.extensions.length > 0) normalized.extensions = [...snapshot.extensions];
  return canonicalize(normalized);
}

/**
 * The identifier PostgreSQL stores for `name`: at most 63 bytes of UTF-8 (or `maxBytes`), cut at a
 * character boundary.
 *
 * @example truncateIdentifier("a".repeat(70)).length // → 63
 */
export function truncateIdentifier(name: string, maxBytes = MAX_IDENTIFIER_BYTES): string {
  const encoder = new TextEncoder();
  if (encoder.encode(name).length <= maxBytes) return name;
  let bytes = 0;
  let result = "";
  for (const char of name) {
    bytes += encoder.encode(char).length;
    if (bytes > maxBytes) break;
    result += char;
  }
  return result;
}

// internal

function normalizeTable(table: Table, enums: ReadonlyMap<string, string[]>): Table {
  const names = (list: readonly string[]) => list.map((name) => truncateIdentifier(name));
  const normalized: Table = {
    name: truncateIdentifier(table.name),
    columns: table.columns.map((column) => normalizeColumn(column, enums)),
    primaryKey: table.primaryKey ? { columns: names(table.primaryKey.columns) } : null,
    uniques: table.uniques.map((unique) => ({ name: truncateIdentifier(unique.name), columns: names(unique.columns) })),
    indexes: table.indexes.map((index) => {
      const type = index.type?.toLowerCase();
      return {
        name: truncateIdentifier(index.name),
        columns: names(index.columns),
        unique: index.unique,
        ...(type !== undefined && type !== "btree" ? { type } : {}),
        ...(index.where !== undefined ? { where: index.where } : {}),
        ...indexColumnOptions(index),
      };
    }),
    foreignKeys: table.foreignKeys.map((foreignKey) => ({
      name: truncateIdentifier(foreignKey.name),
      columns: names(foreignKey.columns),
      referencedTable: truncateIdentifier(foreignKey.referencedTable),
      referencedColumns: names(foreignKey.referencedColumns),
      onDelete: foreignKey.onDelete,
      onUpdate: foreignKey.onUpdate,
    })),
  };
  if (table.checks && table.checks.length > 0)
    normalized.checks = table.checks.map((check) => ({
      name: truncateIdentifier(check.name),
      expression: check.expression,
    }));
  return normalized;
}

/** Sort order and operator class by (truncated) column name; a prefix length has no PostgreSQL form. */
function indexColumnOptions(index: Index): Pick<Index, "columnOptions"> {
  const options: Record<string, IndexColumnOptions> = {};
  for (const [column, given] of Object.entries(index.columnOptions ?? {})) {
    const kept: IndexColumnOptions = {};
    if (given.order === "desc") kept.order = "desc";
    if (given.opclass !== undefined) kept.opclass = given.opclass.toLowerCase();
    if (Object.keys(kept).length > 0) options[truncateIdentifier(column)] = kept;
  }
  return Object.keys(options).length > 0 ? { columnOptions: options } : {};
}

/**
 * A column's type as introspection will read it: a native type is spelled the catalog's way and
 * read back, so `nativeType: { postgres: "VARCHAR(10)" }` becomes a string of length 10 and
 * `citext` stays a native type. Other dialects' entries go.
 */
function nativeColumnType(column: Column): Pick<Column, "type" | "nativeType"> {
  const native = column.nativeType?.postgres;
  if (native === undefined || column.type.kind === "enum") return { type: column.type };
  const read = readColumnType({ dataType: catalogSpelling(native), isArray: false, enumName: null }, new Map());
  return read.nativeType === undefined
    ? { type: read.type }
    : { type: read.type, nativeType: { postgres: read.nativeType } };
}

function normalizeColumn(given: Column, enums: ReadonlyMap<string, string[]>): Column {
  const { type: nativeKind, nativeType } = nativeColumnType(given);
  const column = { ...given, type: nativeKind };
  const type =
    column.type.kind === "enum"
      ? {
          kind: "enum" as const,
          name: truncateIdentifier(column.type.name),
          values: [...(enums.get(truncateIdentifier(column.type.name)) ?? column.type.values)],
        }
      : column.type.kind === "string" && column.type.length === undefined
        ? { kind: "string" as const }
        : column.type.kind === "time" && column.type.precision === DEFAULT_TIME_PRECISION
          ? { kind: "time" as const }
          : { ...column.type };
  // An identity column has no default and is always NOT NULL (GENERATED … AS IDENTITY implies it).
  const native = nativeType === undefined ? {} : { nativeType };
  if (column.autoIncrement) {
    return {
      name: truncateIdentifier(column.name),
      type,
      array: column.array,
      nullable: false,
      default: null,
      autoIncrement: true,
      ...native,
    };
  }
  return {
    name: truncateIdentifier(column.name),
    type,
    array: column.array,
    nullable: column.nullable,
    default: column.generated ? null : canonicalDefault(column.default, { type, array: column.array }),
    autoIncrement: false,
    ...native,
    ...(column.generated ? { generated: { ...column.generated } } : {}),
  };
}
