/**
 * Small helpers for the SQLite dialect tests: snapshot builders, running DDL the way the runtime
 * does (one transaction, check statements enforced), and introspecting through the driver.
 */
import type { Driver } from "viborm";
import { createSqlite3Driver } from "viborm/sqlite3";
import { sqliteDialect } from "../../../src/dialects/sqlite/index.js";
import type { IntrospectOptions, Statement } from "../../../src/dialects/types.js";
import { applyOperation } from "../../../src/diff/index.js";
import type { Operation } from "../../../src/diff/operations.js";
import {
  type Column,
  type ColumnType,
  canonicalize,
  type Enum,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
} from "../../../src/schema/snapshot.js";

export const dialect = sqliteDialect;

/** A column: `type` is a kind or a full ColumnType; not null, no default unless `extra` says so. */
export function col(name: string, type: ColumnType | ColumnType["kind"], extra: Partial<Column> = {}): Column {
  const full = typeof type === "string" ? ({ kind: type } as ColumnType) : type;
  return { name, type: full, array: false, nullable: false, default: null, autoIncrement: false, ...extra };
}

/** A table with a primary key on `pk` (none when empty) and no constraints unless `extra` adds them. */
export function table(name: string, columns: Column[], pk: string[] = ["id"], extra: Partial<Table> = {}): Table {
  return {
    name,
    columns,
    primaryKey: pk.length > 0 ? { columns: pk } : null,
    uniques: [],
    indexes: [],
    foreignKeys: [],
    ...extra,
  };
}

/** A canonical snapshot; enums are collected from the enum columns. */
export function snapshot(tables: Table[], enums: Enum[] = enumsOf(tables)): Snapshot {
  return canonicalize({ version: SNAPSHOT_VERSION, tables, enums });
}

/** A fresh in-memory database with foreign keys on. */
export function freshDriver(): Driver {
  return createSqlite3Driver({ filename: ":memory:" });
}

/**
 * Runs statements as the runtime's transaction strategy does: BEGIN IMMEDIATE … COMMIT on one
 * session, a check statement returning rows aborts, any failure rolls everything back.
 */
export async function execute(driver: Driver, statements: Statement[]): Promise<void> {
  if (driver.atomic.kind !== "session") throw new Error("session driver expected");
  await driver.atomic.withSession(async (session) => {
    await session.query("BEGIN IMMEDIATE");
    try {
      for (const statement of statements) {
        const result = await session.query(statement.sql, statement.params);
        if (statement.expectNoRows && result.rows.length > 0) {
          throw new Error(`check failed: ${statement.sql} → ${JSON.stringify(result.rows)}`);
        }
      }
      await session.query("COMMIT");
    } catch (error) {
      await session.query("ROLLBACK");
      throw error;
    }
  });
}

/** The DDL for `operations` applied in order from `from`, and the snapshot they lead to. */
export function plan(from: Snapshot, operations: Operation[]): { statements: Statement[]; after: Snapshot } {
  const statements: Statement[] = [];
  let before = from;
  for (const operation of operations) {
    const after = applyOperation(before, operation);
    statements.push(...dialect.ddl(operation, { before, after }));
    before = after;
  }
  return { statements, after: before };
}

/**
 * Creates every enum and table of `target` on an empty database, tables in foreign-key order;
 * a cycle is broken as the diff does: the table is created without the foreign keys to tables not
 * there yet, which are added afterwards.
 */
export async function create(driver: Driver, target: Snapshot): Promise<void> {
  await execute(driver, creationStatements(target));
}

/** The statements {@link create} runs. */
export function creationStatements(target: Snapshot): Statement[] {
  const operations: Operation[] = target.enums.map((value) => ({ kind: "createEnum", enum: value }));
  const later: Operation[] = [];
  const done = new Set<string>();
  const pending = [...target.tables];
  while (pending.length > 0) {
    const ready = pending.findIndex((candidate) =>
      candidate.foreignKeys.every((fk) => fk.referencedTable === candidate.name || done.has(fk.referencedTable)),
    );
    const [next] = pending.splice(ready === -1 ? 0 : ready, 1);
    const waiting = next!.foreignKeys.filter(
      (fk) => fk.referencedTable !== next!.name && !done.has(fk.referencedTable),
    );
    const foreignKeys = next!.foreignKeys.filter((fk) => !waiting.includes(fk));
    operations.push({ kind: "createTable", table: { ...next!, foreignKeys } });
    later.push(...waiting.map((foreignKey): Operation => ({ kind: "addForeignKey", table: next!.name, foreignKey })));
    done.add(next!.name);
  }
  const empty: Snapshot = { version: SNAPSHOT_VERSION, tables: [], enums: [] };
  return plan(empty, [...operations, ...later]).statements;
}

/** Inserts rows into several tables in one transaction with deferred foreign keys (any order, cycles). */
export async function load(driver: Driver, data: Record<string, Record<string, unknown>[]>): Promise<void> {
  const statements: Statement[] = [{ sql: "PRAGMA defer_foreign_keys = ON" }];
  for (const [name, list] of Object.entries(data)) statements.push(...list.map((row) => insertStatement(name, row)));
  await execute(driver, statements);
}

/** The live schema, read through the driver with the dialect's own queries (not normalised). */
export async function introspect(
  driver: Driver,
  options: IntrospectOptions = { excludeTables: [] },
): Promise<Snapshot> {
  const queries = dialect.introspection.queries(options);
  return dialect.introspection.read(await driver.queryAll(queries), options);
}

/** Every row of a table, ordered by its first column. */
export async function rows(driver: Driver, name: string): Promise<Record<string, unknown>[]> {
  const quoted = dialect.quote(name);
  return (await driver.query(`SELECT * FROM ${quoted} ORDER BY 1`)).rows;
}

/** Inserts rows given as objects. */
export async function insert(driver: Driver, name: string, values: Record<string, unknown>[]): Promise<void> {
  for (const row of values) {
    const statement = insertStatement(name, row);
    await driver.query(statement.sql, statement.params);
  }
}

// internal

function enumsOf(tables: Table[]): Enum[] {
  const found = new Map<string, string[]>();
  for (const column of tables.flatMap((t) => t.columns)) {
    if (column.type.kind === "enum" && !found.has(column.type.name)) found.set(column.type.name, column.type.values);
  }
  return [...found].map(([name, values]) => ({ name, values }));
}

function insertStatement(name: string, row: Record<string, unknown>): Statement {
  const keys = Object.keys(row);
  const columns = keys.map((key) => dialect.quote(key)).join(", ");
  return {
    sql: `INSERT INTO ${dialect.quote(name)} (${columns}) VALUES (${keys.map(() => "?").join(", ")})`,
    params: keys.map((key) => row[key]),
  };
}
