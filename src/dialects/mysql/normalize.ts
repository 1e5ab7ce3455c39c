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
 * - defaults take the form introspection reads back (see `defaults.ts`);
 * - a native type keeps only its MySQL entry, spelled as the catalog spells it; one that is the
 *   type viborm writes for some neutral type is that neutral type (`VARCHAR(20)` is a string of 20);
 * - DATETIME has no time zone (`withoutTimezone()` changes nothing), DATETIME(3) is the default
 *   precision, and TIME without digits is TIME(0);
 * - a compound foreign key lists its pairs in the order of the referenced key (MySQL needs the
 *   referenced columns to lead an index in that order: errno 150 otherwise);
 * - an index prefix as long as the whole VARCHAR is no prefix (the server drops it), and FULLTEXT
 *   and SPATIAL columns have no order or prefix.
 *
 * Partial indexes, SET DEFAULT and non-B-tree index types other than FULLTEXT/SPATIAL are kept, so
 * that `ddl` can refuse them with `UNSUPPORTED_OPERATION` rather than planning them away silently.
 */
import {
  type Check,
  type Column,
  type ColumnType,
  canonicalize,
  type ForeignKey,
  type Index,
  type IndexColumnOptions,
  type ReferentialAction,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
  type Unique,
} from "../../schema/snapshot.js";
import { canonicalDefault } from "./defaults.js";
import { isDefaultIndexType, isForeignKeyIndex, isOrderedIndex, keyedColumns } from "./keys.js";
import { canonicalNativeType, DEFAULT_DATETIME_PRECISION, KEYED_STRING_LENGTH, readMysqlType } from "./type-map.js";

/**
 * The snapshot as MySQL/MariaDB represents it, in canonical order. Idempotent.
 *
 * @example mysqlDialect.normalize(snapshot) // enums inlined, arrays as json, unique indexes as uniques…
 */
export function normalizeMysql(snapshot: Snapshot): Snapshot {
  return canonicalize({
    version: SNAPSHOT_VERSION,
    tables: snapshot.tables.map((table) => normalizeTable(table, snapshot)),
    enums: [],
  });
}

/** The referential action as InnoDB keeps it: NO ACTION is RESTRICT. */
export function normalizeAction(action: ReferentialAction): ReferentialAction {
  return action === "noAction" ? "restrict" : action;
}

/**
 * The column type as MySQL holds it: a native type that is viborm's own mapping becomes that
 * neutral type; any other keeps its canonical spelling, with the closest neutral type beside it.
 *
 * @example nativeColumnType("smallint(6)") // → { type: { kind: "int" }, nativeType: "SMALLINT" }
 */
export function nativeColumnType(native: string): { type: ColumnType; nativeType?: string } {
  const canonical = canonicalNativeType(native);
  const dataType = (/^[A-Z]+/.exec(canonical)?.[0] ?? canonical).toLowerCase();
  return readMysqlType(dataType, canonical.toLowerCase(), false);
}

// internal

function normalizeTable(table: Table, snapshot: Snapshot): Table {
  const columnTypes = new Map(table.columns.map((column) => [column.name, column.type]));
  const allIndexes = table.indexes.map((index) => normalizeIndex(index, columnTypes));
  const uniques: Unique[] = [
    ...table.uniques.map((unique) => ({ name: unique.name, columns: [...unique.columns] })),
    ...allIndexes.filter(isPlainUnique).map((index) => ({ name: index.name, columns: [...index.columns] })),
  ];
  const foreignKeys = table.foreignKeys.map((foreignKey) => normalizeForeignKey(foreignKey, snapshot));
  const indexes = allIndexes.filter((index) => !isPlainUnique(index));
  const keyedTable: Table = { ...table, uniques, indexes, foreignKeys };
  const visibleIndexes = indexes.filter((index) => !isForeignKeyIndex(keyedTable, index));
  const keyed = keyedColumns(keyedTable);
  const primary = new Set(table.primaryKey?.columns ?? []);
  const normal: Table = {
    name: table.name,
    columns: table.columns.map((column) => normalizeColumn(column, keyed.has(column.name), primary.has(column.name))),
    primaryKey: table.primaryKey ? { columns: [...table.primaryKey.columns] } : null,
    uniques,
    indexes: visibleIndexes,
    foreignKeys,
  };
  const checks: Check[] = (table.checks ?? []).map((check) => {
    const normal: Check = { name: check.name, expression: lengthSpelling(check.expression) };
    if (check.column !== undefined) normal.column = check.column;
    return normal;
  });
  if (checks.length > 0) normal.checks = checks;
  return normal;
}

/**
 * MariaDB stores `LENGTH(x)` in a check as its synonym `OCTET_LENGTH(x)`: both spellings are
 * written `length(`, on the schema's side and the live one, so neither reads as a change. (On
 * PostgreSQL and SQLite the two differ, characters against bytes, so this is MySQL's alone.)
 */
function lengthSpelling(expression: string): string {
  return expression.replace(
    /('(?:[^'\\]|\\.|'')*'|`(?:[^`]|``)*`|"(?:[^"\\]|\\.|"")*")|\boctet_length(?=\s*\()/gi,
    (_match, quoted: string | undefined) => quoted ?? "length",
  );
}

function normalizeColumn(column: Column, keyed: boolean, inPrimaryKey: boolean): Column {
  const native = column.nativeType?.mysql;
  const read = native !== undefined ? nativeColumnType(native) : undefined;
  const type = normalizeType(read ? read.type : column.array ? { kind: "json" } : column.type, keyed);
  const autoIncrement = column.autoIncrement && keyed;
  const normal: Column = {
    name: column.name,
    type,
    array: false,
    nullable: column.nullable && !inPrimaryKey,
    default: autoIncrement ? null : canonicalDefault(column.default, type),
    autoIncrement,
  };
  if (read?.nativeType !== undefined) normal.nativeType = { mysql: read.nativeType };
  if (column.generated) {
    normal.default = null;
    normal.generated = { ...column.generated };
  }
  return normal;
}

function normalizeType(type: ColumnType, keyed: boolean): ColumnType {
  switch (type.kind) {
    case "enum":
      return { kind: "enum", name: "", values: [...type.values] };
    case "string":
      if (type.length === undefined || (keyed && type.length === KEYED_STRING_LENGTH && !type.fixed))
        return { kind: "string" };
      return type.fixed
        ? { kind: "string", length: type.length, fixed: true }
        : { kind: "string", length: type.length };
    // DATETIME has no time zone: withoutTimezone() changes nothing here.
    case "dateTime":
      return type.precision === undefined || type.precision === DEFAULT_DATETIME_PRECISION
        ? { kind: "dateTime" }
        : { kind: "dateTime", precision: type.precision };
    // TIME is TIME(0): absent and 0 are the same.
    case "time":
      return type.precision === undefined || type.precision === 0
        ? { kind: "time" }
        : { kind: "time", precision: type.precision };
    case "decimal":
      return { kind: "decimal", precision: type.precision, scale: type.scale };
    default:
      return { kind: type.kind };
  }
}

function normalizeIndex(index: Index, columnTypes: Map<string, ColumnType>): Index {
  const { type, columnOptions, ...rest } = index;
  const normal: Index = { ...rest, columns: [...index.columns] };
  if (type !== undefined && !isDefaultIndexType(type)) normal.type = type.toLowerCase();
  if (normal.where === undefined) delete normal.where;
  // FULLTEXT and SPATIAL columns have no order or prefix; an operator class is PostgreSQL's.
  if (columnOptions && isOrderedIndex(normal)) {
    const options: Record<string, IndexColumnOptions> = {};
    for (const column of index.columns) {
      const given = columnOptions[column];
      if (!given) continue;
      const option: IndexColumnOptions = {};
      if (given.order === "desc") option.order = "desc";
      // Kept so that `ddl` refuses it rather than the plan dropping it silently.
      if (given.opclass !== undefined) option.opclass = given.opclass;
      const columnType = columnTypes.get(column);
      const whole =
        columnType?.kind === "string" &&
        columnType.length !== undefined &&
        given.length !== undefined &&
        given.length >= columnType.length;
      if (given.length !== undefined && !whole) option.length = given.length;
      if (Object.keys(option).length > 0) options[column] = option;
    }
    if (Object.keys(options).length > 0) normal.columnOptions = options;
  }
  return normal;
}

/**
 * The foreign key with its pairs in the order of the referenced key (primary key, unique or unique
 * index over exactly the referenced columns), when there is one.
 */
function normalizeForeignKey(foreignKey: ForeignKey, snapshot: Snapshot): ForeignKey {
  const order = referencedKeyOrder(foreignKey, snapshot);
  const pairs = foreignKey.columns.map((column, i) => [column, foreignKey.referencedColumns[i]!] as const);
  if (order) pairs.sort((a, b) => order.indexOf(a[1]) - order.indexOf(b[1]));
  return {
    name: foreignKey.name,
    columns: pairs.map(([column]) => column),
    referencedTable: foreignKey.referencedTable,
    referencedColumns: pairs.map(([, referenced]) => referenced),
    onDelete: normalizeAction(foreignKey.onDelete),
    onUpdate: normalizeAction(foreignKey.onUpdate),
  };
}

function referencedKeyOrder(foreignKey: ForeignKey, snapshot: Snapshot): readonly string[] | undefined {
  const referenced = foreignKey.referencedColumns;
  if (referenced.length < 2) return undefined;
  const parent = snapshot.tables.find((table) => table.name === foreignKey.referencedTable);
  if (!parent) return undefined;
  const keys: (readonly string[])[] = [
    ...(parent.primaryKey ? [parent.primaryKey.columns] : []),
    ...parent.uniques.map((unique) => unique.columns),
    ...parent.indexes.filter((index) => index.unique && !index.where).map((index) => index.columns),
  ];
  // A key already in the foreign key's order keeps it; otherwise the first with the same column set.
  if (keys.some((key) => sameOrder(key, referenced))) return undefined;
  return keys.find((key) => key.length === referenced.length && referenced.every((column) => key.includes(column)));
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((name, i) => name === b[i]);
}

function isPlainUnique(index: Index): boolean {
  return (
    index.unique &&
    !index.where &&
    (index.type === undefined || isDefaultIndexType(index.type)) &&
    index.columnOptions === undefined
  );
}
