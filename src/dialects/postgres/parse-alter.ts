/**
 * ALTER TABLE, ALTER TYPE and ALTER INDEX of hand-written PostgreSQL migrations, read as operations.
 * A multi-action ALTER TABLE is read action by action, each against the state the previous left.
 *
 * @see https://www.postgresql.org/docs/current/sql-altertable.html
 * @see https://www.postgresql.org/docs/current/sql-altertype.html
 */
import { applyOperationWith } from "../../diff/apply.js";
import type { Operation } from "../../diff/operations.js";
import type { Column, Snapshot, Table } from "../../schema/snapshot.js";
import type { Cursor } from "../parse/cursor.js";
import {
  acceptIfExists,
  acceptIfNotExists,
  alterColumn,
  dropColumnOperations,
  dropConstraintOperations,
  needColumn,
  needTable,
  noop,
  schema,
  unreadable,
} from "../parse/resolve.js";
import { isWord } from "../parse/tokens.js";
import type { ParsedStatement, StatementHints } from "../types.js";
import {
  buildColumn,
  buildForeignKey,
  isTableConstraint,
  pgCheckName,
  pgName,
  readColumn,
  readTableConstraint,
  rereadColumn,
  tokens,
  type WrittenConstraints,
} from "./parse-columns.js";
import { catalogType } from "./parse-types.js";

/** `ALTER TABLE [IF EXISTS] [ONLY] name action[, …]` or one of its RENAME forms (after `ALTER TABLE`). */
export function alterTable(cursor: Cursor, state: Snapshot): ParsedStatement {
  const ifExists = acceptIfExists(cursor);
  cursor.acceptWord("ONLY");
  const name = cursor.qualifiedName();
  if (cursor.peek()?.value === "*") cursor.next();
  if (ifExists && !state.tables.some((table) => table.name === name)) return noop();
  const table = needTable(state, name);
  if (cursor.acceptWord("RENAME")) return rename(cursor, table);
  const operations: Operation[] = [];
  const hints: StatementHints = {};
  let current = state;
  for (const [start, end] of topLevelActions(cursor)) {
    const action = cursor.sub(start, end);
    const read = readAction(action, needTable(current, name), current, hints);
    for (const operation of read) current = applyOperationWith(current, operation, { references: false });
    operations.push(...read);
  }
  return schema(operations, hints);
}

/** `ALTER TYPE name ADD VALUE | RENAME VALUE | RENAME TO …` of an enum (after `ALTER TYPE`). */
export function alterType(cursor: Cursor, state: Snapshot): ParsedStatement {
  const name = cursor.qualifiedName();
  const item = state.enums.find((candidate) => candidate.name === name);
  if (!item) return { kind: "other", what: "type" };
  if (cursor.acceptWord("ADD")) {
    cursor.expectWord("VALUE");
    const ifNotExists = acceptIfNotExists(cursor);
    const value = stringValue(cursor);
    if (item.values.includes(value)) return ifNotExists ? noop() : unreadable(`enum ${name} already has ${value}`);
    const values = [...item.values];
    if (cursor.acceptWord("BEFORE")) values.splice(indexOfValue(values, stringValue(cursor), name), 0, value);
    else if (cursor.acceptWord("AFTER")) values.splice(indexOfValue(values, stringValue(cursor), name) + 1, 0, value);
    else values.push(value);
    return schema([{ kind: "alterEnum", name, from: item.values, to: values }], { metadataOnly: true });
  }
  cursor.expectWord("RENAME");
  if (cursor.acceptWord("VALUE")) {
    const from = stringValue(cursor);
    cursor.expectWord("TO");
    const to = stringValue(cursor);
    indexOfValue(item.values, from, name);
    return schema([{ kind: "alterEnum", name, from: item.values, to: item.values.map((v) => (v === from ? to : v)) }], {
      metadataOnly: true,
    });
  }
  cursor.expectWord("TO");
  return schema(renameEnum(state, item.name, cursor.name()), { metadataOnly: true });
}

/** `ALTER INDEX [IF EXISTS] a RENAME TO b` (after `ALTER INDEX`); other index settings change nothing. */
export function alterIndex(cursor: Cursor, state: Snapshot): ParsedStatement {
  const ifExists = acceptIfExists(cursor);
  const name = cursor.qualifiedName();
  if (!cursor.acceptWord("RENAME")) return { kind: "other", what: "index setting" };
  cursor.expectWord("TO");
  const to = cursor.name();
  const table = state.tables.find(
    (t) => t.indexes.some((i) => i.name === name) || t.uniques.some((u) => u.name === name),
  );
  if (!table) return ifExists ? noop() : unreadable(`index ${name} does not exist`);
  const index = table.indexes.find((item) => item.name === name);
  if (index) {
    return schema(
      [
        { kind: "dropIndex", table: table.name, index },
        { kind: "createIndex", table: table.name, index: { ...index, name: to } },
      ],
      { metadataOnly: true },
    );
  }
  // The index of a unique constraint: renaming it renames the constraint.
  return renameUnique(table, name, to);
}

// internal

function rename(cursor: Cursor, table: Table): ParsedStatement {
  if (cursor.acceptWord("TO")) return schema([{ kind: "renameTable", from: table.name, to: cursor.name() }]);
  if (cursor.acceptWord("CONSTRAINT")) {
    const from = cursor.name();
    cursor.expectWord("TO");
    return renameUnique(table, from, cursor.name());
  }
  cursor.acceptWord("COLUMN");
  const from = needColumn(table, cursor.name()).name;
  cursor.expectWord("TO");
  return schema([{ kind: "renameColumn", table: table.name, from, to: cursor.name() }]);
}

function renameUnique(table: Table, from: string, to: string): ParsedStatement {
  const unique = table.uniques.find((item) => item.name === from);
  if (unique) {
    return schema(
      [
        { kind: "dropUnique", table: table.name, unique },
        { kind: "addUnique", table: table.name, unique: { ...unique, name: to } },
      ],
      { metadataOnly: true },
    );
  }
  const foreignKey = table.foreignKeys.find((item) => item.name === from);
  if (foreignKey) {
    return schema(
      [
        { kind: "dropForeignKey", table: table.name, foreignKey },
        { kind: "addForeignKey", table: table.name, foreignKey: { ...foreignKey, name: to } },
      ],
      { metadataOnly: true },
    );
  }
  // A primary key's name is not part of the snapshot.
  if (table.primaryKey && from === pgName(table.name, [], "pkey")) return schema([], { metadataOnly: true });
  return unreadable(`table ${table.name} has no constraint ${from}`);
}

/** One action of a multi-action ALTER TABLE. */
function readAction(cursor: Cursor, table: Table, state: Snapshot, hints: StatementHints): Operation[] {
  if (cursor.acceptWord("ADD")) {
    if (isTableConstraint(cursor)) return addConstraint(cursor, table, state, hints);
    cursor.acceptWord("COLUMN");
    const ifNotExists = acceptIfNotExists(cursor);
    const written = readColumn(cursor, state);
    if (table.columns.some((column) => column.name === written.name)) {
      return ifNotExists ? [] : unreadable(`column ${table.name}.${written.name} already exists`);
    }
    const operations: Operation[] = [
      { kind: "addColumn", table: table.name, column: buildColumn(table.name, written, state) },
    ];
    if (written.primaryKey)
      operations.push({ kind: "addPrimaryKey", table: table.name, primaryKey: { columns: [written.name] } });
    if (written.unique)
      operations.push({
        kind: "addUnique",
        table: table.name,
        unique: { name: written.unique.name ?? pgName(table.name, [written.name], "key"), columns: [written.name] },
      });
    if (written.references)
      operations.push({
        kind: "addForeignKey",
        table: table.name,
        foreignKey: buildForeignKey(table.name, [written.name], written.references, state),
      });
    operations.push(...addChecks(table, written.checks, [written.name]));
    return operations;
  }
  if (cursor.acceptWord("DROP")) return dropAction(cursor, table, state);
  if (cursor.acceptWord("ALTER")) {
    if (cursor.acceptWord("CONSTRAINT")) return [];
    cursor.acceptWord("COLUMN");
    const column = needColumn(table, cursor.name());
    return alterColumnAction(cursor, table, column, state);
  }
  if (cursor.acceptWord("VALIDATE")) {
    cursor.expectWord("CONSTRAINT");
    return [];
  }
  if (["INHERIT", "ATTACH", "DETACH", "OF"].some((word) => isWord(cursor.peek(), word)))
    return unreadable(`ALTER TABLE … ${cursor.peek()!.value.toUpperCase()} is not read`);
  if (isWord(cursor.peek(), "SET") && (isWord(cursor.peek(1), "SCHEMA") || isWord(cursor.peek(1), "ACCESS")))
    return unreadable("ALTER TABLE … SET SCHEMA / ACCESS METHOD is not read");
  if (isWord(cursor.peek(), "NO") && isWord(cursor.peek(1), "INHERIT"))
    return unreadable("table inheritance is not read");
  // OWNER TO, SET (…), ENABLE/DISABLE TRIGGER, ROW LEVEL SECURITY, CLUSTER ON, REPLICA IDENTITY…
  return [];
}

function addConstraint(cursor: Cursor, table: Table, state: Snapshot, hints: StatementHints): Operation[] {
  const last = cursor.end();
  if (
    isWord(cursor.peek(last - cursor.position() - 1), "VALID") &&
    isWord(cursor.peek(last - cursor.position() - 2), "NOT")
  )
    hints.notValid = true;
  if (isWord(cursor.peek(), "CONSTRAINT") && usingIndex(cursor)) {
    hints.metadataOnly = true; // the index already exists: the constraint only adopts it
    return constraintUsingIndex(cursor, table);
  }
  const constraints: WrittenConstraints = { primaryKey: null, uniques: [], foreignKeys: [], checks: [] };
  readTableConstraint(cursor, constraints);
  const operations: Operation[] = addChecks(table, constraints.checks, []);
  if (constraints.primaryKey) {
    for (const name of constraints.primaryKey.columns) {
      if (needColumn(table, name).nullable)
        operations.push(alterColumn(table, name, (c) => ({ ...c, nullable: false })));
    }
    operations.push({ kind: "addPrimaryKey", table: table.name, primaryKey: constraints.primaryKey });
  }
  for (const unique of constraints.uniques)
    operations.push({
      kind: "addUnique",
      table: table.name,
      unique: { name: unique.name ?? pgName(table.name, unique.columns, "key"), columns: unique.columns },
    });
  for (const foreignKey of constraints.foreignKeys)
    operations.push({
      kind: "addForeignKey",
      table: table.name,
      foreignKey: buildForeignKey(table.name, foreignKey.localColumns, foreignKey, state),
    });
  return operations;
}

function usingIndex(cursor: Cursor): boolean {
  for (let i = 0; cursor.peek(i); i++)
    if (isWord(cursor.peek(i), "USING") && isWord(cursor.peek(i + 1), "INDEX")) return true;
  return false;
}

/** `ADD CONSTRAINT name UNIQUE | PRIMARY KEY USING INDEX idx`: the index becomes the constraint. */
function constraintUsingIndex(cursor: Cursor, table: Table): Operation[] {
  cursor.expectWord("CONSTRAINT");
  const name = cursor.name();
  const primary = cursor.acceptWord("PRIMARY");
  cursor.expectWord(primary ? "KEY" : "UNIQUE");
  cursor.expectWord("USING", "INDEX");
  const indexName = cursor.name();
  const index =
    table.indexes.find((item) => item.name === indexName) ?? unreadable(`index ${indexName} does not exist`);
  if (!index.unique || index.where !== undefined) return unreadable(`index ${indexName} is not a plain unique index`);
  const operations: Operation[] = [{ kind: "dropIndex", table: table.name, index }];
  if (primary) operations.push({ kind: "addPrimaryKey", table: table.name, primaryKey: { columns: index.columns } });
  else operations.push({ kind: "addUnique", table: table.name, unique: { name, columns: index.columns } });
  return operations;
}

function dropAction(cursor: Cursor, table: Table, state: Snapshot): Operation[] {
  if (cursor.acceptWord("CONSTRAINT")) {
    const ifExists = acceptIfExists(cursor);
    const name = cursor.name();
    const check = table.checks?.find((item) => item.name === name);
    if (check) return [{ kind: "dropCheck", table: table.name, check }];
    const known =
      table.uniques.some((u) => u.name === name) ||
      table.foreignKeys.some((f) => f.name === name) ||
      (table.primaryKey !== null && name === pgName(table.name, [], "pkey"));
    if (!known && ifExists) return [];
    return dropConstraintOperations(table, name, [pgName(table.name, [], "pkey")]);
  }
  cursor.acceptWord("COLUMN");
  const ifExists = acceptIfExists(cursor);
  const name = cursor.name();
  const column = table.columns.find((item) => item.name === name);
  if (!column) return ifExists ? [] : unreadable(`column ${table.name}.${name} does not exist`);
  // PostgreSQL drops every CHECK that names the column along with it.
  const checks: Operation[] = (table.checks ?? [])
    .filter((check) => namesColumn(check.expression, column.name))
    .map((check) => ({ kind: "dropCheck", table: table.name, check }));
  return [...checks, ...dropColumnOperations(state, table, column)];
}

/** `ADD … CHECK` as operations, unnamed checks named as PostgreSQL names them. */
function addChecks(table: Table, checks: { name?: string; expression: string }[], added: string[]): Operation[] {
  const columns = [...table.columns.map((column) => column.name), ...added];
  const taken = new Set([
    ...(table.checks ?? []).map((check) => check.name),
    ...table.uniques.map((unique) => unique.name),
    ...table.foreignKeys.map((foreignKey) => foreignKey.name),
  ]);
  return checks.map((check) => {
    const name = check.name ?? pgCheckName(table.name, check.expression, columns, taken);
    taken.add(name);
    return { kind: "addCheck", table: table.name, check: { name, expression: check.expression } };
  });
}

function namesColumn(expression: string, column: string): boolean {
  return tokens(expression).some(
    (token) =>
      (token.kind === "identifier" && token.value === column) ||
      (token.kind === "word" && token.value.toLowerCase() === column),
  );
}

function alterColumnAction(cursor: Cursor, table: Table, column: Column, state: Snapshot): Operation[] {
  const change = (next: Column): Operation[] => [{ kind: "alterColumn", table: table.name, from: column, to: next }];
  if (cursor.acceptWord("SET")) {
    if (cursor.acceptWord("DATA")) cursor.expectWord("TYPE");
    else if (cursor.acceptWord("DEFAULT")) {
      const expression = cursor.rest();
      return change(rereadColumn(table.name, column, { defaultExpr: expression }, state));
    } else if (cursor.acceptWord("NOT")) {
      cursor.expectWord("NULL");
      return change({ ...column, nullable: false });
    } else {
      return []; // STATISTICS, STORAGE, COMPRESSION, ( options ), GENERATED / sequence options
    }
  } else if (cursor.acceptWord("DROP")) {
    if (cursor.acceptWord("DEFAULT")) return change({ ...column, default: null });
    if (cursor.acceptWord("NOT")) {
      cursor.expectWord("NULL");
      return change({ ...column, nullable: true });
    }
    if (cursor.acceptWord("IDENTITY")) {
      const ifExists = acceptIfExists(cursor);
      if (!column.autoIncrement)
        return ifExists ? [] : unreadable(`column ${table.name}.${column.name} is not an identity`);
      return change({ ...column, autoIncrement: false });
    }
    return unreadable("ALTER COLUMN … DROP EXPRESSION is not read");
  } else if (cursor.acceptWord("ADD")) {
    cursor.expectWord("GENERATED");
    return change({ ...column, autoIncrement: true, nullable: false, default: null });
  } else if (!cursor.acceptWord("TYPE")) {
    return isWord(cursor.peek(), "RESTART") ? [] : unreadable("this ALTER COLUMN form is not read");
  }
  const typeStart = cursor.position();
  while (!cursor.done() && !isWord(cursor.peek(), "USING") && !isWord(cursor.peek(), "COLLATE")) {
    if (cursor.peek()!.value === "(") cursor.skipGroup();
    else cursor.next();
  }
  const type = catalogType(cursor.sub(typeStart, cursor.position()), state);
  const next = rereadColumn(
    table.name,
    column,
    { dataType: type.dataType, isArray: type.isArray, enumName: type.enumName },
    state,
  );
  return JSON.stringify(next) === JSON.stringify(column) ? [] : change(next);
}

/** Renaming an enum type: the new name takes its values and columns, the old one goes. */
function renameEnum(state: Snapshot, from: string, to: string): Operation[] {
  const item = state.enums.find((candidate) => candidate.name === from)!;
  if (state.enums.some((candidate) => candidate.name === to)) return unreadable(`type ${to} already exists`);
  const operations: Operation[] = [{ kind: "createEnum", enum: { name: to, values: [...item.values] } }];
  for (const table of state.tables) {
    for (const column of table.columns) {
      if (column.type.kind !== "enum" || column.type.name !== from) continue;
      operations.push({
        kind: "alterColumn",
        table: table.name,
        from: column,
        to: { ...column, type: { kind: "enum", name: to, values: [...item.values] } },
      });
    }
  }
  operations.push({ kind: "dropEnum", enum: item });
  return operations;
}

function stringValue(cursor: Cursor): string {
  const token = cursor.next();
  if (token?.kind !== "string") return cursor.fail("a quoted value");
  return token.value;
}

function indexOfValue(values: string[], value: string, name: string): number {
  const index = values.indexOf(value);
  return index >= 0 ? index : unreadable(`enum ${name} has no value ${value}`);
}

/** The top-level comma-separated ranges from the cursor to the end (the actions of an ALTER TABLE). */
function topLevelActions(cursor: Cursor): [number, number][] {
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
  if (ranges.length === 0) return unreadable("ALTER TABLE without an action");
  return ranges;
}
