/**
 * The dialect seam: pure data in, SQL out. A dialect never does I/O and never imports a driver.
 */
import type { Operation } from "../diff/operations.js";
import type { Column, Snapshot } from "../schema/snapshot.js";

export type DialectName = "postgres" | "mysql" | "sqlite";

/** One SQL statement, with bound parameters where it has any. */
export interface Statement {
  sql: string;
  params?: unknown[];
  /**
   * Statements that undo this one, in order (MySQL compensation: DDL commits implicitly there).
   * `null` means it cannot be undone (say why in `irreversible`); absent means nobody computed one.
   */
  inverse?: Statement[] | null;
  /** Why `inverse` is null, for the error a failed MySQL migration reports. */
  irreversible?: string;
  /**
   * Set when `inverse` restores the schema but not the data this statement destroys (a dropped
   * column or table comes back empty): says what is lost, for the report of a compensated failure.
   */
  lossy?: string;
  /**
   * The statement is a check: any row it returns is a violation and aborts the unit
   * (e.g. SQLite's `PRAGMA foreign_key_check` after a table rebuild).
   */
  expectNoRows?: boolean;
}

/** A row as drivers return it: column name → value. */
export type Row = Record<string, unknown>;

/** What the DDL of one operation may need to know besides the operation. */
export interface DdlContext {
  /** The schema as it stands just before this operation runs (previous operations applied). */
  before: Snapshot;
  /** The schema just after this operation (the operation applied to `before`). */
  after: Snapshot;
}

export interface IntrospectOptions {
  /** Tables never read nor planned (the tracking table, viborm's bookkeeping). Matched exactly. */
  excludeTables: string[];
  /** PostgreSQL schema to read. @default "public" */
  schema?: string;
}

/** SQL for the tracking table (one row per applied migration, keyed by id). */
export interface TrackingSql {
  /** Creates the table if it does not exist. */
  create(table: string): Statement[];
  /** Selects every row; `read` turns the rows into records, sorted by id. */
  select(table: string): Statement;
  read(rows: Row[]): TrackingRecord[];
  insert(table: string, record: TrackingRecord): Statement;
  delete(table: string, id: string): Statement;
}

export interface TrackingRecord {
  id: string;
  name: string;
  checksum: string;
  /** ISO-8601 UTC. */
  appliedAt: string;
}

/** SQL for the migration lock. */
export interface LockSql {
  /**
   * Statements that take the lock; `timeoutMs` bounds the wait. PostgreSQL takes a transaction-scoped
   * advisory lock (released at commit); MySQL a session lock (`GET_LOCK`), released by `release`.
   */
  acquire(key: string, timeoutMs: number): Statement[];
  /** Statements that release the lock, or an empty list when commit releases it. */
  release(key: string): Statement[];
  /** True when the rows returned by the last `acquire` statement say the lock was taken. */
  acquired(rows: Row[]): boolean;
}

export interface Dialect {
  name: DialectName;
  /** DDL takes part in transactions (PostgreSQL, SQLite) or commits implicitly (MySQL). */
  transactionalDdl: boolean;
  quote(identifier: string): string;
  /** The snapshot as this database can represent it (enum inlining, array fallback, defaults it cannot hold…). */
  normalize(snapshot: Snapshot): Snapshot;
  /** The statements for one operation. Throws `UNSUPPORTED_OPERATION` for what the database cannot express. */
  ddl(operation: Operation, context: DdlContext): Statement[];
  /** Catalog-wide queries (a constant number, whatever the table count) and the pure reader of their rows. */
  introspection: {
    queries(options: IntrospectOptions): Statement[];
    read(results: Row[][], options: IntrospectOptions): Snapshot;
  };
  tracking: TrackingSql;
  /** `null` where the transaction itself serialises appliers (SQLite `BEGIN IMMEDIATE`, D1 batches). */
  lock: LockSql | null;
  /**
   * Reads one statement of a migration file against the schema before it: the operations it amounts
   * to, or that it touches rows only, or `unknown` with the reason. Pure; never throws for bad SQL.
   */
  parse(sql: string, state: Snapshot): ParsedStatement;
}

/**
 * What one statement of a migration does to the schema, as the dialect's reader of hand-written
 * SQL sees it (see `Dialect.parse`). A statement it cannot read is `unknown`, never guessed.
 */
export type ParsedStatement =
  /** Changes the schema: the operations it amounts to, against the state it was read against. */
  | { kind: "schema"; operations: Operation[]; hints: StatementHints }
  /** Reads or writes rows only (INSERT, UPDATE, DELETE, TRUNCATE, SELECT…). */
  | { kind: "data"; verb: DataVerb; table?: string; filtered: boolean }
  /** Understood, and outside what a snapshot holds (views, functions, triggers, comments, grants, settings). */
  | { kind: "other"; what: string }
  | { kind: "unknown"; reason: string };

/** The verb of a data statement. */
export type DataVerb = "insert" | "update" | "delete" | "truncate" | "select";

/** How a schema statement runs, beyond the operations it amounts to (for lint). */
export interface StatementHints {
  /** `CREATE INDEX CONCURRENTLY` / `DROP INDEX CONCURRENTLY` (PostgreSQL). */
  concurrently?: true;
  /** A constraint added `NOT VALID` (PostgreSQL): existing rows are not checked yet. */
  notValid?: true;
  /** `ALGORITHM=` of a MySQL ALTER, upper-cased. */
  algorithm?: string;
  /** `LOCK=` of a MySQL ALTER, upper-cased. */
  lock?: string;
  /** A rename that the operations can only spell as a drop and a create (an index rename). */
  renameOnly?: true;
  /** `IF EXISTS` / `IF NOT EXISTS` found the object already as wanted: nothing changes. */
  noop?: true;
}

/** The column type as the dialect spells it in DDL. */
export type ColumnTypeFn = (column: Column) => string;
