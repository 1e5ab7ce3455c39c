/**
 * Reads one statement of a MySQL/MariaDB migration (generated, or written by hand) as the
 * operations it amounts to against the schema before it.
 *
 * Covered: CREATE/DROP TABLE, RENAME TABLE, ALTER TABLE (ADD/DROP/MODIFY/CHANGE/ALTER/RENAME
 * COLUMN, ADD/DROP/RENAME INDEX and KEY, PRIMARY KEY, FOREIGN KEY, RENAME TO, ALGORITHM= and LOCK=),
 * CHECK constraints (table and column, ADD/DROP CONSTRAINT, DROP CHECK), key columns' prefix
 * lengths and DESC, CREATE [UNIQUE|FULLTEXT] INDEX … ON and DROP INDEX … ON, data statements, and
 * views, triggers, routines, events and settings as outside the schema. Anything else is
 * `unknown`, never guessed.
 *
 * @see https://dev.mysql.com/doc/refman/8.0/en/alter-table.html
 */
import { applyOperationWith } from "../../diff/apply.js";
import type { Operation } from "../../diff/operations.js";
import type { Column, Snapshot, Table } from "../../schema/snapshot.js";
import { type Cursor, createCursor } from "../parse/cursor.js";
import {
  acceptIfExists,
  acceptIfNotExists,
  dropColumnOperations,
  needColumn,
  needTable,
  noop,
  readDataStatement,
  readStatement,
  schema,
  unreadable,
} from "../parse/resolve.js";
import { isWord } from "../parse/tokens.js";
import type { ParsedStatement, StatementHints } from "../types.js";
import { isKeyDefinition, readColumn, readKey, tokens, type WrittenColumn, type WrittenKey } from "./parse-columns.js";
import { diffKeys, keyOperations } from "./parse-keys.js";
import { buildTable, writtenTable } from "./parse-rows.js";

/**
 * The operations one MySQL statement amounts to, or why it is not understood.
 *
 * @example parseMysqlStatement("ALTER TABLE `users` ADD COLUMN `age` INT NULL", state) // → { kind: "schema", operations: [{ kind: "addColumn", … }] }
 */
export function parseMysqlStatement(sql: string, state: Snapshot): ParsedStatement {
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
        if (!cursor.acceptWord("TABLE")) return other(cursor) ?? unreadable("this ALTER statement is not read");
        return alterTable(cursor, state);
      case "RENAME":
        return renameTables(cursor, state);
      default:
        return OUTSIDE[first]
          ? { kind: "other", what: OUTSIDE[first]! }
          : unreadable(`${first || "an empty"} statement is not read`);
    }
  });
}

// internal

const OUTSIDE: Record<string, string> = {
  SET: "setting",
  START: "transaction control",
  BEGIN: "transaction control",
  COMMIT: "transaction control",
  ROLLBACK: "transaction control",
  GRANT: "grant",
  REVOKE: "grant",
  ANALYZE: "maintenance",
  OPTIMIZE: "maintenance",
  FLUSH: "maintenance",
  LOCK: "lock",
  UNLOCK: "lock",
  DO: "expression",
};

const OTHER_OBJECTS = new Set([
  "VIEW",
  "TRIGGER",
  "PROCEDURE",
  "FUNCTION",
  "EVENT",
  "USER",
  "ROLE",
  "DATABASE",
  "SCHEMA",
  "SERVER",
]);

function other(cursor: Cursor): ParsedStatement | null {
  let offset = 0;
  if (isWord(cursor.peek(), "OR") && isWord(cursor.peek(1), "REPLACE")) offset = 2;
  while (["ALGORITHM", "DEFINER", "SQL"].some((word) => isWord(cursor.peek(offset), word))) {
    // ALGORITHM = x, DEFINER = user@host, SQL SECURITY x: skip to the object word.
    offset++;
    while (cursor.peek(offset) && !OTHER_OBJECTS.has(cursor.peek(offset)!.value.toUpperCase())) offset++;
  }
  const word = cursor.peek(offset)?.value.toUpperCase() ?? "";
  if (word === "DATABASE" || word === "SCHEMA") return unreadable(`${word} statements are not read`);
  return OTHER_OBJECTS.has(word) ? { kind: "other", what: word.toLowerCase() } : null;
}

function create(cursor: Cursor, state: Snapshot): ParsedStatement {
  const outside = other(cursor);
  if (outside) return outside;
  let kind: WrittenKey["kind"] | null = null;
  if (cursor.acceptWord("UNIQUE")) kind = "unique";
  else if (cursor.acceptWord("FULLTEXT")) kind = "fulltext";
  else if (cursor.acceptWord("SPATIAL")) kind = "spatial";
  if (cursor.acceptWord("INDEX")) return createIndex(cursor, state, kind ?? "index");
  if (cursor.acceptWord("TEMPORARY")) return { kind: "other", what: "temporary table" };
  cursor.expectWord("TABLE");
  const ifNotExists = acceptIfNotExists(cursor);
  const name = cursor.qualifiedName();
  if (state.tables.some((table) => table.name === name))
    return ifNotExists ? noop() : unreadable(`table ${name} already exists`);
  if (cursor.peek()?.value !== "(")
    return unreadable(`CREATE TABLE ${name} without a column list (LIKE, AS SELECT) is not read`);
  const open = cursor.expectPunct("(");
  const columns: WrittenColumn[] = [];
  const keys: WrittenKey[] = [];
  for (const [start, end] of cursor.splitGroup(open)) {
    const element = cursor.sub(start, end);
    if (isKeyDefinition(element)) keys.push(readKey(element));
    else columns.push(readColumn(element));
  }
  if (
    !cursor.done() &&
    [...Array(cursor.end() - cursor.position()).keys()].some((i) => isWord(cursor.peek(i), "SELECT"))
  )
    return unreadable(`CREATE TABLE ${name} … SELECT is not read`);
  return schema([{ kind: "createTable", table: buildTable(name, columns, keys, state) }]);
}

function createIndex(cursor: Cursor, state: Snapshot, kind: WrittenKey["kind"]): ParsedStatement {
  const name = cursor.name();
  if (cursor.acceptWord("USING")) cursor.next();
  cursor.expectWord("ON");
  const table = needTable(state, cursor.qualifiedName());
  // What follows reads like the key part of `ADD INDEX name (…)`, then ALGORITHM= / LOCK=.
  const rest = cursor.sub(cursor.position(), cursor.end());
  const key = readKey(rest);
  const options = key.options === undefined ? {} : { options: key.options };
  return keyChange(table, state, [{ kind, name, columns: key.columns, ...options }], [], readAlgorithm(rest));
}

function drop(cursor: Cursor, state: Snapshot): ParsedStatement {
  const outside = other(cursor);
  if (outside) return outside;
  if (cursor.acceptWord("INDEX")) {
    const name = cursor.name();
    cursor.expectWord("ON");
    const table = needTable(state, cursor.qualifiedName());
    return keyChange(table, state, [], [{ kind: "index", name, columns: [] }], readAlgorithm(cursor));
  }
  cursor.acceptWord("TEMPORARY");
  cursor.expectWord("TABLE");
  const ifExists = acceptIfExists(cursor);
  const operations: Operation[] = [];
  do {
    const name = cursor.qualifiedName();
    const table = state.tables.find((item) => item.name === name);
    if (table) operations.push({ kind: "dropTable", table });
    else if (!ifExists) return unreadable(`table ${name} does not exist`);
  } while (cursor.peek()?.value === "," && cursor.next());
  return operations.length === 0 ? noop() : schema(operations);
}

function renameTables(cursor: Cursor, state: Snapshot): ParsedStatement {
  cursor.expectWord("TABLE");
  const operations: Operation[] = [];
  let current = state;
  do {
    const from = needTable(current, cursor.qualifiedName()).name;
    cursor.expectWord("TO");
    const operation: Operation = { kind: "renameTable", from, to: cursor.qualifiedName() };
    operations.push(operation);
    current = applyOperationWith(current, operation, { references: false });
  } while (cursor.peek()?.value === "," && cursor.next());
  return schema(operations);
}

/** `ALTER TABLE t spec, spec…`: each spec read against the table as the previous ones left it. */
function alterTable(cursor: Cursor, state: Snapshot): ParsedStatement {
  const name = cursor.qualifiedName();
  let table = needTable(state, name);
  const hints: StatementHints = {};
  const operations: Operation[] = [];
  let current = state;
  // A foreign key's own index is part of it in the snapshot: `DROP INDEX` of it changes nothing more.
  const ownIndexes = new Set(table.foreignKeys.map((foreignKey) => foreignKey.name.toLowerCase()));
  for (const [start, end] of topLevelSpecs(cursor)) {
    const spec = cursor.sub(start, end);
    const read = readSpec(spec, table, current, hints, ownIndexes);
    for (const operation of read) current = applyOperationWith(current, operation, { references: false });
    operations.push(...read);
    const renamed = read.find((operation) => operation.kind === "renameTable");
    table = needTable(current, renamed?.kind === "renameTable" ? renamed.to : table.name);
  }
  return schema(operations, hints);
}

function readSpec(
  cursor: Cursor,
  table: Table,
  state: Snapshot,
  hints: StatementHints,
  ownIndexes: ReadonlySet<string>,
): Operation[] {
  const which = cursor.acceptWord("ALGORITHM") ? "algorithm" : cursor.acceptWord("LOCK") ? "lock" : null;
  if (which) {
    if (cursor.peek()?.value === "=") cursor.next();
    hints[which] = cursor.next()!.value.toUpperCase();
    return [];
  }
  if (cursor.acceptWord("ADD")) {
    if (isKeyDefinition(cursor)) return keyOperations(table, state, [readKey(cursor)], []);
    cursor.acceptWord("COLUMN");
    if (acceptIfNotExists(cursor) && table.columns.some((c) => c.name === cursor.peek()?.value)) return [];
    if (cursor.peek()?.value === "(") {
      const open = cursor.expectPunct("(");
      return cursor
        .splitGroup(open)
        .flatMap(([start, end]) => addColumn(table, readColumn(cursor.sub(start, end)), state));
    }
    return addColumn(table, readColumn(cursor), state);
  }
  if (cursor.acceptWord("DROP")) return dropSpec(cursor, table, state, ownIndexes);
  if (cursor.acceptWord("MODIFY")) {
    cursor.acceptWord("COLUMN");
    const written = readColumn(cursor);
    return changeColumn(table, needColumn(table, written.name), written, state, written.name);
  }
  if (cursor.acceptWord("CHANGE")) {
    cursor.acceptWord("COLUMN");
    const from = needColumn(table, cursor.name());
    const written = readColumn(cursor);
    if (written.name === from.name) return changeColumn(table, from, written, state, from.name);
    const rename: Operation = { kind: "renameColumn", table: table.name, from: from.name, to: written.name };
    const renamed = applyOperationWith(state, rename, { references: false });
    const next = needTable(renamed, table.name);
    return [rename, ...changeColumn(next, needColumn(next, written.name), written, renamed, from.name)];
  }
  if (cursor.acceptWord("ALTER")) return alterColumnSpec(cursor, table, state);
  if (cursor.acceptWord("RENAME")) return renameSpec(cursor, table, state);
  if (cursor.acceptWord("FORCE")) return [];
  if (
    ["ENGINE", "AUTO_INCREMENT", "COMMENT", "ROW_FORMAT", "DEFAULT", "CHARSET", "COLLATE", "KEY_BLOCK_SIZE"].some((w) =>
      isWord(cursor.peek(), w),
    )
  )
    return [];
  return unreadable(`ALTER TABLE … ${cursor.peek()?.value ?? ""} is not read`);
}

function addColumn(table: Table, written: WrittenColumn, state: Snapshot): Operation[] {
  if (table.columns.some((column) => column.name === written.name))
    return unreadable(`column ${table.name}.${written.name} already exists`);
  const { columns, keys } = writtenTable(table);
  const added = [...columns, written];
  const read = buildTable(table.name, added, keys, state);
  const operations: Operation[] = [
    { kind: "addColumn", table: table.name, column: read.columns.find((c) => c.name === written.name)! },
  ];
  const extra: WrittenKey[] = [];
  if (written.primaryKey) extra.push({ kind: "primary", columns: [written.name] });
  if (written.unique) extra.push({ kind: "unique", columns: [written.name] });
  if (written.check !== undefined)
    extra.push({ kind: "check", name: written.name, columns: [], expression: written.check, column: written.name });
  if (extra.length === 0) return operations;
  const after = applyOperationWith(state, operations[0]!, { references: false });
  return [...operations, ...keyOperations(needTable(after, table.name), after, extra, [])];
}

/**
 * A MODIFY, CHANGE or ALTER COLUMN of `from`. A MODIFY or CHANGE is a whole new definition
 * (`redefined`: the column's name before it): MariaDB replaces the column's own CHECK, one written
 * in its definition (see `Check.column`), with the one the new definition carries, or drops it.
 */
function changeColumn(
  table: Table,
  from: Column,
  written: WrittenColumn,
  state: Snapshot,
  redefined?: string,
): Operation[] {
  const { columns, keys } = writtenTable(table);
  const definitions = columns.map((column) => (column.name === written.name ? written : column));
  const own = (key: WrittenKey) => key.kind === "check" && key.column !== undefined && key.column === redefined;
  if (written.check === undefined && !keys.some(own)) {
    const read = buildTable(table.name, definitions, keys, state);
    const to = read.columns.find((column) => column.name === written.name)!;
    return JSON.stringify(to) === JSON.stringify(from) ? [] : [{ kind: "alterColumn", table: table.name, from, to }];
  }
  return diffKeys(
    table,
    buildTable(
      table.name,
      definitions,
      keys.filter((key) => !own(key)),
      state,
    ),
  );
}

function alterColumnSpec(cursor: Cursor, table: Table, state: Snapshot): Operation[] {
  cursor.acceptWord("COLUMN");
  const from = needColumn(table, cursor.name());
  const { columns } = writtenTable(table);
  const written = { ...columns.find((column) => column.name === from.name)! };
  if (cursor.acceptWord("SET")) {
    if (cursor.acceptWord("VISIBLE") || cursor.acceptWord("INVISIBLE")) return [];
    cursor.expectWord("DEFAULT");
    // Read as the DEFAULT of a throwaway column definition: one reader for every default.
    const definition = `x int DEFAULT ${cursor.rest()}`;
    written.defaultRaw = readColumn(createCursor(definition, tokens(definition))).defaultRaw;
  } else {
    cursor.expectWord("DROP", "DEFAULT");
    written.defaultRaw = null;
  }
  return changeColumn(table, from, written, state);
}

function dropSpec(cursor: Cursor, table: Table, state: Snapshot, ownIndexes: ReadonlySet<string>): Operation[] {
  if (cursor.acceptWord("PRIMARY")) {
    cursor.expectWord("KEY");
    return keyOperations(table, state, [], [{ kind: "primary", columns: [] }]);
  }
  if (cursor.acceptWord("INDEX") || cursor.acceptWord("KEY")) {
    const name = cursor.name();
    const listed = [...table.uniques, ...table.indexes].some((key) => key.name.toLowerCase() === name.toLowerCase());
    if (!listed && ownIndexes.has(name.toLowerCase())) return [];
    return keyOperations(table, state, [], [{ kind: "index", name, columns: [] }]);
  }
  if (cursor.acceptWord("FOREIGN")) {
    cursor.expectWord("KEY");
    return keyOperations(table, state, [], [{ kind: "foreign", name: cursor.name(), columns: [] }]);
  }
  if (cursor.acceptWord("CHECK")) return dropConstraint(cursor, table, state, ["check"]);
  if (cursor.acceptWord("CONSTRAINT")) return dropConstraint(cursor, table, state, ["check", "foreign", "index"]);
  cursor.acceptWord("COLUMN");
  const ifExists = acceptIfExists(cursor);
  const name = cursor.name();
  const column = table.columns.find((item) => item.name === name);
  if (!column) return ifExists ? [] : unreadable(`column ${table.name}.${name} does not exist`);
  // MariaDB drops a column's own CHECK (named after it) with the column.
  const ownCheck = table.checks?.find((check) => check.name === column.name);
  const dropOwn: Operation[] = ownCheck ? [{ kind: "dropCheck", table: table.name, check: ownCheck }] : [];
  return [...dropOwn, ...dropColumnOperations(state, table, column)];
}

/**
 * `DROP CHECK name` (MySQL 8) and `DROP CONSTRAINT [IF EXISTS] name`, which names a check, or on
 * MySQL 8.0.19+ a foreign key or unique key too.
 */
function dropConstraint(
  cursor: Cursor,
  table: Table,
  state: Snapshot,
  kinds: ("check" | "foreign" | "index")[],
): Operation[] {
  const ifExists = acceptIfExists(cursor);
  const name = cursor.name();
  const is = (other: string) => other.toLowerCase() === name.toLowerCase();
  if (table.checks?.some((check) => is(check.name)))
    return keyOperations(
      table,
      state,
      [],
      [{ kind: "check", name: table.checks.find((c) => is(c.name))!.name, columns: [] }],
    );
  if (kinds.includes("foreign") && table.foreignKeys.some((foreignKey) => is(foreignKey.name)))
    return keyOperations(table, state, [], [{ kind: "foreign", name, columns: [] }]);
  if (kinds.includes("index") && [...table.uniques, ...table.indexes].some((key) => is(key.name)))
    return keyOperations(table, state, [], [{ kind: "index", name, columns: [] }]);
  return ifExists ? [] : unreadable(`table ${table.name} has no constraint ${name}`);
}

function renameSpec(cursor: Cursor, table: Table, state: Snapshot): Operation[] {
  if (cursor.acceptWord("COLUMN")) {
    const from = needColumn(table, cursor.name()).name;
    cursor.expectWord("TO");
    return [{ kind: "renameColumn", table: table.name, from, to: cursor.name() }];
  }
  if (cursor.acceptWord("INDEX") || cursor.acceptWord("KEY")) {
    const from = cursor.name();
    cursor.expectWord("TO");
    const to = cursor.name();
    const unique = table.uniques.find((item) => item.name === from);
    if (unique)
      return [
        { kind: "dropUnique", table: table.name, unique },
        { kind: "addUnique", table: table.name, unique: { ...unique, name: to } },
      ];
    const index =
      table.indexes.find((item) => item.name === from) ?? unreadable(`table ${table.name} has no index ${from}`);
    return [
      { kind: "dropIndex", table: table.name, index },
      { kind: "createIndex", table: table.name, index: { ...index, name: to } },
    ];
  }
  cursor.acceptWord("TO") || cursor.acceptWord("AS");
  const to = cursor.qualifiedName();
  if (state.tables.some((item) => item.name === to)) return unreadable(`table ${to} already exists`);
  return [{ kind: "renameTable", from: table.name, to }];
}

function keyChange(
  table: Table,
  state: Snapshot,
  adds: WrittenKey[],
  drops: WrittenKey[],
  hints: StatementHints,
): ParsedStatement {
  return schema(keyOperations(table, state, adds, drops), hints);
}

function readAlgorithm(cursor: Cursor): StatementHints {
  const hints: StatementHints = {};
  while (!cursor.done()) {
    const word = cursor.next()!.value.toUpperCase();
    if (word !== "ALGORITHM" && word !== "LOCK") continue;
    if (cursor.peek()?.value === "=") cursor.next();
    hints[word === "ALGORITHM" ? "algorithm" : "lock"] = cursor.next()?.value.toUpperCase() ?? "";
  }
  return hints;
}

/** The top-level comma-separated specs from the cursor to the end. */
function topLevelSpecs(cursor: Cursor): [number, number][] {
  const ranges: [number, number][] = [];
  let start = cursor.position();
  let depth = 0;
  for (let i = start; i < cursor.end(); i++) {
    const token = cursor.peek(i - cursor.position())!;
    if (token.kind === "punct" && token.value === "(") depth++;
    if (token.kind === "punct" && token.value === ")") depth--;
    if (token.kind === "punct" && token.value === "," && depth === 0) {
      ranges.push([start, i]);
      start = i + 1;
    }
  }
  if (start < cursor.end()) ranges.push([start, cursor.end()]);
  return ranges.length > 0 ? ranges : unreadable("ALTER TABLE without a change");
}
