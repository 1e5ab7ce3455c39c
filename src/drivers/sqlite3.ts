/**
 * @module viborm/sqlite3: a viborm client over better-sqlite3 (Node), from a file name or a
 * Database you own.
 */
import Database from "better-sqlite3";
import { sqliteScriptDialect } from "../dialects/sqlite/script.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, QueryFailedError } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed } from "./connection-errors.js";
import { rejectPostgresOnlyOptions } from "./pg-schema.js";
import { runEach, scriptText } from "./pooled.js";
import type { Driver, QueryResult, Session } from "./types.js";

/** A prepared statement (the part of better-sqlite3's `Statement` viborm uses). */
export interface SqliteStatementLike {
  /** True when the statement returns rows. */
  readonly reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
  /** Returns integers as `bigint`, so values beyond 2^53 keep their digits. */
  safeIntegers(toggle?: boolean): unknown;
}

/** A better-sqlite3 database (the part of `Database` viborm uses). */
export interface SqliteDatabaseLike {
  prepare(sql: string): SqliteStatementLike;
  exec(sql: string): unknown;
  close(): unknown;
}

/**
 * How long, by default, a statement waits for a database another connection is writing to.
 *
 * @example createSqlite3Driver({ filename, busyWaitMs: DEFAULT_BUSY_WAIT_MS * 2 })
 */
export const DEFAULT_BUSY_WAIT_MS = 5000;

/** Where the database comes from: a file the driver opens (and closes), or your own Database. */
export type Sqlite3DriverOptions = (
  | {
      /** A database file, or `":memory:"`. The driver opens it with foreign keys on and closes it in `close()`. */
      filename: string;
      database?: undefined;
    }
  | {
      /** A better-sqlite3 Database you own: viborm never closes it nor changes its pragmas. */
      database: SqliteDatabaseLike;
      filename?: undefined;
    }
) & {
  /**
   * How long a statement other than `BEGIN` retries, asynchronously, while another connection
   * holds the database's lock (SQLITE_BUSY). `BEGIN IMMEDIATE` fails at once instead: the migration
   * runtime retries it up to its own lock timeout.
   * @default 5000
   */
  busyWaitMs?: number;
};

/** `createClient` options for `viborm/sqlite3`: the schema, and a file name or a Database. */
export type Sqlite3ClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions & Sqlite3DriverOptions;

/**
 * A viborm client on SQLite through better-sqlite3.
 *
 * @example
 * import { createClient } from "viborm/sqlite3";
 * const client = createClient({ schema, filename: "app.db" });
 */
export function createClient<S extends Schema>(options: Sqlite3ClientOptions<S>): VibormClient<S> {
  rejectPostgresOnlyOptions("sqlite3", options);
  const { schema, foreignKeys, ...driverOptions } = options;
  return createVibormClient({
    schema,
    dialect: "sqlite",
    foreignKeys,
    driver: () => createSqlite3Driver(driverOptions as Sqlite3DriverOptions),
  });
}

/**
 * The better-sqlite3 driver. One Database is one connection, so `atomic` sessions are queued
 * in-process: two `withSession` calls never interleave their statements on it.
 *
 * Plain `query`/`queryAll` calls are not queued (a session may itself call them, and queueing would
 * deadlock it); on one connection they see an open session's transaction, as any SQLite client would.
 *
 * A database the driver opens gets `foreign_keys = ON` and a busy timeout of 0: better-sqlite3 is
 * synchronous, and SQLite's own busy wait would block the event loop; waits are async retries here.
 *
 * @example const driver = createSqlite3Driver({ filename: ":memory:" });
 */
export function createSqlite3Driver(options: Sqlite3DriverOptions): Driver {
  const owned = options.database === undefined;
  const filename = owned ? requireFilename(options.filename) : undefined;
  // A file the driver opens is opened at first use: a command that fails before it touches the
  // database (a bad config, a bad argument) leaves no new database file behind.
  let database: SqliteDatabaseLike | undefined = options.database;
  let closed: Promise<void> | undefined;
  const opened = (sql: string): SqliteDatabaseLike => {
    if (closed && owned) throw new QueryFailedError("The viborm/sqlite3 client is closed.", { sql, driver: "sqlite3" });
    database ??= open(filename!);
    return database;
  };
  const busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
  let queue: Promise<unknown> = Promise.resolve();
  const query = async (sql: string, params?: unknown[]) => runWithBusyWait(opened(sql), sql, params, busyWaitMs);
  return {
    name: "sqlite3",
    dialect: "sqlite",
    sqlDialect: sqliteScriptDialect,
    target: { database: filename ?? String((options.database as { name?: unknown } | undefined)?.name ?? "") },
    query,
    queryAll: (statements: Statement[]): Promise<Row[][]> => runEach(statements, query),
    atomic: {
      kind: "session",
      withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
        const script = async (statements: readonly string[]) => runScript(opened("script"), statements);
        const run = queue.then(() => fn({ query, script }));
        // The next session waits for this one to settle, whether it succeeded or not.
        queue = run.catch(() => undefined);
        return run;
      },
    },
    close() {
      closed ??= queue.then(() => {
        if (owned) database?.close();
      });
      return closed;
    },
  };
}

// internal

function requireFilename(filename: string | undefined): string {
  if (typeof filename === "string" && filename.length > 0) return filename;
  throw new InvalidArgumentError("viborm/sqlite3 needs either filename or database.", {
    argument: "filename",
    problem: "missing",
  });
}

/**
 * Opens the file; one that cannot be opened (a missing folder, no permission) or is not a SQLite
 * database (SQLite reads the header only at the first statement, so one is read here) is
 * CONNECTION_FAILED, the file left as it was.
 */
function open(filename: string): SqliteDatabaseLike {
  let database: InstanceType<typeof Database>;
  try {
    database = new Database(filename, { timeout: 0 });
  } catch (error) {
    throw connectionFailed("sqlite3", { database: filename }, error);
  }
  try {
    database.prepare("SELECT 1 FROM sqlite_master LIMIT 1").get();
  } catch (error) {
    // Only the header's verdict: a busy file is waited on by the statement that needs it.
    if (driverCode(error) === "SQLITE_NOTADB") {
      database.close();
      throw connectionFailed("sqlite3", { database: filename }, error);
    }
  }
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 0");
  return database as unknown as SqliteDatabaseLike;
}

async function runWithBusyWait(
  database: SqliteDatabaseLike,
  sql: string,
  params: unknown[] | undefined,
  busyWaitMs: number,
): Promise<QueryResult> {
  const deadline = Date.now() + busyWaitMs;
  const retry = !/^\s*BEGIN\b/i.test(sql);
  for (let attempt = 0; ; attempt++) {
    try {
      return run(database, sql, params);
    } catch (error) {
      const busy = error instanceof QueryFailedError && driverCode(error.cause) === "SQLITE_BUSY";
      if (!busy || !retry || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2 ** attempt, 50)));
    }
  }
}

/**
 * Runs statements in one synchronous call: all but the last through `exec` (one text), the last
 * prepared, so its rows come back. Never retried on SQLITE_BUSY: part of the script may have run.
 */
function runScript(database: SqliteDatabaseLike, statements: readonly string[]): QueryResult {
  const last = statements[statements.length - 1];
  if (last === undefined) return { rows: [] };
  if (statements.length > 1) {
    const text = scriptText(statements.slice(0, -1), "sqlite", "sqlite3");
    wrap(text, () => {
      database.exec(text);
      return { rows: [] };
    });
  }
  return run(database, last, undefined);
}

/** Runs one statement synchronously: `all()` for a statement returning rows, `run()` otherwise. */
function run(database: SqliteDatabaseLike, sql: string, params: unknown[] | undefined): QueryResult {
  const values = (params ?? []).map(bindable);
  let statement: SqliteStatementLike;
  try {
    statement = database.prepare(sql);
  } catch (error) {
    // A script of several statements (e.g. `$executeRaw` of a file) cannot be prepared as one.
    if (values.length === 0 && /more than one statement/i.test(String((error as Error)?.message))) {
      return wrap(sql, () => {
        database.exec(sql);
        return { rows: [] };
      });
    }
    throw failed(sql, error);
  }
  return wrap(sql, () => {
    if (!statement.reader) return { rows: [], rowsAffected: statement.run(...values).changes };
    statement.safeIntegers(true);
    return { rows: (statement.all(...values) as Row[]).map(readRow) };
  });
}

function wrap(sql: string, fn: () => QueryResult): QueryResult {
  try {
    return fn();
  } catch (error) {
    throw failed(sql, error);
  }
}

function failed(sql: string, error: unknown): QueryFailedError {
  const message = error instanceof Error ? error.message : String(error);
  return new QueryFailedError(`SQLite query failed: ${message}`, { sql, driver: "sqlite3" }, { cause: error });
}

function driverCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** A JavaScript value as SQLite can bind it: booleans as 0/1, dates as ISO text, bytes as a Buffer. */
function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value);
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return value;
}

/** Integers come back as bigint (safeIntegers); those a number holds exactly become numbers, others decimal strings. */
function readRow(row: Row): Row {
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (typeof value === "bigint") {
      const safe = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER);
      row[key] = safe ? Number(value) : value.toString();
    }
  }
  return row;
}
