/**
 * SQLite introspection: one query over `sqlite_master`, whatever the number of tables, and a pure
 * reader that parses the stored CREATE statements into a Snapshot.
 *
 * `sqlite_master.sql` rather than `pragma_table_info()` and friends: D1's authorizer rejects the
 * pragma table-valued functions, and one catalog-wide query is what keeps a push fast.
 */
import { UnsupportedOperationError } from "../../errors.js";
import {
  type Check,
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
import {
  type ParsedCheck,
  type ParsedIndex,
  type ParsedTable,
  parseCreateIndex,
  parseCreateTable,
  parseInList,
} from "./parse.js";
import { readDeclaredType } from "./type-map.js";

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
  const enumChecks = new Set<ParsedCheck>();
  const columns = parsed.columns.map((column) => buildColumn(name, parsed, column, enumChecks));
  // Names as SQLite holds them come first; a name made up for an unnamed constraint yields to them.
  // Two constraints with one name (two identical unnamed foreign keys) stay two, so a push sees both.
  const indexNames = uniqueNames(parsedIndexes.map((index) => index.name));
  const uniques: Unique[] = [];
  const indexes: Index[] = [];
  for (const parsedIndex of parsedIndexes) {
    const index = { ...parsedIndex, name: indexNames(parsedIndex.name, parsedIndex.name) };
    // A unique index over plain ascending columns is the same thing as a unique constraint in SQLite.
    if (index.unique && index.where === undefined && !index.expressions && index.descending.length === 0)
      uniques.push({ name: index.name, columns: index.columns });
    else indexes.push(buildIndex(index));
  }
  // SQLite makes one index for UNIQUE constraints over the same columns in the same order, so
  // a repeated one is not a second key: only the first counts, as in PRAGMA index_list.
  const inline = [
    ...parsed.columns.flatMap((column) =>
      column.unique ? [{ name: column.unique.name, columns: [column.name] }] : [],
    ),
    ...parsed.uniques,
  ];
  const seen = new Set<string>();
  for (const unique of inline) {
    const signature = JSON.stringify(unique.columns);
    if (seen.has(signature)) continue;
    seen.add(signature);
    const columns = unique.columns;
    uniques.push({ name: indexNames(unique.name, `${name}_${columns.join("_")}_key`), columns, inline: true });
  }
  const foreignKeyNames = uniqueNames(parsed.foreignKeys.flatMap((foreignKey) => foreignKey.name ?? []));
  const foreignKeys: ForeignKey[] = parsed.foreignKeys.map((foreignKey) => ({
    name: foreignKeyNames(foreignKey.name, `${name}_${foreignKey.columns.join("_")}_fkey`),
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
  const table: Table = { name, columns, primaryKey, uniques, indexes, foreignKeys };
  const checks = buildChecks(name, parsed, enumChecks);
  if (checks.length > 0) table.checks = checks;
  return table;
}

/**
 * A column. Its enum is read from a column CHECK `"col" IN ('a', …)`, the form viborm writes (and
 * `enumChecks` records which CHECK that was); a table CHECK is always a check of its own, so a
 * user's `.check("s", "status IN ('a')")` is never taken for an enum.
 */
function buildColumn(
  table: string,
  parsed: ParsedTable,
  column: ParsedTable["columns"][number],
  enumChecks: Set<ParsedCheck>,
): Column {
  const declared = readDeclaredType(column.type);
  let type = declared.type;
  if (type.kind === "string") {
    const lower = column.name.toLowerCase();
    for (const check of column.checks) {
      const list = parseInList(check.expression);
      if (list && list.column.toLowerCase() === lower) {
        type = { kind: "enum", name: check.name ?? `${table}_${column.name}`, values: list.values };
        enumChecks.add(check);
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
  const built: Column = {
    name: column.name,
    type,
    array: false,
    nullable: !column.notNull && !rowidAlias,
    default: column.autoIncrement ? null : readDefault(column.default, type),
    autoIncrement: column.autoIncrement,
  };
  if (declared.native !== undefined && !column.autoIncrement) built.nativeType = { sqlite: declared.native };
  return built;
}

/** The table's CHECKs but the enum ones: table CHECKs, then other column CHECKs, with the text as stored. */
function buildChecks(table: string, parsed: ParsedTable, enumChecks: Set<ParsedCheck>): Check[] {
  const own = [
    ...parsed.checks.map((check) => ({ check, fallback: `${table}_check` })),
    ...parsed.columns.flatMap((column) =>
      column.checks
        .filter((check) => !enumChecks.has(check))
        .map((check) => ({ check, fallback: `${table}_${column.name}_check` })),
    ),
  ];
  const names = uniqueNames(own.flatMap(({ check }) => check.name ?? []));
  return own.map(({ check, fallback }) => ({ name: names(check.name, fallback), expression: check.expression }));
}

function buildIndex(index: ParsedIndex): Index {
  const built: Index = { name: index.name, columns: index.columns, unique: index.unique, ...whereOf(index) };
  if (index.descending.length > 0) {
    built.columnOptions = Object.fromEntries(index.descending.map((column) => [column, { order: "desc" as const }]));
  }
  return built;
}

/**
 * A namer that hands out each name once: `given` (a name SQLite holds, all of them reserved up
 * front) or else `fallback`, made unique with a number (`t_a_fkey`, `t_a_fkey1`, …) when taken.
 */
function uniqueNames(reserved: string[]): (given: string | undefined, fallback: string) => string {
  const pending = new Map<string, number>();
  for (const name of reserved) pending.set(name, (pending.get(name) ?? 0) + 1);
  const used = new Set<string>();
  return (given, fallback) => {
    let base = fallback;
    if (given !== undefined) {
      pending.set(given, (pending.get(given) ?? 1) - 1);
      if (!used.has(given)) {
        used.add(given);
        return given;
      }
      base = given;
    }
    let name = base;
    for (let n = 1; used.has(name) || (pending.get(name) ?? 0) > 0; n++) name = `${base}${n}`;
    used.add(name);
    return name;
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
