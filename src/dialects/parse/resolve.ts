/**
 * Shared by the dialects' readers of hand-written SQL: looking objects up in the state a statement
 * runs against, and spelling what the statement does as operations that carry the full previous
 * definitions (so they fold, invert and lint like generated ones).
 *
 * A statement that does not fit the state (drops a column that is not there) is not understood:
 * {@link unreadable} throws a `SyntaxError` that the dialect's `parse` turns into `unknown`.
 */
import type { Operation, OperationOf } from "../../diff/operations.js";
import type { Column, Snapshot, Table } from "../../schema/snapshot.js";
import type { ParsedStatement, StatementHints } from "../types.js";
import type { Cursor } from "./cursor.js";

/** Stops reading a statement: it becomes `unknown` with this reason. */
export function unreadable(reason: string): never {
  throw new SyntaxError(reason);
}

/**
 * Runs a dialect's reader, turning a `SyntaxError` (bad or unsupported SQL, or SQL that does not
 * fit the state) into `unknown`. Any other error is a bug and propagates.
 *
 * @example readStatement(() => ({ kind: "other", what: "view" }))
 */
export function readStatement(read: () => ParsedStatement): ParsedStatement {
  try {
    return read();
  } catch (error) {
    if (error instanceof SyntaxError) return { kind: "unknown", reason: error.message };
    throw error;
  }
}

/** A schema statement's result. */
export function schema(operations: Operation[], hints: StatementHints = {}): ParsedStatement {
  return { kind: "schema", operations, hints };
}

/** The table, or not understood. */
export function needTable(state: Snapshot, name: string): Table {
  return state.tables.find((table) => table.name === name) ?? unreadable(`table ${name} does not exist`);
}

/** The column, or not understood. */
export function needColumn(table: Table, name: string): Column {
  return (
    table.columns.find((column) => column.name === name) ?? unreadable(`column ${table.name}.${name} does not exist`)
  );
}

/** The named constraint or index of any kind on `table`, as the operations that drop it. */
export function dropConstraintOperations(table: Table, name: string, primaryKeyNames: string[]): Operation[] {
  const unique = table.uniques.find((item) => item.name === name);
  if (unique) return [{ kind: "dropUnique", table: table.name, unique }];
  const foreignKey = table.foreignKeys.find((item) => item.name === name);
  if (foreignKey) return [{ kind: "dropForeignKey", table: table.name, foreignKey }];
  const index = table.indexes.find((item) => item.name === name);
  if (index) return [{ kind: "dropIndex", table: table.name, index }];
  if (table.primaryKey && primaryKeyNames.includes(name))
    return [{ kind: "dropPrimaryKey", table: table.name, primaryKey: table.primaryKey }];
  return unreadable(`table ${table.name} has no constraint ${name}`);
}

/** The table holding an index or unique named `name` (index names are schema-wide on PostgreSQL and SQLite). */
export function tableOfIndex(state: Snapshot, name: string): Table | undefined {
  return state.tables.find(
    (table) => table.indexes.some((index) => index.name === name) || table.uniques.some((u) => u.name === name),
  );
}

/**
 * What dropping a column takes with it besides the column: the indexes, uniques, primary key and
 * foreign keys of its table that use it (PostgreSQL and MySQL drop or shrink them on their own).
 */
export function dropColumnOperations(state: Snapshot, table: Table, column: Column): Operation[] {
  const uses = (columns: string[]) => columns.includes(column.name);
  const operations: Operation[] = [];
  for (const foreignKey of table.foreignKeys)
    if (uses(foreignKey.columns)) operations.push({ kind: "dropForeignKey", table: table.name, foreignKey });
  for (const other of state.tables)
    for (const foreignKey of other.foreignKeys)
      if (foreignKey.referencedTable === table.name && uses(foreignKey.referencedColumns))
        operations.push({ kind: "dropForeignKey", table: other.name, foreignKey });
  for (const unique of table.uniques)
    if (uses(unique.columns)) operations.push({ kind: "dropUnique", table: table.name, unique });
  for (const index of table.indexes)
    if (uses(index.columns)) operations.push({ kind: "dropIndex", table: table.name, index });
  if (table.primaryKey && uses(table.primaryKey.columns))
    operations.push({ kind: "dropPrimaryKey", table: table.name, primaryKey: table.primaryKey });
  operations.push({ kind: "dropColumn", table: table.name, column });
  return operations;
}

/** The foreign keys of other tables that point at `table` (dropped by `DROP TABLE … CASCADE`). */
export function referencingForeignKeys(state: Snapshot, table: string): OperationOf<"dropForeignKey">[] {
  return state.tables.flatMap((other) =>
    other.name === table
      ? []
      : other.foreignKeys
          .filter((foreignKey) => foreignKey.referencedTable === table)
          .map((foreignKey) => ({ kind: "dropForeignKey" as const, table: other.name, foreignKey })),
  );
}

/** An `alterColumn` from the current definition to `change(current)`. */
export function alterColumn(table: Table, name: string, change: (column: Column) => Column): Operation {
  const from = needColumn(table, name);
  return { kind: "alterColumn", table: table.name, from, to: change(structuredClone(from)) };
}

/** Reads `IF EXISTS` at the cursor. */
export function acceptIfExists(cursor: Cursor): boolean {
  if (!cursor.acceptWord("IF")) return false;
  cursor.expectWord("EXISTS");
  return true;
}

/** Reads `IF NOT EXISTS` at the cursor. */
export function acceptIfNotExists(cursor: Cursor): boolean {
  if (!cursor.acceptWord("IF")) return false;
  cursor.expectWord("NOT", "EXISTS");
  return true;
}

/** A statement that changes nothing (an `IF [NOT] EXISTS` that found the object as wanted). */
export function noop(): ParsedStatement {
  return schema([], { noop: true });
}

/**
 * The data statements every dialect shares: the verb, the table it writes (when it names one) and
 * whether a WHERE narrows it. `null` when the statement is not one.
 */
export function readDataStatement(cursor: Cursor): ParsedStatement | null {
  const first = cursor.peek()?.value.toUpperCase();
  const hasWhere = () => {
    for (let i = 0; cursor.peek(i); i++)
      if (cursor.peek(i)?.kind === "word" && cursor.peek(i)?.value.toUpperCase() === "WHERE") return true;
    return false;
  };
  const target = (after: string[]): string | undefined => {
    for (const word of after) cursor.acceptWord(word);
    const token = cursor.peek();
    return token && (token.kind === "word" || token.kind === "identifier") ? cursor.qualifiedName() : undefined;
  };
  switch (first) {
    case "SELECT":
    case "WITH":
    case "VALUES":
    case "EXPLAIN":
    case "SHOW":
      return { kind: "data", verb: "select", filtered: true };
    case "INSERT":
    case "REPLACE": {
      cursor.next();
      const table = target(["IGNORE", "OR", "REPLACE", "ROLLBACK", "ABORT", "FAIL", "INTO"]);
      return { kind: "data", verb: "insert", ...(table ? { table } : {}), filtered: true };
    }
    case "UPDATE": {
      cursor.next();
      const filtered = hasWhere();
      const table = target(["LOW_PRIORITY", "IGNORE", "ONLY", "OR", "ROLLBACK", "ABORT", "REPLACE", "FAIL"]);
      return { kind: "data", verb: "update", ...(table ? { table } : {}), filtered };
    }
    case "DELETE": {
      cursor.next();
      const filtered = hasWhere();
      const table = target(["LOW_PRIORITY", "QUICK", "IGNORE", "FROM", "ONLY"]);
      return { kind: "data", verb: "delete", ...(table ? { table } : {}), filtered };
    }
    case "TRUNCATE": {
      cursor.next();
      const table = target(["TABLE", "ONLY"]);
      return { kind: "data", verb: "truncate", ...(table ? { table } : {}), filtered: false };
    }
    default:
      return null;
  }
}
