/**
 * Reads one statement of a PostgreSQL migration (generated, or written by hand) as the operations
 * it amounts to against the schema before it.
 *
 * Covered: CREATE/DROP TABLE, CREATE [UNIQUE] INDEX [CONCURRENTLY] (methods, operator classes,
 * sort order, partial) and DROP INDEX, ALTER TABLE (see parse-alter.ts), ALTER INDEX … RENAME,
 * CREATE/ALTER/DROP TYPE … ENUM, data statements, and views, functions, triggers, sequences,
 * extensions, comments, grants and settings as outside the schema. Anything else (a `DO` block,
 * a table made by `AS SELECT` or `PARTITION OF`…) is `unknown`, never guessed.
 *
 * @see https://www.postgresql.org/docs/current/sql-commands.html
 */
import type { Operation } from "../../diff/operations.js";
import type { Index, IndexColumnOptions, Snapshot } from "../../schema/snapshot.js";
import { type Cursor, createCursor } from "../parse/cursor.js";
import {
  acceptIfExists,
  acceptIfNotExists,
  needTable,
  noop,
  readDataStatement,
  readStatement,
  referencingForeignKeys,
  schema,
  unreadable,
} from "../parse/resolve.js";
import { isWord } from "../parse/tokens.js";
import type { ParsedStatement, StatementHints } from "../types.js";
import { alterIndex, alterTable, alterType } from "./parse-alter.js";
import {
  buildTable,
  isTableConstraint,
  pgName,
  readColumn,
  readTableConstraint,
  tokens,
  type WrittenColumn,
  type WrittenConstraints,
} from "./parse-columns.js";

/**
 * The operations one PostgreSQL statement amounts to, or why it is not understood.
 *
 * @example parsePostgresStatement(`ALTER TABLE "users" ADD COLUMN "age" integer`, state) // → { kind: "schema", operations: [{ kind: "addColumn", … }] }
 */
export function parsePostgresStatement(sql: string, state: Snapshot): ParsedStatement {
  return readStatement(() => {
    const cursor = createCursor(sql, tokens(sql));
    const data = readDataStatement(cursor);
    if (data) return data;
    const first = cursor.next()?.value.toUpperCase() ?? "";
    switch (first) {
      case "CREATE":
        return create(cursor, state);
      case "DROP":
        return drop(cursor, state);
      case "ALTER":
        return alter(cursor, state);
      default:
        return outside(first) ?? unreadable(`${first || "an empty"} statement is not read`);
    }
  });
}

// internal

/** Statements that touch nothing a snapshot holds, by their first word. */
const OUTSIDE: Record<string, string> = {
  COMMENT: "comment",
  GRANT: "grant",
  REVOKE: "grant",
  SET: "setting",
  RESET: "setting",
  BEGIN: "transaction control",
  COMMIT: "transaction control",
  END: "transaction control",
  ROLLBACK: "transaction control",
  SAVEPOINT: "transaction control",
  RELEASE: "transaction control",
  START: "transaction control",
  ANALYZE: "maintenance",
  VACUUM: "maintenance",
  REINDEX: "maintenance",
  CLUSTER: "maintenance",
  REFRESH: "materialized view",
  LOCK: "lock",
  NOTIFY: "notification",
  LISTEN: "notification",
};

function outside(word: string): ParsedStatement | null {
  const what = OUTSIDE[word];
  return what ? { kind: "other", what } : null;
}

/** Object kinds outside the snapshot that CREATE, ALTER and DROP may name. */
const OTHER_OBJECTS = new Set([
  "VIEW",
  "MATERIALIZED",
  "FUNCTION",
  "PROCEDURE",
  "TRIGGER",
  "SEQUENCE",
  "SCHEMA",
  "EXTENSION",
  "POLICY",
  "ROLE",
  "USER",
  "RULE",
  "AGGREGATE",
  "OPERATOR",
  "PUBLICATION",
  "SUBSCRIPTION",
  "COLLATION",
  "STATISTICS",
  "EVENT",
  "SERVER",
  "DOMAIN",
]);

function otherObject(cursor: Cursor): ParsedStatement | null {
  let offset = 0;
  if (isWord(cursor.peek(), "OR") && isWord(cursor.peek(1), "REPLACE")) offset = 2;
  for (const word of ["TEMP", "TEMPORARY", "RECURSIVE", "CONSTRAINT", "TRUSTED", "PROCEDURAL"])
    if (isWord(cursor.peek(offset), word)) offset++;
  const token = cursor.peek(offset);
  if (token?.kind !== "word") return null;
  const word = token.value.toUpperCase();
  if (word === "DOMAIN") return unreadable("domains are not part of viborm's schema");
  return OTHER_OBJECTS.has(word) ? { kind: "other", what: word.toLowerCase() } : null;
}

function create(cursor: Cursor, state: Snapshot): ParsedStatement {
  const other = otherObject(cursor);
  if (other) return other;
  if (cursor.acceptWord("TYPE")) return createType(cursor, state);
  const unique = cursor.acceptWord("UNIQUE");
  if (cursor.acceptWord("INDEX")) return createIndex(cursor, state, unique);
  if (cursor.acceptWord("TEMP") || cursor.acceptWord("TEMPORARY")) return { kind: "other", what: "temporary table" };
  cursor.acceptWord("UNLOGGED");
  cursor.expectWord("TABLE");
  const ifNotExists = acceptIfNotExists(cursor);
  const name = cursor.qualifiedName();
  if (state.tables.some((table) => table.name === name))
    return ifNotExists ? noop() : unreadable(`table ${name} already exists`);
  if (cursor.acceptWord("PARTITION") || cursor.acceptWord("OF") || cursor.peek()?.value !== "(")
    return unreadable(`CREATE TABLE ${name} without a column list (AS, OF or PARTITION OF) is not read`);
  const open = cursor.expectPunct("(");
  const columns: WrittenColumn[] = [];
  const constraints: WrittenConstraints = { primaryKey: null, uniques: [], foreignKeys: [], checks: [] };
  for (const [start, end] of cursor.splitGroup(open)) {
    const element = cursor.sub(start, end);
    if (isWord(element.peek(), "LIKE")) return unreadable("CREATE TABLE … (LIKE …) is not read");
    if (isTableConstraint(element)) readTableConstraint(element, constraints);
    else columns.push(readColumn(element, state));
  }
  if (cursor.acceptWord("INHERITS")) return unreadable("table inheritance is not read");
  const table = buildTable(name, columns, constraints, state);
  return schema([{ kind: "createTable", table }]);
}

function createType(cursor: Cursor, state: Snapshot): ParsedStatement {
  const name = cursor.qualifiedName();
  if (!cursor.acceptWord("AS") || !cursor.acceptWord("ENUM")) return { kind: "other", what: "type" };
  const values = cursor.nameList((element) => {
    const token = element.next();
    if (token?.kind !== "string" || !element.done()) return element.fail("an enum value");
    return token.value;
  });
  if (state.enums.some((item) => item.name === name)) return unreadable(`type ${name} already exists`);
  return schema([{ kind: "createEnum", enum: { name, values } }]);
}

function createIndex(cursor: Cursor, state: Snapshot, unique: boolean): ParsedStatement {
  const hints: StatementHints = cursor.acceptWord("CONCURRENTLY") ? { concurrently: true } : {};
  const ifNotExists = acceptIfNotExists(cursor);
  const name = isWord(cursor.peek(), "ON") ? undefined : cursor.qualifiedName();
  cursor.expectWord("ON");
  cursor.acceptWord("ONLY");
  const table = needTable(state, cursor.qualifiedName());
  const method = cursor.acceptWord("USING") ? cursor.name().toLowerCase() : "btree";
  const open = cursor.expectPunct("(");
  const elements = cursor.splitGroup(open).map(([start, end]) => indexElement(cursor.sub(start, end)));
  const columns = elements.map((element) => element.column);
  const indexName = name ?? pgName(table.name, columns.map(bareName), "idx");
  if (
    state.tables.some((t) => t.indexes.some((i) => i.name === indexName) || t.uniques.some((u) => u.name === indexName))
  )
    return ifNotExists ? noop() : unreadable(`index ${indexName} already exists`);
  let where: string | undefined;
  while (!cursor.done()) {
    if (cursor.acceptWord("INCLUDE") || cursor.acceptWord("WITH")) cursor.skipGroup();
    else if (cursor.acceptWord("NULLS")) cursor.acceptWord("NOT") || cursor.expectWord("DISTINCT");
    else if (cursor.acceptWord("DISTINCT")) continue;
    else if (cursor.acceptWord("TABLESPACE")) cursor.name();
    else if (cursor.acceptWord("WHERE")) where = cursor.rest();
    else cursor.fail("the end of CREATE INDEX");
  }
  const options: Record<string, IndexColumnOptions> = {};
  for (const element of elements) if (element.options) options[element.column] = element.options;
  const index: Index = {
    name: indexName,
    columns,
    unique,
    ...(method !== "btree" ? { type: method } : {}),
    ...(where !== undefined ? { where } : {}),
    ...(Object.keys(options).length > 0 ? { columnOptions: options } : {}),
  };
  return schema([{ kind: "createIndex", table: table.name, index }], hints);
}

/** One element of an index's column list: a column (or an expression, as written) and its options. */
function indexElement(cursor: Cursor): { column: string; options?: IndexColumnOptions } {
  const start = cursor.position();
  const first = cursor.peek();
  let column: string;
  if (first?.value === "(") {
    // Kept in its parentheses, as PostgreSQL prints an expression key part (see `Index.columns`).
    cursor.skipGroup();
    column = cursor.text(start, cursor.position());
  } else if ((first?.kind === "word" || first?.kind === "identifier") && cursor.peek(1)?.value === "(") {
    cursor.next();
    cursor.skipGroup();
    column = cursor.text(start, cursor.position());
  } else {
    column = cursor.name();
  }
  const options: IndexColumnOptions = {};
  while (!cursor.done()) {
    if (cursor.acceptWord("COLLATE")) cursor.qualifiedName();
    else if (cursor.acceptWord("ASC")) continue;
    else if (cursor.acceptWord("DESC")) options.order = "desc";
    else if (cursor.acceptWord("NULLS")) cursor.next();
    else {
      options.opclass = cursor.qualifiedName();
      if (cursor.peek()?.value === "(") cursor.skipGroup();
    }
  }
  return Object.keys(options).length > 0 ? { column, options } : { column };
}

function bareName(column: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(column) ? column : "expr";
}

function drop(cursor: Cursor, state: Snapshot): ParsedStatement {
  const other = otherObject(cursor);
  if (other) return other;
  if (cursor.acceptWord("TYPE")) return dropType(cursor, state);
  if (cursor.acceptWord("INDEX")) return dropIndex(cursor, state);
  cursor.expectWord("TABLE");
  const ifExists = acceptIfExists(cursor);
  const names = commaNames(cursor);
  const cascade = cursor.acceptWord("CASCADE");
  let current = state;
  const operations: Operation[] = [];
  for (const name of names) {
    const table = current.tables.find((item) => item.name === name);
    if (!table) {
      if (ifExists) continue;
      return unreadable(`table ${name} does not exist`);
    }
    const external = referencingForeignKeys(current, name).filter((op) => !names.includes(op.table));
    if (external.length > 0 && !cascade)
      return unreadable(
        `table ${name} is still referenced by ${external[0]!.table} (DROP TABLE without CASCADE fails)`,
      );
    operations.push(...external);
    operations.push({ kind: "dropTable", table });
    current = { ...current, tables: current.tables.filter((item) => item.name !== name) };
  }
  return operations.length === 0 ? noop() : schema(operations);
}

function dropIndex(cursor: Cursor, state: Snapshot): ParsedStatement {
  const hints: StatementHints = cursor.acceptWord("CONCURRENTLY") ? { concurrently: true } : {};
  const ifExists = acceptIfExists(cursor);
  const operations: Operation[] = [];
  for (const name of commaNames(cursor)) {
    const table = state.tables.find((item) => item.indexes.some((index) => index.name === name));
    if (!table) {
      if (state.tables.some((item) => item.uniques.some((unique) => unique.name === name)))
        return unreadable(`index ${name} belongs to a unique constraint: drop the constraint instead`);
      if (ifExists) continue;
      return unreadable(`index ${name} does not exist`);
    }
    operations.push({ kind: "dropIndex", table: table.name, index: table.indexes.find((i) => i.name === name)! });
  }
  return operations.length === 0 ? noop() : schema(operations, hints);
}

function dropType(cursor: Cursor, state: Snapshot): ParsedStatement {
  const ifExists = acceptIfExists(cursor);
  const operations: Operation[] = [];
  for (const name of commaNames(cursor)) {
    const item = state.enums.find((candidate) => candidate.name === name);
    if (item) operations.push({ kind: "dropEnum", enum: item });
    else if (!ifExists) return { kind: "other", what: "type" };
  }
  return operations.length === 0 ? noop() : schema(operations);
}

function alter(cursor: Cursor, state: Snapshot): ParsedStatement {
  if (cursor.acceptWord("TABLE")) return alterTable(cursor, state);
  if (cursor.acceptWord("TYPE")) return alterType(cursor, state);
  if (cursor.acceptWord("INDEX")) return alterIndex(cursor, state);
  return otherObject(cursor) ?? unreadable("this ALTER statement is not read");
}

/** `a, b, c` names up to the next word that is not a name list. */
function commaNames(cursor: Cursor): string[] {
  const names = [cursor.qualifiedName()];
  while (cursor.peek()?.value === ",") {
    cursor.next();
    names.push(cursor.qualifiedName());
  }
  return names;
}
