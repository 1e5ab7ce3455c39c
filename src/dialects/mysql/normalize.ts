/**
 * The snapshot as MySQL/MariaDB can hold it, so that `normalize(read(db after ddl(s)))` equals
 * `normalize(s)` and a second push plans nothing. Each rule erases only what the database cannot
 * keep or spells in one way only:
 *
 * - enums live inline in columns (`ENUM('a','b')`): no named enum types, and a column's enum name is
 *   empty (only its values matter);
 * - arrays are stored as JSON columns;
 * - a unique index is a unique constraint (InnoDB has one object for both);
 * - a B-tree or HASH index type is the default (InnoDB builds HASH as B-tree);
 * - the index a foreign key gets when no other key serves it is part of the foreign key;
 * - a keyed string of length 191 is the keyed form of an unbounded string (see `type-map.ts`);
 * - primary-key columns are NOT NULL; only a keyed column can be AUTO_INCREMENT, and an
 *   AUTO_INCREMENT column has no default;
 * - RESTRICT and NO ACTION are the same action in InnoDB (MariaDB reports either): both read as restrict;
 * - defaults take the form introspection reads back (see `defaults.ts`).
 *
 * Partial indexes, SET DEFAULT and non-B-tree index types other than FULLTEXT/SPATIAL are kept, so
 * that `ddl` can refuse them with `UNSUPPORTED_OPERATION` rather than planning them away silently.
 */
import {
  type Column,
  type ColumnType,
  canonicalize,
  type ForeignKey,
  type Index,
  type ReferentialAction,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
  type Unique,
} from "../../schema/snapshot.js";
import { canonicalDefault } from "./defaults.js";
import { isDefaultIndexType, isForeignKeyIndex, keyedColumns } from "./keys.js";
import { KEYED_STRING_LENGTH } from "./type-map.js";

/**
 * The snapshot as MySQL/MariaDB represents it, in canonical order. Idempotent.
 *
 * @example mysqlDialect.normalize(snapshot) // enums inlined, arrays as json, unique indexes as uniques…
 */
export function normalizeMysql(snapshot: Snapshot): Snapshot {
  return canonicalize({ version: SNAPSHOT_VERSION, tables: snapshot.tables.map(normalizeTable), enums: [] });
}

/** The referential action as InnoDB keeps it: NO ACTION is RESTRICT. */
export function normalizeAction(action: ReferentialAction): ReferentialAction {
  return action === "noAction" ? "restrict" : action;
}

// internal

function normalizeTable(table: Table): Table {
  const uniqueIndexes = table.indexes.filter(isPlainUnique);
  const uniques: Unique[] = [
    ...table.uniques.map((unique) => ({ name: unique.name, columns: [...unique.columns] })),
    ...uniqueIndexes.map((index) => ({ name: index.name, columns: [...index.columns] })),
  ];
  const foreignKeys = table.foreignKeys.map(normalizeForeignKey);
  const indexes = table.indexes.filter((index) => !isPlainUnique(index)).map(normalizeIndex);
  const keyedTable: Table = { ...table, uniques, indexes, foreignKeys };
  const visibleIndexes = indexes.filter((index) => !isForeignKeyIndex(keyedTable, index));
  const keyed = keyedColumns(keyedTable);
  const primary = new Set(table.primaryKey?.columns ?? []);
  return {
    name: table.name,
    columns: table.columns.map((column) => normalizeColumn(column, keyed.has(column.name), primary.has(column.name))),
    primaryKey: table.primaryKey ? { columns: [...table.primaryKey.columns] } : null,
    uniques,
    indexes: visibleIndexes,
    foreignKeys,
  };
}

function normalizeColumn(column: Column, keyed: boolean, inPrimaryKey: boolean): Column {
  let type: ColumnType = column.array ? { kind: "json" } : column.type;
  if (type.kind === "enum") type = { kind: "enum", name: "", values: [...type.values] };
  if (type.kind === "string" && keyed && type.length === KEYED_STRING_LENGTH) type = { kind: "string" };
  const autoIncrement = column.autoIncrement && keyed;
  return {
    name: column.name,
    type: type.kind === "string" && type.length !== undefined ? { kind: "string", length: type.length } : type,
    array: false,
    nullable: column.nullable && !inPrimaryKey,
    default: autoIncrement ? null : canonicalDefault(column.default, type),
    autoIncrement,
  };
}

function normalizeIndex(index: Index): Index {
  const { type, ...rest } = index;
  const normal: Index = { ...rest, columns: [...index.columns] };
  if (type !== undefined && !isDefaultIndexType(type)) normal.type = type.toLowerCase();
  if (normal.where === undefined) delete normal.where;
  return normal;
}

function normalizeForeignKey(foreignKey: ForeignKey): ForeignKey {
  return {
    name: foreignKey.name,
    columns: [...foreignKey.columns],
    referencedTable: foreignKey.referencedTable,
    referencedColumns: [...foreignKey.referencedColumns],
    onDelete: normalizeAction(foreignKey.onDelete),
    onUpdate: normalizeAction(foreignKey.onUpdate),
  };
}

function isPlainUnique(index: Index): boolean {
  return index.unique && !index.where && (index.type === undefined || isDefaultIndexType(index.type));
}
