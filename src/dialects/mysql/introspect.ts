/**
 * Introspection: five catalog-wide queries on information_schema for the current database
 * (`DATABASE()`), whatever the number of tables, and a pure reader that turns their rows into a
 * canonical, normalised snapshot.
 *
 * The reader tells MariaDB from MySQL by `VERSION()`: they report defaults differently (see
 * `defaults.ts`) and MariaDB's JSON is a LONGTEXT with a `json_valid` CHECK constraint.
 */
import type {
  Check,
  Column,
  ForeignKey,
  Index,
  IndexColumnOptions,
  ReferentialAction,
  Snapshot,
  Table,
} from "../../schema/snapshot.js";
import { SNAPSHOT_VERSION } from "../../schema/snapshot.js";
import type { IntrospectOptions, Row, Statement } from "../types.js";
import { parseDefault, type ServerFlavour } from "./defaults.js";
import { normalizeMysql } from "./normalize.js";
import { readMysqlType } from "./type-map.js";

/** Prefix of viborm's own tables (tracking, MySQL progress): never introspected. */
export const INTERNAL_TABLE_PREFIX = "_viborm_";

const COLUMNS_SQL = `SELECT c.TABLE_NAME AS table_name, c.COLUMN_NAME AS column_name, c.ORDINAL_POSITION AS position,
  c.COLUMN_DEFAULT AS column_default, c.IS_NULLABLE AS is_nullable, c.DATA_TYPE AS data_type,
  c.COLUMN_TYPE AS column_type, c.EXTRA AS extra, c.GENERATION_EXPRESSION AS generation_expression
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`;

// `SELECT *` on purpose: MariaDB's CHECK_CONSTRAINTS has TABLE_NAME, MySQL 8's does not, and naming
// a missing column would fail the query. Only MariaDB's JSON checks are read.
const CHECKS_SQL = "SELECT * FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()";

const INDEXES_SQL = `SELECT TABLE_NAME AS table_name, INDEX_NAME AS index_name, NON_UNIQUE AS non_unique,
  SEQ_IN_INDEX AS seq, COLUMN_NAME AS column_name, INDEX_TYPE AS index_type, COLLATION AS collation,
  SUB_PART AS sub_part
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE()
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`;

const FOREIGN_KEYS_SQL = `SELECT k.TABLE_NAME AS table_name, k.CONSTRAINT_NAME AS constraint_name, k.COLUMN_NAME AS column_name,
  k.ORDINAL_POSITION AS position, k.REFERENCED_TABLE_NAME AS referenced_table,
  k.REFERENCED_COLUMN_NAME AS referenced_column, r.UPDATE_RULE AS update_rule, r.DELETE_RULE AS delete_rule
FROM information_schema.KEY_COLUMN_USAGE k
JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`;

/**
 * The introspection queries: always the same five statements (server version, columns, checks,
 * indexes, foreign keys), none per table. `options` is applied by `readMysqlSchema`.
 */
export function mysqlIntrospectionQueries(_options: IntrospectOptions): Statement[] {
  return [
    { sql: "SELECT VERSION() AS version" },
    { sql: COLUMNS_SQL },
    { sql: CHECKS_SQL },
    { sql: INDEXES_SQL },
    { sql: FOREIGN_KEYS_SQL },
  ];
}

/**
 * The snapshot the rows of {@link mysqlIntrospectionQueries} describe, normalised and canonical.
 * Tables in `options.excludeTables` and those starting with `_viborm_` are left out.
 */
export function readMysqlSchema(results: Row[][], options: IntrospectOptions): Snapshot {
  const [versionRows = [], columnRows = [], checkRows = [], indexRows = [], foreignKeyRows = []] = results;
  const flavour: ServerFlavour = /mariadb/i.test(text(versionRows[0]?.version)) ? "mariadb" : "mysql";
  const excluded = new Set(options.excludeTables);
  const visible = (table: string) => !excluded.has(table) && !table.startsWith(INTERNAL_TABLE_PREFIX);
  const jsonColumns = mariaDbJsonColumns(checkRows);
  const tables = new Map<string, Table>();
  for (const row of sortRows(columnRows, "position")) {
    const tableName = text(row.table_name);
    if (!visible(tableName)) continue;
    let table = tables.get(tableName);
    if (!table) {
      table = { name: tableName, columns: [], primaryKey: null, uniques: [], indexes: [], foreignKeys: [] };
      tables.set(tableName, table);
    }
    table.columns.push(readColumn(row, flavour, jsonColumns.has(`${tableName}\u0000${text(row.column_name)}`)));
  }
  readChecks(checkRows, tables);
  readIndexes(indexRows, tables);
  readForeignKeys(foreignKeyRows, tables);
  return normalizeMysql({ version: SNAPSHOT_VERSION, tables: [...tables.values()], enums: [] });
}

// internal

function readColumn(row: Row, flavour: ServerFlavour, isJson: boolean): Column {
  const { type, nativeType } = readMysqlType(text(row.data_type), text(row.column_type), isJson);
  const extra = text(row.extra);
  const autoIncrement = /auto_increment/i.test(extra);
  const raw = row.column_default === null || row.column_default === undefined ? null : text(row.column_default);
  const generation =
    row.generation_expression === null || row.generation_expression === undefined
      ? ""
      : text(row.generation_expression);
  const generated = /GENERATED/i.test(extra) && generation.trim() !== "";
  const column: Column = {
    name: text(row.column_name),
    type,
    array: false,
    nullable: text(row.is_nullable).toUpperCase() === "YES",
    default: autoIncrement || generated ? null : parseDefault(flavour, raw, extra, type),
    autoIncrement,
  };
  if (nativeType !== undefined) column.nativeType = { mysql: nativeType };
  if (generated) column.generated = { expression: generation.trim(), stored: /STORED/i.test(extra) };
  return column;
}

/**
 * The table CHECK constraints (MariaDB's CHECK_CONSTRAINTS names the table; MySQL 8's does not and
 * its checks are not read). MariaDB's automatic `json_valid(col)` checks of JSON columns are part
 * of the column type, not checks.
 */
function readChecks(rows: Row[], tables: Map<string, Table>): void {
  for (const row of rows) {
    const tableName = row.TABLE_NAME ?? row.table_name;
    if (tableName === undefined || tableName === null) continue;
    const table = tables.get(text(tableName));
    const expression = text(row.CHECK_CLAUSE ?? row.check_clause).trim();
    if (!table || /^json_valid\(`((?:[^`]|``)+)`\)$/i.test(expression)) continue;
    const check: Check = { name: text(row.CONSTRAINT_NAME ?? row.constraint_name), expression };
    // A column-level check is named after its column; one renamed since is read as a table's.
    if (text(row.LEVEL ?? row.level) === "Column" && table.columns.some((column) => column.name === check.name))
      check.column = check.name;
    table.checks = [...(table.checks ?? []), check];
  }
}

/** `table\0column` of every MariaDB JSON column (a column CHECK `json_valid(`col`)`). */
function mariaDbJsonColumns(rows: Row[]): Set<string> {
  const columns = new Set<string>();
  for (const row of rows) {
    const table = row.TABLE_NAME ?? row.table_name;
    const clause = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(text(row.CHECK_CLAUSE ?? row.check_clause).trim());
    if (table === undefined || table === null || !clause) continue;
    columns.add(`${text(table)}\u0000${clause[1]!.replaceAll("``", "`")}`);
  }
  return columns;
}

function readIndexes(rows: Row[], tables: Map<string, Table>): void {
  const grouped = groupBy(rows, (row) => `${text(row.table_name)}\u0000${text(row.index_name)}`);
  for (const group of grouped.values()) {
    const first = group[0]!;
    const table = tables.get(text(first.table_name));
    // An index on an expression (MySQL 8 functional key part) has no neutral form: left unread.
    if (!table || group.some((row) => row.column_name === null || row.column_name === undefined)) continue;
    const name = text(first.index_name);
    const columns = sortRows(group, "seq").map((row) => text(row.column_name));
    const unique = Number(first.non_unique) === 0;
    const columnOptions = readColumnOptions(group);
    if (name === "PRIMARY") {
      table.primaryKey = { columns };
    } else if (unique && !columnOptions) {
      table.uniques.push({ name, columns });
    } else {
      const type = text(first.index_type).toLowerCase();
      const index: Index = { name, columns, unique };
      if (type === "fulltext" || type === "spatial") index.type = type;
      if (columnOptions) index.columnOptions = columnOptions;
      table.indexes.push(index);
    }
  }
}

/** Per-column order (COLLATION 'D') and prefix length (SUB_PART), or undefined when no column has any. */
function readColumnOptions(group: Row[]): Record<string, IndexColumnOptions> | undefined {
  const options: Record<string, IndexColumnOptions> = {};
  for (const row of group) {
    const option: IndexColumnOptions = {};
    if (text(row.collation).toUpperCase() === "D") option.order = "desc";
    if (row.sub_part !== null && row.sub_part !== undefined && text(row.sub_part) !== "")
      option.length = Number(row.sub_part);
    if (Object.keys(option).length > 0) options[text(row.column_name)] = option;
  }
  return Object.keys(options).length > 0 ? options : undefined;
}

function readForeignKeys(rows: Row[], tables: Map<string, Table>): void {
  const grouped = groupBy(rows, (row) => `${text(row.table_name)}\u0000${text(row.constraint_name)}`);
  for (const group of grouped.values()) {
    const first = group[0]!;
    const table = tables.get(text(first.table_name));
    if (!table) continue;
    const ordered = sortRows(group, "position");
    const foreignKey: ForeignKey = {
      name: text(first.constraint_name),
      columns: ordered.map((row) => text(row.column_name)),
      referencedTable: text(first.referenced_table),
      referencedColumns: ordered.map((row) => text(row.referenced_column)),
      onDelete: readAction(first.delete_rule),
      onUpdate: readAction(first.update_rule),
    };
    table.foreignKeys.push(foreignKey);
  }
}

function readAction(value: unknown): ReferentialAction {
  switch (text(value).toUpperCase()) {
    case "CASCADE":
      return "cascade";
    case "SET NULL":
      return "setNull";
    case "SET DEFAULT":
      return "setDefault";
    case "NO ACTION":
      return "noAction";
    default:
      return "restrict";
  }
}

function groupBy(rows: Row[], key: (row: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const name = key(row);
    const group = groups.get(name);
    if (group) group.push(row);
    else groups.set(name, [row]);
  }
  return groups;
}

function sortRows(rows: Row[], field: string): Row[] {
  return [...rows].sort((a, b) => Number(a[field]) - Number(b[field]));
}

const decoder = new TextDecoder();

/** A catalog value as text: drivers may hand back strings, numbers or bytes. */
function text(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Uint8Array) return decoder.decode(value);
  return String(value);
}
