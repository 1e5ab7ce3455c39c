/**
 * The snapshot as PostgreSQL keeps it, so that a schema and the introspection of the database
 * built from it compare equal (which is what makes a second push plan nothing).
 *
 * What it erases is what PostgreSQL cannot keep or spells its own way, never something a real
 * change would have to alter: identifiers longer than 63 bytes (PostgreSQL truncates them),
 * a default on an identity column (an identity has none, and is NOT NULL), the default `btree`
 * index method, and the many spellings of one literal default (see `canonicalDefault`).
 */
import { type Column, canonicalize, type Snapshot, type Table } from "../../schema/snapshot.js";
import { canonicalDefault } from "./defaults.js";

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
  return canonicalize({
    version: snapshot.version,
    enums,
    tables: snapshot.tables.map((table) => normalizeTable(table, values)),
  });
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
  return {
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
}

function normalizeColumn(column: Column, enums: ReadonlyMap<string, string[]>): Column {
  const type =
    column.type.kind === "enum"
      ? {
          kind: "enum" as const,
          name: truncateIdentifier(column.type.name),
          values: [...(enums.get(truncateIdentifier(column.type.name)) ?? column.type.values)],
        }
      : column.type.kind === "string" && column.type.length === undefined
        ? { kind: "string" as const }
        : { ...column.type };
  // An identity column has no default and is always NOT NULL (GENERATED … AS IDENTITY implies it).
  if (column.autoIncrement) {
    return {
      name: truncateIdentifier(column.name),
      type,
      array: column.array,
      nullable: false,
      default: null,
      autoIncrement: true,
    };
  }
  return {
    name: truncateIdentifier(column.name),
    type,
    array: column.array,
    nullable: column.nullable,
    default: canonicalDefault(column.default, { type, array: column.array }),
    autoIncrement: false,
  };
}
