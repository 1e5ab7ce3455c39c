/**
 * SQLite introspection: one query over `sqlite_master`, whatever the number of tables, and a pure
 * reader that parses the stored CREATE statements into a Snapshot.
 *
 * `sqlite_master.sql` rather than `pragma_table_info()` and friends: D1's authorizer rejects the
 * pragma table-valued functions, and one catalog-wide query is what keeps a push fast.
 */
import { UnsupportedOperationError } from "../../errors.js";
import {
  type Column,
  canonicalize,
  type ForeignKey,
  type Index,
  type ReferentialAction,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
  type Unique,
} from "../../schema/snapshot.js";
import type { IntrospectOptions, Row, Statement } from "../types.js";
import { readDefault } from "./defaults.js";
import { type ParsedIndex, type ParsedTable, parseCreateIndex, parseCreateTable, parseInList } from "./parse.js";
import { typeFromDeclared } from "./type-map.js";

/** A row of `sqlite_master` as the introspection query selects it. */
export interface SqliteMasterRow {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/**
 * The introspection queries: exactly one, catalog-wide.
 *
 * @example sqliteIntrospectionQueries({ excludeTables: [] }).length // → 1
 */
export function sqliteIntrospectionQueries(_options: IntrospectOptions): Statement[] {
  return [
    { sql: "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name" },
  ];
}

/**
 * Reads the introspection rows into a canonical Snapshot, leaving out SQLite's own tables
 * (`sqlite_*`), D1's (`_cf_*`), viborm's (`_viborm_*`) and `options.excludeTables`.
 *
 * @example readSqliteIntrospection(await driver.queryAll(sqliteIntrospectionQueries(options)), options)
 */
export function readSqliteIntrospection(results: Row[][], options: IntrospectOptions): Snapshot {
  const excluded = new Set(options.excludeTables);
  return snapshotFromMaster(
    (results[0] ?? []) as unknown as SqliteMasterRow[],
    (name) => isSystemTable(name) || excluded.has(name),
  );
}

/**
 * The Snapshot described by `sqlite_master` rows (real ones, or rendered by `normalize`).
 * Throws `UNSUPPORTED_OPERATION` naming the object whose SQL cannot be parsed.
 *
 * @example snapshotFromMaster([{ type: "table", name: "t", tbl_name: "t", sql: `CREATE TABLE "t" ("id" INTEGER)` }], () => false)
 */
export function snapshotFromMaster(rows: SqliteMasterRow[], isExcluded: (table: string) => boolean): Snapshot {
  const parsedTables = new Map<string, ParsedTable>();
  const shadows = shadowTables(rows);
  for (const row of rows) {
    if (row.type !== "table" || row.sql === null || isExcluded(row.name) || shadows.has(row.name)) continue;
    const parsed = parseOrFail(row, parseCreateTable);
    if (parsed) parsedTables.set(row.name, parsed);
  }
  const indexes = new Map<string, ParsedIndex[]>();
  for (const row of rows) {
    if (row.type !== "index" || row.sql === null || !parsedTables.has(row.tbl_name)) continue;
    const list = indexes.get(row.tbl_name) ?? [];
    list.push({ ...parseOrFail(row, parseCreateIndex), name: row.name });
    indexes.set(row.tbl_name, list);
  }
  const tables = [...parsedTables].map(([name, parsed]) =>
    buildTable(name, parsed, indexes.get(name) ?? [], (table) => parsedTables.get(table)?.primaryKey ?? null),
  );
  const enums = new Map<string, string[]>();
  for (const column of tables.flatMap((table) => table.columns)) {
    if (column.type.kind === "enum" && !enums.has(column.type.name)) enums.set(column.type.name, column.type.values);
  }
  return canonicalize({
    version: SNAPSHOT_VERSION,
    tables,
    enums: [...enums].map(([name, values]) => ({ name, values })),
  });
}

/**
 * SQLite's internal tables, D1's internal tables and viborm's bookkeeping: never read nor planned.
 *
 * @example isSystemTable("_cf_KV") // → true
 */
export function isSystemTable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("sqlite_") || lower.startsWith("_cf_") || lower.startsWith("_viborm_");
}

// internal

/** Suffixes of the tables FTS3/4/5 and R*Tree virtual tables keep their data in. */
const SHADOW_SUFFIXES = [
  "config",
  "content",
  "data",
  "docsize",
  "idx",
  "segments",
  "segdir",
  "stat",
  "node",
  "parent",
  "rowid",
];

/**
 * The shadow tables of virtual tables (`search_data` for `search USING fts5`): they belong to the
 * virtual table, which viborm does not manage, so neither do they.
 */
function shadowTables(rows: SqliteMasterRow[]): Set<string> {
  const virtual = rows.filter((row) => row.type === "table" && /^\s*CREATE\s+VIRTUAL\b/i.test(row.sql ?? ""));
  return new Set(virtual.flatMap((row) => SHADOW_SUFFIXES.map((suffix) => `${row.name}_${suffix}`)));
}

function parseOrFail<T>(row: SqliteMasterRow, parse: (sql: string) => T): T {
  try {
    return parse(row.sql ?? "");
  } catch (error) {
    throw new UnsupportedOperationError(
      `Cannot read the definition of ${row.type} "${row.name}" from sqlite_master: ${(error as Error).message}`,
      { dialect: "sqlite", operation: "introspect", table: row.tbl_name, detail: row.sql ?? "" },
    );
  }
}

function buildTable(
  name: string,
  parsed: ParsedTable,
  parsedIndexes: ParsedIndex[],
  primaryKeyOf: (table: string) => string[] | null,
): Table {
  const columns = parsed.columns.map((column) => buildColumn(name, parsed, column));
  const uniques: Unique[] = [];
  const indexes: Index[] = [];
  for (const column of parsed.columns) {
    if (column.unique)
      uniques.push({ name: column.unique.name ?? `${name}_${column.name}_key`, columns: [column.name] });
  }
  for (const unique of parsed.uniques) {
    uniques.push({ name: unique.name ?? `${name}_${unique.columns.join("_")}_key`, columns: unique.columns });
  }
  for (const index of parsedIndexes) {
    // A unique index over plain columns is the same thing as a unique constraint in SQLite.
    if (index.unique && index.where === undefined && !index.expressions)
      uniques.push({ name: index.name, columns: index.columns });
    else indexes.push({ name: index.name, columns: index.columns, unique: index.unique, ...whereOf(index) });
  }
  const foreignKeys: ForeignKey[] = parsed.foreignKeys.map((foreignKey) => ({
    name: foreignKey.name ?? `${name}_${foreignKey.columns.join("_")}_fkey`,
    columns: foreignKey.columns,
    referencedTable: foreignKey.table,
    referencedColumns:
      foreignKey.referencedColumns.length > 0
        ? foreignKey.referencedColumns
        : (primaryKeyOf(foreignKey.table) ?? foreignKey.columns),
    onDelete: action(foreignKey.onDelete),
    onUpdate: action(foreignKey.onUpdate),
  }));
  const primaryKey = parsed.primaryKey && parsed.primaryKey.length > 0 ? { columns: parsed.primaryKey } : null;
  return { name, columns, primaryKey, uniques, indexes, foreignKeys };
}

function buildColumn(table: string, parsed: ParsedTable, column: ParsedTable["columns"][number]): Column {
  let type = typeFromDeclared(column.type);
  if (type.kind === "string" && type.length === undefined) {
    const lower = column.name.toLowerCase();
    for (const check of [...column.checks, ...parsed.checks]) {
      const list = parseInList(check.expression);
      if (list && list.column.toLowerCase() === lower) {
        type = { kind: "enum", name: check.name ?? `${table}_${column.name}`, values: list.values };
        break;
      }
    }
  }
  // SQLite's rowid alias (a lone INTEGER primary key) can never hold NULL, whatever was declared.
  const rowidAlias =
    column.autoIncrement ||
    (parsed.primaryKey?.length === 1 &&
      parsed.primaryKey[0] === column.name &&
      column.type.trim().toUpperCase() === "INTEGER");
  return {
    name: column.name,
    type,
    array: false,
    nullable: !column.notNull && !rowidAlias,
    default: column.autoIncrement ? null : readDefault(column.default, type),
    autoIncrement: column.autoIncrement,
  };
}

function whereOf(index: ParsedIndex): { where?: string } {
  return index.where === undefined ? {} : { where: index.where };
}

const ACTIONS: Record<string, ReferentialAction> = {
  CASCADE: "cascade",
  RESTRICT: "restrict",
  "NO ACTION": "noAction",
  "SET NULL": "setNull",
  "SET DEFAULT": "setDefault",
};

function action(text: string | undefined): ReferentialAction {
  return (text && ACTIONS[text]) || "noAction";
}
