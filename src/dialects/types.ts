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

/** A table whose rows, and some of whose columns' non-null values, are counted (database names). */
export interface CountTarget {
  table: string;
  columns: string[];
}

/** What a {@link CountTarget} holds. */
export interface TableCounts {
  table: string;
  rows: number;
  /** Non-null values, by column name. */
  values: Record<string, number>;
}

/** SQL that counts the data a destructive change would touch (read-only; one scan per table). */
export interface CountSql {
  /** One statement per target, in order, for one `queryAll` round trip. */
  queries(targets: readonly CountTarget[]): Statement[];
  /** The counts, one per target, from the rows `queries` returned. */
  read(results: Row[][], targets: readonly CountTarget[]): TableCounts[];
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
  /** Row and value counts for the facts on data-loss decisions. */
  counts: CountSql;
  /** `null` where the transaction itself serialises appliers (SQLite `BEGIN IMMEDIATE`, D1 batches). */
  lock: LockSql | null;
}

/** The column type as the dialect spells it in DDL. */
export type ColumnTypeFn = (column: Column) => string;
