/**
 * Column and table definitions of hand-written PostgreSQL DDL, read into snapshot shapes through
 * the introspection reader: each definition becomes the catalog rows PostgreSQL would show for it
 * (its type spelled as `format_type()` spells it, its default as text), and `readPostgres` turns
 * them into columns and keys. So a hand-written column reads exactly as introspection will read it.
 *
 * @see https://www.postgresql.org/docs/current/sql-createtable.html
 */
import type { Column, ForeignKey, Snapshot, Table } from "../../schema/snapshot.js";
import type { Cursor } from "../parse/cursor.js";
import { unreadable } from "../parse/resolve.js";
import { isWord, type Token, tokenizeSql } from "../parse/tokens.js";
import type { Row } from "../types.js";
import { defaultSql } from "./defaults.js";
import { readPostgres } from "./introspect.js";
import { truncateIdentifier } from "./normalize.js";
import { catalogType, spelledType } from "./parse-types.js";

/** One column definition, as written. */
export interface WrittenColumn {
  name: string;
  dataType: string;
  isArray: boolean;
  enumName: string | null;
  notNull: boolean;
  /** The DEFAULT expression as written (a serial's `nextval(…)` stands in for SERIAL). */
  defaultExpr: string | null;
  identity: boolean;
  /** `GENERATED ALWAYS AS (expression) STORED`: read back as introspection reads a generated column. */
  generated?: string;
  primaryKey: boolean;
  unique: { name?: string } | null;
  references: WrittenReference | null;
  checks: { name?: string; expression: string }[];
}

/** A REFERENCES clause as written; `columns` empty means the parent's primary key. */
export interface WrittenReference {
  name?: string;
  table: string;
  columns: string[];
  onDelete: string;
  onUpdate: string;
}

/** The table constraints of a CREATE TABLE or ADD CONSTRAINT. */
export interface WrittenConstraints {
  primaryKey: { columns: string[] } | null;
  uniques: { name?: string; columns: string[] }[];
  foreignKeys: (WrittenReference & { localColumns: string[] })[];
  checks: { name?: string; expression: string }[];
}

/** Words that end a column's type and start one of its constraints. */
const CONSTRAINT_WORDS = new Set([
  "CONSTRAINT",
  "NOT",
  "NULL",
  "DEFAULT",
  "PRIMARY",
  "UNIQUE",
  "CHECK",
  "REFERENCES",
  "GENERATED",
  "COLLATE",
]);

/** Tokenises PostgreSQL text. */
export function tokens(sql: string): Token[] {
  return tokenizeSql(sql, "postgres");
}

/**
 * Reads `name type [constraints…]` from the cursor's range (one element of a column list).
 *
 * @example readColumn(cursor, state) // ← `"age" int4 NOT NULL DEFAULT 0`
 */
export function readColumn(cursor: Cursor, state: Snapshot): WrittenColumn {
  const name = cursor.name();
  const typeStart = cursor.position();
  while (!cursor.done()) {
    const token = cursor.peek()!;
    if (token.kind === "word" && CONSTRAINT_WORDS.has(token.value.toUpperCase())) break;
    if (token.value === "(" && token.kind === "punct") cursor.skipGroup();
    else cursor.next();
  }
  const type = catalogType(cursor.sub(typeStart, cursor.position()), state);
  const column: WrittenColumn = {
    name,
    ...type,
    notNull: false,
    identity: false,
    primaryKey: false,
    unique: null,
    references: null,
    checks: [],
  };
  while (!cursor.done()) readColumnConstraint(cursor, column);
  return column;
}

/** Reads a table constraint (`[CONSTRAINT n] PRIMARY KEY | UNIQUE | FOREIGN KEY | CHECK …`) into `into`. */
export function readTableConstraint(cursor: Cursor, into: WrittenConstraints): void {
  const name = cursor.acceptWord("CONSTRAINT") ? cursor.name() : undefined;
  const named = name === undefined ? {} : { name };
  if (cursor.acceptWord("PRIMARY")) {
    cursor.expectWord("KEY");
    into.primaryKey = { columns: nameList(cursor) };
  } else if (cursor.acceptWord("UNIQUE")) {
    skipNullsDistinct(cursor);
    into.uniques.push({ ...named, columns: nameList(cursor) });
  } else if (cursor.acceptWord("FOREIGN")) {
    cursor.expectWord("KEY");
    const localColumns = nameList(cursor);
    cursor.expectWord("REFERENCES");
    into.foreignKeys.push({ ...readReference(cursor, name), localColumns });
  } else if (cursor.acceptWord("CHECK")) {
    into.checks.push({ ...named, expression: cursor.groupText() });
    cursor.acceptWord("NO") && cursor.expectWord("INHERIT");
  } else {
    cursor.fail("a table constraint (EXCLUDE is not read)");
  }
  skipConstraintTail(cursor);
  if (!cursor.done()) cursor.fail("the end of the constraint");
}

/** True when the cursor's range starts a table constraint rather than a column. */
export function isTableConstraint(cursor: Cursor): boolean {
  const token = cursor.peek();
  if (["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "EXCLUDE"].some((word) => isWord(token, word))) {
    // `primary` could be a column name: a constraint keyword is followed by its own keyword or a name.
    return !(isWord(token, "CHECK") && cursor.peek(1)?.value !== "(");
  }
  return false;
}

/**
 * The table a CREATE TABLE describes, read as introspection would read it after the statement ran.
 * `state` supplies enum values and the parents' primary keys.
 */
export function buildTable(
  name: string,
  columns: WrittenColumn[],
  constraints: WrittenConstraints,
  state: Snapshot,
): Table {
  const columnRows = columns.map((column, i) => columnRow(name, column, i, constraintNotNull(column, constraints)));
  const constraintRows: Row[] = [];
  const pkColumns = constraints.primaryKey?.columns ?? columns.filter((c) => c.primaryKey).map((c) => c.name);
  if (pkColumns.length > 0) constraintRows.push(keyRow(name, `${name}_pkey`, "p", pkColumns));
  for (const column of columns) {
    if (column.unique)
      constraintRows.push(keyRow(name, column.unique.name ?? pgName(name, [column.name], "key"), "u", [column.name]));
    if (column.references) constraintRows.push(foreignKeyRow(name, [column.name], column.references, state));
  }
  for (const unique of constraints.uniques)
    constraintRows.push(keyRow(name, unique.name ?? pgName(name, unique.columns, "key"), "u", unique.columns));
  for (const foreignKey of constraints.foreignKeys)
    constraintRows.push(foreignKeyRow(name, foreignKey.localColumns, foreignKey, state));
  // PostgreSQL names column checks first, then the table's, each clash numbered.
  const columnNames = columns.map((column) => column.name);
  const taken = new Set(constraintRows.map((row) => String(row.name)));
  for (const check of [...columns.flatMap((column) => column.checks), ...constraints.checks]) {
    const checkName = check.name ?? pgCheckName(name, check.expression, columnNames, taken);
    taken.add(checkName);
    constraintRows.push(checkRow(name, checkName, check.expression));
  }
  const read = readPostgres([columnRows, constraintRows, [], enumRows(state)], { excludeTables: [] });
  return read.tables.find((table) => table.name === name) ?? unreadable(`table ${name} could not be read`);
}

/** One column as introspection would read it. */
export function buildColumn(table: string, column: WrittenColumn, state: Snapshot): Column {
  const read = readPostgres([[columnRow(table, column, 0, false)], [], [], enumRows(state)], { excludeTables: [] });
  return read.tables[0]!.columns[0]!;
}

/** A column re-read with one attribute changed (type, default or nullability), as the catalog would show it. */
export function rereadColumn(
  table: string,
  column: Column,
  change: Partial<Pick<WrittenColumn, "dataType" | "isArray" | "enumName" | "defaultExpr" | "notNull">>,
  state: Snapshot,
): Column {
  const written: WrittenColumn = {
    ...writtenFrom(column),
    ...change,
  };
  return buildColumn(table, written, state);
}

/** The foreign key a REFERENCES clause of `table` adds. */
export function buildForeignKey(
  table: string,
  columns: string[],
  reference: WrittenReference,
  state: Snapshot,
): ForeignKey {
  const row = foreignKeyRow(table, columns, reference, state);
  const read = readPostgres([[{ table_name: table, column_name: null }], [row], [], []], { excludeTables: [] });
  return read.tables[0]!.foreignKeys[0]!;
}

/** The name PostgreSQL gives an unnamed constraint or index: `<table>_<columns>_<suffix>`, at most 63 bytes. */
export function pgName(table: string, columns: string[], suffix: "key" | "fkey" | "idx" | "pkey" | "check"): string {
  return truncateIdentifier(suffix === "pkey" ? `${table}_pkey` : `${table}_${columns.join("_")}_${suffix}`);
}

/**
 * The name PostgreSQL gives an unnamed CHECK: `<table>_<column>_check` when the expression names
 * exactly one of the table's columns, else `<table>_check`; a name already `taken` gets 1, 2, … appended.
 */
export function pgCheckName(
  table: string,
  expression: string,
  columns: readonly string[],
  taken: ReadonlySet<string>,
): string {
  const named = new Set(
    tokens(expression)
      .flatMap((token) =>
        token.kind === "identifier" ? [token.value] : token.kind === "word" ? [token.value.toLowerCase()] : [],
      )
      .filter((word) => columns.includes(word)),
  );
  const stem = named.size === 1 ? `${table}_${[...named][0]}_check` : `${table}_check`;
  for (let n = 0; ; n++) {
    const candidate = truncateIdentifier(n === 0 ? stem : `${stem}${n}`);
    if (!taken.has(candidate)) return candidate;
  }
}

// internal

/** The catalog row of a CHECK, as introspection reads a check written without viborm's comment. */
function checkRow(table: string, name: string, expression: string): Row {
  return { table_name: table, name, kind: "c", columns: "[]", definition: `CHECK (${expression})` };
}

function readColumnConstraint(cursor: Cursor, column: WrittenColumn): void {
  const name = cursor.acceptWord("CONSTRAINT") ? cursor.name() : undefined;
  if (cursor.acceptWord("NOT")) {
    cursor.expectWord("NULL");
    column.notNull = true;
  } else if (cursor.acceptWord("NULL")) {
    column.notNull = false;
  } else if (cursor.acceptWord("DEFAULT")) {
    const start = cursor.position();
    while (
      !cursor.done() &&
      !(cursor.peek()!.kind === "word" && CONSTRAINT_WORDS.has(cursor.peek()!.value.toUpperCase()))
    ) {
      if (cursor.peek()!.value === "(") cursor.skipGroup();
      else cursor.next();
    }
    column.defaultExpr = cursor.text(start, cursor.position());
  } else if (cursor.acceptWord("PRIMARY")) {
    cursor.expectWord("KEY");
    column.primaryKey = true;
    column.notNull = true;
  } else if (cursor.acceptWord("UNIQUE")) {
    skipNullsDistinct(cursor);
    column.unique = name === undefined ? {} : { name };
  } else if (cursor.acceptWord("CHECK")) {
    column.checks.push({ ...(name === undefined ? {} : { name }), expression: cursor.groupText() });
    cursor.acceptWord("NO") && cursor.expectWord("INHERIT");
  } else if (cursor.acceptWord("REFERENCES")) {
    column.references = readReference(cursor, name);
  } else if (cursor.acceptWord("GENERATED")) {
    readGenerated(cursor, column);
  } else if (cursor.acceptWord("COLLATE")) {
    cursor.qualifiedName();
  } else {
    cursor.fail("a column constraint");
  }
  skipConstraintTail(cursor);
}

function readGenerated(cursor: Cursor, column: WrittenColumn): void {
  if (!cursor.acceptWord("ALWAYS")) cursor.expectWord("BY", "DEFAULT");
  cursor.expectWord("AS");
  if (cursor.peek()?.value === "(") {
    column.generated = cursor.groupText().trim();
    cursor.expectWord("STORED");
    return;
  }
  cursor.expectWord("IDENTITY");
  if (cursor.peek()?.value === "(") cursor.skipGroup();
  column.identity = true;
  column.notNull = true;
}

function readReference(cursor: Cursor, name: string | undefined): WrittenReference {
  const reference: WrittenReference = {
    ...(name === undefined ? {} : { name }),
    table: cursor.qualifiedName(),
    columns: cursor.peek()?.value === "(" ? nameList(cursor) : [],
    onDelete: "a",
    onUpdate: "a",
  };
  for (;;) {
    if (cursor.acceptWord("MATCH")) cursor.next();
    else if (cursor.acceptWord("ON")) {
      const which = cursor.acceptWord("DELETE") ? "onDelete" : "onUpdate";
      if (which === "onUpdate") cursor.expectWord("UPDATE");
      reference[which] = readAction(cursor);
      if (cursor.peek()?.value === "(") cursor.skipGroup(); // SET NULL (columns), PostgreSQL 15
    } else return reference;
  }
}

function readAction(cursor: Cursor): string {
  if (cursor.acceptWord("CASCADE")) return "c";
  if (cursor.acceptWord("RESTRICT")) return "r";
  if (cursor.acceptWord("NO")) {
    cursor.expectWord("ACTION");
    return "a";
  }
  cursor.expectWord("SET");
  if (cursor.acceptWord("NULL")) return "n";
  cursor.expectWord("DEFAULT");
  return "d";
}

/** DEFERRABLE, INITIALLY …, NOT VALID (the caller reads NOT VALID first when it matters). */
function skipConstraintTail(cursor: Cursor): void {
  for (;;) {
    if (cursor.acceptWord("DEFERRABLE") || (isWord(cursor.peek(), "NOT") && isWord(cursor.peek(1), "DEFERRABLE"))) {
      cursor.acceptWord("NOT") && cursor.acceptWord("DEFERRABLE");
    } else if (cursor.acceptWord("INITIALLY")) {
      cursor.next();
    } else if (isWord(cursor.peek(), "NOT") && isWord(cursor.peek(1), "VALID")) {
      cursor.next();
      cursor.next();
    } else if (cursor.acceptWord("INCLUDE") || cursor.acceptWord("WITH")) {
      cursor.skipGroup();
    } else if (cursor.acceptWord("USING")) {
      cursor.expectWord("INDEX");
      cursor.expectWord("TABLESPACE");
      cursor.name();
    } else return;
  }
}

function skipNullsDistinct(cursor: Cursor): void {
  if (!cursor.acceptWord("NULLS")) return;
  cursor.acceptWord("NOT");
  cursor.expectWord("DISTINCT");
}

/** A parenthesised list of column names. */
export function nameList(cursor: Cursor): string[] {
  return cursor.nameList((element) => {
    const name = element.name();
    if (!element.done()) element.fail("a column name");
    return name;
  });
}

/** A catalog row for a column; `forcedNotNull` for a member of a table-level PRIMARY KEY. */
function columnRow(table: string, column: WrittenColumn, position: number, forcedNotNull: boolean): Row {
  return {
    table_name: table,
    column_name: column.name,
    position: position + 1,
    data_type: column.dataType,
    is_array: column.isArray,
    enum_name: column.enumName,
    not_null: column.notNull || column.identity || forcedNotNull,
    default_expr: column.generated ?? column.defaultExpr,
    is_identity: column.identity,
    is_generated: column.generated !== undefined,
  };
}

function constraintNotNull(column: WrittenColumn, constraints: WrittenConstraints): boolean {
  return constraints.primaryKey?.columns.includes(column.name) ?? false;
}

function keyRow(table: string, name: string, kind: "p" | "u", columns: string[]): Row {
  return { table_name: table, name, kind, columns: JSON.stringify(columns) };
}

function foreignKeyRow(table: string, columns: string[], reference: WrittenReference, state: Snapshot): Row {
  const parent = state.tables.find((item) => item.name === reference.table);
  const referenced =
    reference.columns.length > 0
      ? reference.columns
      : (parent?.primaryKey?.columns ?? unreadable(`table ${reference.table} has no primary key to reference`));
  return {
    table_name: table,
    name: reference.name ?? pgName(table, columns, "fkey"),
    kind: "f",
    columns: JSON.stringify(columns),
    referenced_table: reference.table,
    referenced_columns: JSON.stringify(referenced),
    on_delete: reference.onDelete,
    on_update: reference.onUpdate,
  };
}

function enumRows(state: Snapshot): Row[] {
  return state.enums.map((item) => ({ name: item.name, values: JSON.stringify(item.values) }));
}

/** A snapshot column spelled back as written text, for re-reading it with one attribute changed. */
function writtenFrom(column: Column): WrittenColumn {
  const { dataType, isArray, enumName } = spelledType(column);
  return {
    name: column.name,
    dataType,
    isArray,
    enumName,
    notNull: !column.nullable,
    defaultExpr: column.autoIncrement || column.generated ? null : defaultSql(column),
    identity: column.autoIncrement,
    ...(column.generated ? { generated: column.generated.expression } : {}),
    primaryKey: false,
    unique: null,
    references: null,
    checks: [],
  };
}
