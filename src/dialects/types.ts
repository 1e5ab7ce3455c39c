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
  /** Drops a bookkeeping table (this one, or another `_viborm_` table) if it exists: reset. */
  drop(table: string): Statement;
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

/**
 * Objects outside the snapshot that hand-written migration SQL makes — views, routines, sequences,
 * domains — listed in one query so `reset` can drop them before the tables they depend on (else a
 * view blocks its table's drop, or the re-applied migration finds it already there).
 */
export interface ObjectSql {
  /**
   * Rows of `kind` (or `type`: the keyword after `DROP`, `VIEW`, `FUNCTION`…) and `name`; `target`
   * when the drop names it otherwise than by the quoted name (a PostgreSQL function with its
   * argument types), `schema` where the drop is qualified, and `restore` (or `sql`), the statement
   * that makes it again, where the catalog holds one.
   */
  query: Statement | ((options: IntrospectOptions) => Statement);
  /** Appended to each drop: PostgreSQL's ` CASCADE` takes dependants along (a view over a view). */
  suffix?: string;
}

/**
 * SQL for the bookkeeping of a dialect whose DDL commits implicitly (MySQL): the statements of the
 * unit in flight, recorded before each is sent, so a killed run can be undone by the next one.
 */
export interface ProgressSql {
  /** The table's name (it starts with `_viborm_`, hidden from introspection). */
  table: string;
  create(): Statement;
  /** Rows `{ label, step, sql_text, inverse }` of the unit under `lockKey`, by step. */
  select(lockKey: string): Statement;
  insert(lockKey: string, label: string, step: number, sql: string, inverse: string | null): Statement;
  /** Forgets one step (its undo is done). */
  remove(lockKey: string, step: number): Statement;
  clear(lockKey: string): Statement;
  /** True for the database's "no such table" code. */
  isMissingTable(code: string | undefined): boolean;
  /** True when an inverse failed only because its statement never took effect (nothing to undo). */
  alreadyUndone(code: string | undefined): boolean;
}

/** How a unit's transaction is opened and ended on this database. */
export interface TransactionSql {
  /** Opens it; SQLite's `BEGIN IMMEDIATE` also takes the write lock that serialises appliers. */
  begin: Statement;
  commit: Statement;
  rollback: Statement;
  /** True when `begin` failed only because another writer holds the database (retry until the lock timeout). */
  isBusy(code: string | undefined): boolean;
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
    /**
     * A second, conditional pass for what the catalog-wide queries cannot read faithfully: the
     * statements (often none) for the snapshot just read, and the snapshot corrected by their rows.
     */
    refine?: {
      queries(snapshot: Snapshot): Statement[];
      read(snapshot: Snapshot, results: Row[][]): Snapshot;
    };
  };
  tracking: TrackingSql;
  /** Row and value counts for the facts on data-loss decisions. */
  counts: CountSql;
  /** `null` where the transaction itself serialises appliers (SQLite `BEGIN IMMEDIATE`, D1 batches). */
  lock: LockSql | null;
  /** Transaction statements (for DDL where `transactionalDdl`, for the tracking write everywhere). */
  transaction: TransactionSql;
  /**
   * The statement with its parameters written in as literals, so it can join a multi-statement
   * round trip; `null` when a value has no safe literal here (it is then sent with its parameters).
   */
  inline?(statement: Statement): string | null;
  /** Progress bookkeeping, for dialects whose DDL commits implicitly (`transactionalDdl: false`). */
  progress?: ProgressSql;
  /** What `reset` drops besides tables and enums: objects a migration's own SQL made (views, routines…). */
  objects?: ObjectSql;
  /**
   * Reads one statement of a migration file against the schema before it: the operations it amounts
   * to, or that it touches rows only, or `unknown` with the reason. Pure; never throws for bad SQL.
   */
  parse(sql: string, state: Snapshot): ParsedStatement;
  /** Facts for migration lint. */
  lint: DialectLint;
  /** PostgreSQL family: the statement that creates a client's own schema (`pgSchema`) when missing. */
  createSchema?: (schema: string) => Statement;
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
  /**
   * Changes only the catalog, whatever the operations look like: a rename spelled as a drop and a
   * create (an index rename), `ALTER TYPE … ADD VALUE`, `ADD CONSTRAINT … USING INDEX`.
   */
  metadataOnly?: true;
  /** `IF EXISTS` / `IF NOT EXISTS` found the object already as wanted: nothing changes. */
  noop?: true;
}

/**
 * A question lint asks a reachable database about the rows a change meets (all names are
 * database names). Each becomes one `SELECT` whose row holds `n` (and `g` for duplicates).
 */
export type CountQuestion =
  | { kind: "rows"; table: string }
  | { kind: "nulls"; table: string; column: string }
  /** `n`: rows beyond the first of each group of equal non-null values; `g`: such groups. */
  | { kind: "duplicates"; table: string; columns: string[] }
  /** Rows whose (non-null) key has no parent row. */
  | { kind: "orphans"; table: string; columns: string[]; referencedTable: string; referencedColumns: string[] }
  /** Non-null values longer than `length` characters. */
  | { kind: "longer"; table: string; column: string; length: number }
  /** Non-null values below `min` or above `max` (integers, as decimal strings). */
  | { kind: "outside"; table: string; column: string; min: string; max: string }
  /** Non-null values. */
  | { kind: "values"; table: string; column: string }
  /** Rows whose value is one of `values`. */
  | { kind: "holding"; table: string; column: string; values: string[] };

/**
 * The questions {@link DialectLint.count} answers; rows and non-null values are counted with the
 * dialect's `counts` SQL, which data-loss decisions use too.
 */
export type RowQuestion = Exclude<CountQuestion, { kind: "rows" | "values" }>;

/** What a server says about itself, for rules that depend on it (MySQL's online DDL by version and engine). */
export interface ServerFacts {
  /** `VERSION()` as reported. */
  version?: string;
  /** Storage engine per table (MySQL). */
  engines?: Record<string, string>;
}

/** How one operation runs on an existing table, when it takes a long lock or rewrites the table. */
export interface Blocking {
  /** What it does, e.g. "rewrites table t under an ACCESS EXCLUSIVE lock". */
  message: string;
  suggestion: string;
  /** Tables whose rows it copies or scans (for row counts and time estimates). */
  tables: string[];
}

/** The context of one operation for {@link DialectLint.blocking}. */
export interface BlockingContext {
  before: Snapshot;
  after: Snapshot;
  hints: StatementHints;
  server: ServerFacts;
}

/** Limits of a serverless runtime that a migration must stay within (D1, Neon's HTTP endpoint). */
export interface EdgeLimits {
  /** Who sets them, for messages: "D1", "Neon HTTP". */
  platform: string;
  maxStatementBytes?: number;
  maxBoundParameters?: number;
  maxColumns?: number;
  /** The time one atomic unit (a batch, a transaction request) may take. */
  maxUnitMs: number;
  /** Database calls one invocation may make: the Free and Paid plans. */
  callsPerInvocation?: { free: number; paid: number };
  /** The size of one request (Neon HTTP). */
  maxRequestBytes?: number;
}

/** The dialect's facts for lint: how its DDL locks, what its servers do with existing rows, and its count SQL. */
export interface DialectLint {
  /** The statement answering one question. */
  count(question: RowQuestion): Statement;
  /** Queries for {@link ServerFacts}, and their reader; `null` when no rule needs them. */
  server: { queries(): Statement[]; read(results: Row[][]): ServerFacts } | null;
  /** `null` when the operation neither takes a long lock nor rewrites an existing table. */
  blocking(operation: Operation, context: BlockingContext): Blocking | null;
  /** The limits that apply with this driver, or `null`. */
  edgeLimits(driver: string): EdgeLimits | null;
  /** Rows a copy or index build handles per second, for time estimates (measured in bench/). */
  rowsPerSecond: number;
  /** What existing rows do to changes: whether a check fails or the server converts quietly. */
  behaviour: {
    /** A NOT NULL column added without a default fills existing rows with the type's zero (MySQL). */
    fillsNewNotNullColumns: boolean;
    /** String lengths are enforced (not on SQLite). */
    enforcesLengths: boolean;
    /** A column made NOT NULL takes its default where it holds NULL (SQLite's rebuild copies with COALESCE). */
    nullsTakeDefault: boolean;
  };
}

/** The column type as the dialect spells it in DDL. */
export type ColumnTypeFn = (column: Column) => string;
