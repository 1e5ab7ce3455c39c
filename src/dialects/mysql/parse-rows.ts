/**
 * Hand-written MySQL tables as the information_schema rows the server would show for them, read back
 * by `readMysqlSchema`: unnamed keys get the server's names (an index its first column's, a foreign
 * key `<table>_ibfk_<n>`), and a foreign key without a serving index gets InnoDB's own.
 */
import type { Column, Snapshot, Table } from "../../schema/snapshot.js";
import { unreadable } from "../parse/resolve.js";
import type { Row } from "../types.js";
import { defaultSql } from "./defaults.js";
import { readMysqlSchema } from "./introspect.js";
import { isKeyed } from "./keys.js";
import { catalogType, type WrittenColumn, type WrittenKey } from "./parse-columns.js";
import { mysqlColumnType } from "./type-map.js";

/**
 * The table a CREATE TABLE describes (or a table after an ALTER), read as introspection would read
 * it. Unnamed keys get the names the server gives them.
 */
export function buildTable(name: string, columns: WrittenColumn[], keys: WrittenKey[], state: Snapshot): Table {
  const named = nameKeys(name, columns, keys, state);
  const columnRows = columns.map((column, i) => columnRow(name, column, i));
  const indexRows: Row[] = [];
  const foreignKeyRows: Row[] = [];
  const checkRows: Row[] = [];
  for (const key of named) {
    if (key.kind === "check") {
      const level = key.column === undefined ? "Table" : "Column";
      checkRows.push({ table_name: name, constraint_name: key.name, check_clause: key.expression, level });
    } else if (key.kind === "foreign") {
      foreignKeyRows.push(...foreignKeyRows_(name, key, state));
      // InnoDB indexes a foreign key's columns itself when no key starts with them.
      if (!named.some((other) => other.kind !== "foreign" && startsWith(other.columns, key.columns)))
        indexRows.push(...indexRowsOf(name, { kind: "index", name: key.name!, columns: key.columns }));
    } else {
      indexRows.push(...indexRowsOf(name, key));
    }
  }
  const read = readMysqlSchema([[{ version: "10.11.0-MariaDB" }], columnRows, checkRows, indexRows, foreignKeyRows], {
    excludeTables: [],
  });
  return read.tables.find((table) => table.name === name) ?? unreadable(`table ${name} could not be read`);
}

/** A snapshot table as the written column list and keys that define it, for re-reading after an ALTER. */
export function writtenTable(table: Table): { columns: WrittenColumn[]; keys: WrittenKey[] } {
  const columns = table.columns.map((column) => writtenColumn(column, table));
  const keys: WrittenKey[] = [];
  if (table.primaryKey) keys.push({ kind: "primary", columns: [...table.primaryKey.columns] });
  for (const unique of table.uniques) keys.push({ kind: "unique", name: unique.name, columns: [...unique.columns] });
  for (const index of table.indexes) {
    const kind = index.type === "fulltext" || index.type === "spatial" ? index.type : index.unique ? "unique" : "index";
    const options = index.columnOptions === undefined ? {} : { options: structuredClone(index.columnOptions) };
    keys.push({ kind, name: index.name, columns: [...index.columns], ...options });
  }
  for (const foreignKey of table.foreignKeys) {
    keys.push({
      kind: "foreign",
      name: foreignKey.name,
      columns: [...foreignKey.columns],
      references: {
        table: foreignKey.referencedTable,
        columns: [...foreignKey.referencedColumns],
        onDelete: ACTION_SQL[foreignKey.onDelete],
        onUpdate: ACTION_SQL[foreignKey.onUpdate],
      },
    });
  }
  for (const check of table.checks ?? [])
    keys.push({ kind: "check", name: check.name, columns: [], expression: check.expression, column: check.column });
  return { columns, keys };
}

// internal

const ACTION_SQL = {
  cascade: "CASCADE",
  restrict: "RESTRICT",
  noAction: "NO ACTION",
  setNull: "SET NULL",
  setDefault: "SET DEFAULT",
} as const;

/**
 * Gives unnamed keys the server's names: an index its first column's (`_2`… on a clash), a foreign
 * key `<table>_ibfk_<n>`, a column CHECK its column's, a table CHECK MariaDB's `CONSTRAINT_<n>`.
 */
function nameKeys(table: string, columns: WrittenColumn[], keys: WrittenKey[], state: Snapshot): WrittenKey[] {
  const all: WrittenKey[] = [];
  for (const column of columns) {
    if (column.primaryKey) all.push({ kind: "primary", columns: [column.name] });
    if (column.unique) all.push({ kind: "unique", columns: [column.name] });
    if (column.check !== undefined)
      all.push({ kind: "check", name: column.name, columns: [], expression: column.check, column: column.name });
  }
  all.push(...keys);
  const taken = new Set(all.filter((key) => key.name !== undefined).map((key) => key.name!.toLowerCase()));
  let foreign = Math.max(0, ...existingForeignKeyNumbers(table, state));
  let check = Math.max(
    0,
    ...all.map((key) => (key.kind === "check" ? Number(/^CONSTRAINT_(\d+)$/i.exec(key.name ?? "")?.[1] ?? 0) : 0)),
  );
  return all.map((key) => {
    if (key.name !== undefined || key.kind === "primary")
      return key.kind === "primary" ? { ...key, name: "PRIMARY" } : key;
    if (key.kind === "foreign") return { ...key, name: `${table}_ibfk_${++foreign}` };
    if (key.kind === "check") return { ...key, name: `CONSTRAINT_${++check}` };
    let name = key.columns[0]!;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${key.columns[0]}_${n}`;
    taken.add(name.toLowerCase());
    return { ...key, name };
  });
}

function existingForeignKeyNumbers(table: string, state: Snapshot): number[] {
  const pattern = new RegExp(`^${table.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_ibfk_(\\d+)$`);
  return state.tables.flatMap((t) => t.foreignKeys.map((fk) => Number(pattern.exec(fk.name)?.[1] ?? 0)));
}

function columnRow(table: string, column: WrittenColumn, position: number): Row {
  return {
    table_name: table,
    column_name: column.name,
    position: position + 1,
    column_default: column.autoIncrement ? null : (column.defaultRaw ?? (column.nullable ? "NULL" : null)),
    is_nullable: column.nullable && !column.primaryKey ? "YES" : "NO",
    data_type: column.dataType,
    column_type: column.columnType,
    extra: column.autoIncrement
      ? "auto_increment"
      : column.generated
        ? `${column.generated.stored ? "STORED" : "VIRTUAL"} GENERATED`
        : "",
    generation_expression: column.generated?.expression ?? null,
  };
}

function indexRowsOf(table: string, key: WrittenKey): Row[] {
  return key.columns.map((column, i) => ({
    table_name: table,
    index_name: key.kind === "primary" ? "PRIMARY" : key.name,
    non_unique: key.kind === "primary" || key.kind === "unique" ? 0 : 1,
    seq: i + 1,
    column_name: column,
    index_type: key.kind === "fulltext" ? "FULLTEXT" : key.kind === "spatial" ? "SPATIAL" : "BTREE",
    collation: key.options?.[column]?.order === "desc" ? "D" : "A",
    sub_part: key.options?.[column]?.length ?? null,
  }));
}

function foreignKeyRows_(table: string, key: WrittenKey, state: Snapshot): Row[] {
  const reference = key.references!;
  const parent = state.tables.find((t) => t.name === reference.table);
  const referenced = reference.columns.length > 0 ? reference.columns : (parent?.primaryKey?.columns ?? []);
  return key.columns.map((column, i) => ({
    table_name: table,
    constraint_name: key.name,
    column_name: column,
    position: i + 1,
    referenced_table: reference.table,
    referenced_column: referenced[i] ?? unreadable(`foreign key ${key.name} names more columns than it references`),
    update_rule: reference.onUpdate,
    delete_rule: reference.onDelete,
  }));
}

function startsWith(columns: string[], prefix: string[]): boolean {
  return prefix.every((column, i) => columns[i] === column);
}

/** A snapshot column as the catalog rows the DDL for it would produce. */
function writtenColumn(column: Column, table: Table): WrittenColumn {
  const sqlType = mysqlColumnType(column, isKeyed(table, column));
  const { dataType, columnType } = catalogType(sqlType);
  const expression = column.autoIncrement || column.generated ? null : defaultSql(column, sqlType, table.name);
  return {
    name: column.name,
    dataType,
    columnType,
    nullable: column.nullable,
    defaultRaw: expression === null ? null : expression,
    autoIncrement: column.autoIncrement,
    primaryKey: false,
    unique: false,
    ...(column.generated ? { generated: { ...column.generated } } : {}),
  };
}
