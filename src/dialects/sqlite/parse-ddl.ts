/**
 * Reads one statement of a SQLite migration (generated, or written by hand) as the operations it
 * amounts to against the schema before it. Tables, columns and indexes are built by the same reader
 * introspection uses (`snapshotFromMaster` over the statement's own CREATE text), so what a
 * hand-written statement adds is exactly what introspection will read once it has run.
 *
 * Covered: CREATE/DROP TABLE, CREATE [UNIQUE]/DROP INDEX (partial too), ALTER TABLE RENAME TO /
 * RENAME COLUMN / ADD COLUMN / DROP COLUMN, data statements, and views, triggers, pragmas and
 * transaction control as outside the schema. Anything else is `unknown`, never guessed.
 *
 * @see https://www.sqlite.org/lang_altertable.html
 */
import type { Operation } from "../../diff/operations.js";
import type { Snapshot, Table } from "../../schema/snapshot.js";
import { type Cursor, createCursor } from "../parse/cursor.js";
import {
  acceptIfExists,
  acceptIfNotExists,
  dropConstraintOperations,
  needColumn,
  needTable,
  noop,
  readDataStatement,
  readStatement,
  schema,
  tableOfIndex,
  unreadable,
} from "../parse/resolve.js";
import type { ParsedStatement } from "../types.js";
import { isSystemTable, snapshotFromMaster } from "./introspect.js";
import { parseCreateIndex, parseCreateTable } from "./parse.js";
import { createTableSql } from "./render.js";
import { tokenize } from "./tokenize.js";

/**
 * The operations one SQLite statement amounts to, or why it is not understood.
 *
 * @example parseSqliteStatement(`ALTER TABLE "users" ADD COLUMN "age" INTEGER`, state) // → { kind: "schema", operations: [{ kind: "addColumn", … }] }
 */
export function parseSqliteStatement(sql: string, state: Snapshot): ParsedStatement {
  return readStatement(() => {
    const cursor = createCursor(sql, tokenize(sql));
    const data = readDataStatement(cursor);
    if (data) return data;
    const first = cursor.next()?.value.toUpperCase();
    switch (first) {
      case "CREATE":
        return create(cursor, sql, state);
      case "DROP":
        return drop(cursor, state);
      case "ALTER":
        cursor.expectWord("TABLE");
        return alterTable(cursor, state);
      case "PRAGMA":
        return { kind: "other", what: "pragma" };
      case "BEGIN":
      case "COMMIT":
      case "END":
      case "ROLLBACK":
      case "SAVEPOINT":
      case "RELEASE":
        return { kind: "other", what: "transaction control" };
      case "ANALYZE":
      case "VACUUM":
      case "REINDEX":
        return { kind: "other", what: "maintenance" };
      default:
        return unreadable(`${first ?? "an empty"} statement is not read`);
    }
  });
}

// internal

function create(cursor: Cursor, sql: string, state: Snapshot): ParsedStatement {
  cursor.acceptWord("TEMP") || cursor.acceptWord("TEMPORARY");
  if (cursor.acceptWord("VIRTUAL")) return { kind: "other", what: "virtual table" };
  if (cursor.acceptWord("VIEW")) return { kind: "other", what: "view" };
  if (cursor.acceptWord("TRIGGER")) return { kind: "other", what: "trigger" };
  const unique = cursor.acceptWord("UNIQUE");
  if (cursor.acceptWord("INDEX")) return createIndex(cursor, sql, state, unique);
  cursor.expectWord("TABLE");
  const ifNotExists = acceptIfNotExists(cursor);
  const name = cursor.qualifiedName();
  if (cursor.acceptWord("AS")) {
    // A rebuild's backup of rows (`_viborm_bak_*`) is bookkeeping introspection never sees.
    if (isSystemTable(name)) return { kind: "other", what: "bookkeeping table" };
    return unreadable(`CREATE TABLE ${name} AS SELECT: its columns come from a query`);
  }
  if (state.tables.some((table) => table.name === name)) {
    return ifNotExists ? noop() : unreadable(`table ${name} already exists`);
  }
  const table = tableFromSql(sql, name, state);
  return schema([...newEnums(table, state), { kind: "createTable", table }]);
}

function createIndex(cursor: Cursor, sql: string, state: Snapshot, unique: boolean): ParsedStatement {
  const ifNotExists = acceptIfNotExists(cursor);
  const parsed = parseCreateIndex(sql);
  if (tableOfIndex(state, parsed.name)) return ifNotExists ? noop() : unreadable(`index ${parsed.name} already exists`);
  const table = needTable(state, parsed.table);
  // Rendered beside its table and read back, the index gets exactly introspection's shape.
  const rows = [
    { type: "table", name: table.name, tbl_name: table.name, sql: createTableSql(withoutIndexes(table)) },
    { type: "index", name: parsed.name, tbl_name: table.name, sql },
  ];
  const read = snapshotFromMaster(rows, () => false).tables[0]!;
  const asUnique = read.uniques.find((item) => item.name === parsed.name);
  if (asUnique) return schema([{ kind: "addUnique", table: table.name, unique: asUnique }]);
  const index = read.indexes.find((item) => item.name === parsed.name);
  if (!index || index.unique !== unique) return unreadable(`index ${parsed.name} could not be read`);
  return schema([{ kind: "createIndex", table: table.name, index }]);
}

function drop(cursor: Cursor, state: Snapshot): ParsedStatement {
  if (cursor.acceptWord("VIEW")) return { kind: "other", what: "view" };
  if (cursor.acceptWord("TRIGGER")) return { kind: "other", what: "trigger" };
  if (cursor.acceptWord("INDEX")) {
    const ifExists = acceptIfExists(cursor);
    const name = cursor.qualifiedName();
    const table = tableOfIndex(state, name);
    if (!table) return ifExists ? noop() : unreadable(`index ${name} does not exist`);
    return schema(dropConstraintOperations(table, name, []));
  }
  cursor.expectWord("TABLE");
  const ifExists = acceptIfExists(cursor);
  const name = cursor.qualifiedName();
  const table = state.tables.find((item) => item.name === name);
  if (!table) {
    if (isSystemTable(name)) return { kind: "other", what: "bookkeeping table" };
    return ifExists ? noop() : unreadable(`table ${name} does not exist`);
  }
  // Foreign keys of other tables that point here stay as written: SQLite keeps their text, and a
  // table rebuild renames the new table into this name next.
  return schema([{ kind: "dropTable", table }]);
}

function alterTable(cursor: Cursor, state: Snapshot): ParsedStatement {
  const table = needTable(state, cursor.qualifiedName());
  if (cursor.acceptWord("RENAME")) {
    if (cursor.acceptWord("TO")) return schema([{ kind: "renameTable", from: table.name, to: cursor.name() }]);
    cursor.acceptWord("COLUMN");
    const from = needColumn(table, cursor.name()).name;
    cursor.expectWord("TO");
    return schema([{ kind: "renameColumn", table: table.name, from, to: cursor.name() }]);
  }
  if (cursor.acceptWord("ADD")) {
    cursor.acceptWord("COLUMN");
    return addColumn(cursor, table);
  }
  cursor.expectWord("DROP");
  cursor.acceptWord("COLUMN");
  const column = needColumn(table, cursor.name());
  return schema([{ kind: "dropColumn", table: table.name, column }]);
}

function addColumn(cursor: Cursor, table: Table): ParsedStatement {
  const definition = cursor.rest();
  const name = createCursor(definition, tokenize(definition)).name();
  if (table.columns.some((column) => column.name === name))
    return unreadable(`column ${table.name}.${name} already exists`);
  const read = snapshotFromMaster(
    [{ type: "table", name: table.name, tbl_name: table.name, sql: `CREATE TABLE "t" (${definition})` }],
    () => false,
  ).tables[0]!;
  const column = read.columns[0]!;
  if (read.primaryKey || read.uniques.length > 0) return unreadable("SQLite cannot add a PRIMARY KEY or UNIQUE column");
  const operations: Operation[] = [{ kind: "addColumn", table: table.name, column }];
  for (const foreignKey of read.foreignKeys) operations.push({ kind: "addForeignKey", table: table.name, foreignKey });
  return schema(operations);
}

/** The table a CREATE TABLE statement describes, read as introspection reads it. */
function tableFromSql(sql: string, name: string, state: Snapshot): Table {
  const rows = [{ type: "table", name, tbl_name: name, sql }];
  // A foreign key naming no columns points at the parent's primary key: render those parents too.
  const parents = new Set(
    parseCreateTable(sql)
      ?.foreignKeys.filter((foreignKey) => foreignKey.referencedColumns.length === 0)
      .map((foreignKey) => foreignKey.table),
  );
  for (const parent of state.tables) {
    if (parents.has(parent.name) && parent.name !== name)
      rows.push({
        type: "table",
        name: parent.name,
        tbl_name: parent.name,
        sql: createTableSql(withoutIndexes(parent)),
      });
  }
  const table = snapshotFromMaster(rows, () => false).tables.find((item) => item.name === name);
  return table ?? unreadable(`table ${name} could not be read`);
}

function withoutIndexes(table: Table): Table {
  return { ...table, uniques: [], indexes: [] };
}

/** Enum types a new table's CHECK (… IN …) columns introduce, as the state records them. */
function newEnums(table: Table, state: Snapshot): Operation[] {
  const known = new Set(state.enums.map((item) => item.name));
  const operations: Operation[] = [];
  for (const column of table.columns) {
    if (column.type.kind !== "enum" || known.has(column.type.name)) continue;
    known.add(column.type.name);
    operations.push({ kind: "createEnum", enum: { name: column.type.name, values: [...column.type.values] } });
  }
  return operations;
}
