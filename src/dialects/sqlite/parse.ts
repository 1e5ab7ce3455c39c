/**
 * Parses the CREATE TABLE and CREATE INDEX statements SQLite keeps in `sqlite_master.sql`.
 *
 * Introspection reads that text instead of the `pragma_*()` table-valued functions because D1's
 * authorizer rejects those; it is also one catalog-wide query whatever the number of tables.
 * SQLite stores the text as written (and rewrites identifiers on RENAME), so the parser covers the
 * grammar a user or a tool may have written, not only ours.
 *
 * @see https://www.sqlite.org/lang_createtable.html
 * @see https://www.sqlite.org/lang_createindex.html
 */
import { type Cursor, createCursor } from "./cursor.js";
import { isWord, type Token, tokenize } from "./tokenize.js";

/** A DEFAULT clause as written: a literal, a keyword (CURRENT_TIMESTAMP, TRUE, NULL…) or `( expr )`. */
export type ParsedDefault =
  | { kind: "null" }
  | { kind: "string"; value: string }
  | { kind: "number"; text: string }
  | { kind: "blob"; text: string }
  | { kind: "keyword"; value: string }
  | { kind: "expression"; text: string };

export interface ParsedCheck {
  name?: string;
  /** The expression inside `CHECK ( … )`, verbatim. */
  expression: string;
}

export interface ParsedForeignKey {
  name?: string;
  columns: string[];
  table: string;
  /** Empty when the clause names no columns (SQLite then uses the parent's primary key). */
  referencedColumns: string[];
  onDelete?: string;
  onUpdate?: string;
}

export interface ParsedColumn {
  name: string;
  /** The declared type as written, e.g. `VARCHAR(255)`; empty when none. */
  type: string;
  notNull: boolean;
  primaryKey: boolean;
  autoIncrement: boolean;
  unique: { name?: string } | null;
  default: ParsedDefault | null;
  checks: ParsedCheck[];
}

export interface ParsedTable {
  name: string;
  columns: ParsedColumn[];
  /** From a table constraint or a column's PRIMARY KEY. */
  primaryKey: string[] | null;
  uniques: { name?: string; columns: string[] }[];
  checks: ParsedCheck[];
  foreignKeys: ParsedForeignKey[];
}

export interface ParsedIndex {
  name: string;
  table: string;
  unique: boolean;
  /** Column names, or the expression text for an expression index. */
  columns: string[];
  /** Some entry of `columns` is an expression, not a column name. */
  expressions: boolean;
  /** The plain columns written `DESC`, in index order. */
  descending: string[];
  /** The partial-index predicate, verbatim. */
  where?: string;
}

/**
 * Parses a `CREATE TABLE` statement; `null` for virtual tables, which hold no columns of their own.
 * Throws `SyntaxError` on text it cannot read.
 *
 * @example parseCreateTable(`CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)`)?.columns[0]?.name // → "id"
 */
export function parseCreateTable(sql: string): ParsedTable | null {
  const cursor = createCursor(sql, tokenize(sql));
  cursor.expectWord("CREATE");
  cursor.acceptWord("TEMP") || cursor.acceptWord("TEMPORARY");
  if (cursor.acceptWord("VIRTUAL")) return null;
  cursor.expectWord("TABLE");
  if (cursor.acceptWord("IF")) cursor.expectWord("NOT", "EXISTS");
  const name = cursor.qualifiedName();
  const open = cursor.expectPunct("(");
  const table: ParsedTable = { name, columns: [], primaryKey: null, uniques: [], checks: [], foreignKeys: [] };
  for (const [start, end] of cursor.splitGroup(open)) {
    const element = cursor.sub(start, end);
    if (isTableConstraint(element.peek())) parseTableConstraint(element, table);
    else parseColumn(element, table);
  }
  return table;
}

/**
 * Parses a `CREATE [UNIQUE] INDEX` statement. Throws `SyntaxError` on text it cannot read.
 *
 * @example parseCreateIndex(`CREATE INDEX "i" ON "t" ("a") WHERE "a" > 0`)?.where // → `"a" > 0`
 */
export function parseCreateIndex(sql: string): ParsedIndex {
  const cursor = createCursor(sql, tokenize(sql));
  cursor.expectWord("CREATE");
  const unique = cursor.acceptWord("UNIQUE");
  cursor.expectWord("INDEX");
  if (cursor.acceptWord("IF")) cursor.expectWord("NOT", "EXISTS");
  const name = cursor.qualifiedName();
  cursor.expectWord("ON");
  const table = cursor.name();
  const open = cursor.expectPunct("(");
  const entries = cursor.splitGroup(open).map(([start, end]) => indexEntry(cursor.sub(start, end)));
  const index: ParsedIndex = {
    name,
    table,
    unique,
    columns: entries.map((entry) => entry.column),
    expressions: entries.some((entry) => !entry.plain),
    descending: entries.filter((entry) => entry.desc).map((entry) => entry.column),
  };
  if (cursor.acceptWord("WHERE")) index.where = cursor.rest();
  return index;
}

/**
 * When `expression` is `<column> IN ('a', 'b', …)` (an enum CHECK), the column and the values; else `null`.
 *
 * @example parseInList(`"role" IN ('USER','ADMIN')`) // → { column: "role", values: ["USER", "ADMIN"] }
 */
export function parseInList(expression: string): { column: string; values: string[] } | null {
  const tokens = tokenize(expression);
  const [column, keyword, open] = tokens;
  const close = tokens[tokens.length - 1];
  if (!column || (column.kind !== "word" && column.kind !== "identifier")) return null;
  if (!isWord(keyword, "IN") || open?.value !== "(" || close?.value !== ")") return null;
  const inner = tokens.slice(3, -1);
  const values: string[] = [];
  for (let i = 0; i < inner.length; i++) {
    const token = inner[i]!;
    if (i % 2 === 0 && token.kind === "string") values.push(token.value);
    else if (i % 2 === 1 && token.value === ",") continue;
    else return null;
  }
  if (inner.length > 0 && inner.length % 2 === 0) return null;
  return { column: column.value, values };
}

// internal

const COLUMN_CONSTRAINT_WORDS = new Set([
  "CONSTRAINT",
  "PRIMARY",
  "NOT",
  "NULL",
  "UNIQUE",
  "CHECK",
  "DEFAULT",
  "COLLATE",
  "REFERENCES",
  "GENERATED",
  "AS",
]);

function isTableConstraint(token: Token | undefined): boolean {
  return ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"].some((word) => isWord(token, word));
}

function parseColumn(cursor: Cursor, table: ParsedTable): void {
  const name = cursor.name();
  const typeStart = cursor.position();
  while (!cursor.done()) {
    const token = cursor.peek()!;
    if (token.kind === "word" && COLUMN_CONSTRAINT_WORDS.has(token.value.toUpperCase())) break;
    if (token.value === "(") cursor.skipGroup();
    else cursor.next();
  }
  const column: ParsedColumn = {
    name,
    type: cursor.text(typeStart, cursor.position()).replace(/\s+/g, " "),
    notNull: false,
    primaryKey: false,
    autoIncrement: false,
    unique: null,
    default: null,
    checks: [],
  };
  while (!cursor.done()) parseColumnConstraint(cursor, table, column);
  table.columns.push(column);
}

function parseColumnConstraint(cursor: Cursor, table: ParsedTable, column: ParsedColumn): void {
  const name = cursor.acceptWord("CONSTRAINT") ? cursor.name() : undefined;
  if (cursor.acceptWord("PRIMARY")) {
    cursor.expectWord("KEY");
    cursor.acceptWord("ASC") || cursor.acceptWord("DESC");
    conflictClause(cursor);
    column.primaryKey = true;
    column.autoIncrement = cursor.acceptWord("AUTOINCREMENT");
    table.primaryKey = [column.name];
  } else if (cursor.acceptWord("NOT")) {
    cursor.expectWord("NULL");
    conflictClause(cursor);
    column.notNull = true;
  } else if (cursor.acceptWord("NULL")) {
    conflictClause(cursor);
  } else if (cursor.acceptWord("UNIQUE")) {
    conflictClause(cursor);
    column.unique = name === undefined ? {} : { name };
  } else if (cursor.acceptWord("CHECK")) {
    column.checks.push({ ...(name === undefined ? {} : { name }), expression: cursor.groupText() });
  } else if (cursor.acceptWord("DEFAULT")) {
    column.default = parseDefault(cursor);
  } else if (cursor.acceptWord("COLLATE")) {
    cursor.name();
  } else if (cursor.acceptWord("REFERENCES")) {
    table.foreignKeys.push(foreignKeyClause(cursor, name, [column.name]));
  } else if (cursor.acceptWord("GENERATED") || isWord(cursor.peek(), "AS")) {
    cursor.acceptWord("ALWAYS");
    cursor.expectWord("AS");
    cursor.skipGroup();
    cursor.acceptWord("STORED") || cursor.acceptWord("VIRTUAL");
  } else {
    cursor.fail("a column constraint");
  }
}

function parseTableConstraint(cursor: Cursor, table: ParsedTable): void {
  const name = cursor.acceptWord("CONSTRAINT") ? cursor.name() : undefined;
  if (cursor.acceptWord("PRIMARY")) {
    cursor.expectWord("KEY");
    table.primaryKey = cursor.nameList(indexedColumn);
    conflictClause(cursor);
  } else if (cursor.acceptWord("UNIQUE")) {
    table.uniques.push({ ...(name === undefined ? {} : { name }), columns: cursor.nameList(indexedColumn) });
    conflictClause(cursor);
  } else if (cursor.acceptWord("CHECK")) {
    table.checks.push({ ...(name === undefined ? {} : { name }), expression: cursor.groupText() });
  } else if (cursor.acceptWord("FOREIGN")) {
    cursor.expectWord("KEY");
    const columns = cursor.nameList((element) => element.name());
    cursor.expectWord("REFERENCES");
    table.foreignKeys.push(foreignKeyClause(cursor, name, columns));
  } else {
    cursor.fail("a table constraint");
  }
}

function foreignKeyClause(cursor: Cursor, name: string | undefined, columns: string[]): ParsedForeignKey {
  const foreignKey: ParsedForeignKey = { columns, table: cursor.name(), referencedColumns: [] };
  if (name !== undefined) foreignKey.name = name;
  if (cursor.peek()?.value === "(") foreignKey.referencedColumns = cursor.nameList((element) => element.name());
  for (;;) {
    if (cursor.acceptWord("ON")) {
      if (cursor.acceptWord("DELETE")) {
        foreignKey.onDelete = referentialAction(cursor);
      } else {
        cursor.expectWord("UPDATE");
        foreignKey.onUpdate = referentialAction(cursor);
      }
    } else if (cursor.acceptWord("MATCH")) {
      cursor.name();
    } else if (isWord(cursor.peek(), "DEFERRABLE") || isWord(cursor.peek(1), "DEFERRABLE")) {
      cursor.acceptWord("NOT");
      cursor.expectWord("DEFERRABLE");
      if (cursor.acceptWord("INITIALLY")) cursor.acceptWord("DEFERRED") || cursor.expectWord("IMMEDIATE");
    } else {
      return foreignKey;
    }
  }
}

function referentialAction(cursor: Cursor): string {
  if (cursor.acceptWord("SET")) {
    if (cursor.acceptWord("NULL")) return "SET NULL";
    cursor.expectWord("DEFAULT");
    return "SET DEFAULT";
  }
  if (cursor.acceptWord("NO")) {
    cursor.expectWord("ACTION");
    return "NO ACTION";
  }
  if (cursor.acceptWord("CASCADE")) return "CASCADE";
  if (cursor.acceptWord("RESTRICT")) return "RESTRICT";
  return cursor.fail("a referential action");
}

function conflictClause(cursor: Cursor): void {
  if (cursor.acceptWord("ON")) {
    cursor.expectWord("CONFLICT");
    cursor.next();
  }
}

function parseDefault(cursor: Cursor): ParsedDefault {
  const token = cursor.peek();
  if (token?.value === "(") return { kind: "expression", text: cursor.groupText() };
  if (token?.kind === "operator" && (token.value === "-" || token.value === "+")) {
    cursor.next();
    const number = cursor.next();
    if (number?.kind !== "number") return cursor.fail("a signed number");
    return { kind: "number", text: token.value === "-" ? `-${number.value}` : number.value };
  }
  cursor.next();
  if (!token) return cursor.fail("a default value");
  if (token.kind === "string") return { kind: "string", value: token.value };
  if (token.kind === "number") return { kind: "number", text: token.value };
  if (token.kind === "blob") return { kind: "blob", text: `X'${token.value}'` };
  // A double-quoted default names no column, so SQLite takes it as a string (a documented quirk).
  if (token.kind === "identifier") return { kind: "string", value: token.value };
  if (token.kind === "word") {
    const upper = token.value.toUpperCase();
    if (upper === "NULL") return { kind: "null" };
    if (DEFAULT_KEYWORDS.has(upper)) return { kind: "keyword", value: upper };
    // SQLite accepts a bare word as a string default too.
    return { kind: "string", value: token.value };
  }
  return cursor.fail("a default value");
}

const DEFAULT_KEYWORDS = new Set(["TRUE", "FALSE", "CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME"]);

/** An indexed column: its name when it is a plain (optionally collated or ordered) column, else its text. */
function indexedColumn(cursor: Cursor): string {
  const start = cursor.position();
  const first = cursor.peek();
  return isPlainColumn(cursor) ? first!.value : cursor.text(start, cursor.end());
}

/**
 * One entry of CREATE INDEX's list: a plain column (optionally with COLLATE) and whether it is
 * DESC, or, for anything else, the entry's text verbatim (its ASC/DESC included).
 */
function indexEntry(cursor: Cursor): { column: string; plain: boolean; desc: boolean } {
  const start = cursor.position();
  const first = cursor.next();
  if (first && (first.kind === "word" || first.kind === "identifier")) {
    while (cursor.acceptWord("COLLATE")) cursor.name();
    const desc = cursor.acceptWord("DESC");
    if (!desc) cursor.acceptWord("ASC");
    if (cursor.done()) return { column: first.value, plain: true, desc };
  }
  return { column: cursor.text(start, cursor.end()), plain: false, desc: false };
}

/** True when the cursor's range is one column name, optionally with COLLATE and ASC/DESC; consumes it. */
function isPlainColumn(cursor: Cursor): boolean {
  const first = cursor.next();
  if (!first || (first.kind !== "word" && first.kind !== "identifier")) return false;
  while (cursor.acceptWord("COLLATE")) cursor.name();
  cursor.acceptWord("ASC") || cursor.acceptWord("DESC");
  return cursor.done();
}
