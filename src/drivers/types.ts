/**
 * The driver seam: one database client behind one small interface. A driver runs SQL and says
 * which dialect it speaks and which atomic primitive it offers; it never builds DDL.
 */
import type { Dialect, DialectName, Row, Statement } from "../dialects/types.js";

export interface QueryResult {
  rows: Row[];
  /** Rows changed by an INSERT/UPDATE/DELETE, where the driver reports it. */
  rowsAffected?: number;
}

/** A pinned connection: everything run through it happens on one session, in order. */
export interface Session {
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /**
   * Runs parameterless statements, joined into one multi-statement text (`joinSqlStatements`), in one
   * round trip, in order, stopping at the first that fails; resolves to the last one's result.
   * Never retried: when it fails, the statements before the failing one have run. Absent where the
   * driver cannot send several statements at once (mysql2 on a pool without `multipleStatements`,
   * PlanetScale's HTTP API): the caller then sends them one by one.
   */
  script?(statements: readonly string[]): Promise<QueryResult>;
}

/**
 * The atomic primitive a driver really offers.
 * - `session`: a pinned connection on which the caller may open a transaction (pg, pglite,
 *   better-sqlite3, mysql2, planetscale).
 * - `batch`: several statements run all-or-nothing in one round trip, no reads in between
 *   (D1 binding and HTTP, Neon `sql.transaction([...])`).
 */
export type AtomicCapability =
  | { kind: "session"; withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> }
  | { kind: "batch"; batch(statements: Statement[]): Promise<QueryResult[]> };

/** Which database a driver talks to, for people: never a user, password or token. */
export interface DriverTarget {
  /** Host and port, e.g. `db.example.com:5432` (absent for a file or a binding). */
  host?: string;
  /** Database name, SQLite file or D1 database id. */
  database?: string;
}

export interface Driver {
  /** The subpath the driver comes from, e.g. "pg", "d1-http". */
  name: string;
  /** Which database it talks to, where the driver can tell (prompts name it before destroying data). */
  target?: DriverTarget;
  dialect: DialectName;
  /**
   * The dialect itself (DDL, introspection, tracking and lock SQL for `dialect`), imported by the
   * driver's own entry: a bundle built from one driver carries that driver's dialect alone.
   */
  sqlDialect: Dialect;
  /**
   * PostgreSQL family: the schema every statement of this driver runs in (its `search_path`), set
   * by the `pgSchema` option. Absent: the connection's own search_path.
   */
  pgSchema?: string;
  /** Runs one statement (outside any transaction). Errors are `QueryFailedError` with the driver's error as `cause`. */
  query(sql: string, params?: unknown[]): Promise<QueryResult>;
  /**
   * Runs several read statements in as few round trips as the driver allows (one multi-statement
   * query, one batch, one HTTP call), returning one row list per statement, in order.
   */
  queryAll(statements: Statement[]): Promise<Row[][]>;
  atomic: AtomicCapability;
  /**
   * Round trips one run may make where the platform caps them per invocation (the D1 binding: 50,
   * a Worker on the Free plan). `apply` stops between migrations before passing it; the next run
   * goes on. Absent: no cap.
   */
  queryBudget?: number;
  /** Closes what the driver opened itself; a pool or connection the user passed in stays open. */
  close(): Promise<void>;
}
