/**
 * @module viborm/mysql2: a viborm client over mysql2 (MySQL 8, MariaDB), from a connection URL or a pool you own.
 */
import mysql from "mysql2/promise";
import { mysqlDialect } from "../dialects/mysql/index.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, QueryFailedError } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed, errorCode, isMysqlConnectionCode, isNetworkCode } from "./connection-errors.js";
import { rejectPostgresOnlyOptions } from "./pg-schema.js";
import { runEach, scriptText, withPooledSession } from "./pooled.js";
import { configTarget, requireDatabaseUrl, urlTarget } from "./target.js";
import type { Driver, DriverTarget, QueryResult, Session } from "./types.js";

/** Something that runs SQL the mysql2/promise way: resolves to `[rows or result header, fields]`. */
export interface MysqlQueryableLike {
  query(sql: string, values?: unknown[]): Promise<[unknown, unknown]>;
}

/** A connection checked out of a pool (the part of mysql2's `PoolConnection` viborm uses). */
export interface MysqlPoolConnectionLike extends MysqlQueryableLike {
  /** Returns the connection to the pool. */
  release(): void;
  /** Closes the connection instead of returning it (its session state is lost with it). */
  destroy(): void;
}

/** A mysql2/promise pool (the part of `mysql.Pool` viborm uses). */
export interface MysqlPoolLike extends MysqlQueryableLike {
  getConnection(): Promise<MysqlPoolConnectionLike>;
  end(): Promise<void>;
}

/** Where the driver's connections come from: a URL (the driver opens and closes a pool) or your own pool. */
export type Mysql2DriverOptions =
  | {
      /** A `mysql://user:password@host:port/database` URL; the pool opened for it is closed by `close()`. */
      databaseUrl: string;
      pool?: undefined;
    }
  | {
      /** A mysql2/promise pool you own: viborm never ends it. */
      pool: MysqlPoolLike;
      databaseUrl?: undefined;
    };

/** `createClient` options for `viborm/mysql2`: the schema, and a URL or a pool. */
export type Mysql2ClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions & Mysql2DriverOptions;

/**
 * A viborm client on MySQL or MariaDB through mysql2.
 *
 * @example
 * import { createClient } from "viborm/mysql2";
 * const client = createClient({ schema, databaseUrl: process.env.DATABASE_URL });
 */
export function createClient<S extends Schema>(options: Mysql2ClientOptions<S>): VibormClient<S> {
  rejectPostgresOnlyOptions("mysql2", options);
  const { schema, foreignKeys, ...driverOptions } = options;
  return createVibormClient({
    schema,
    dialect: "mysql",
    foreignKeys,
    driver: () => createMysql2Driver(driverOptions as Mysql2DriverOptions),
  });
}

/**
 * The mysql2 driver. A pool it opens itself enables `multipleStatements`, so `queryAll` sends
 * parameterless statements as one query (one round trip); with your pool (whose settings it does
 * not assume) `queryAll` runs them one after another on one connection. `atomic` pins one pooled
 * connection per session. Pools the driver opens return BIGINT and DECIMAL values as strings
 * (no precision lost) and read DATETIME as UTC.
 *
 * @example const driver = createMysql2Driver({ pool: mysql.createPool({ uri }) });
 */
export function createMysql2Driver(options: Mysql2DriverOptions): Driver {
  const owned = options.pool === undefined;
  const pool: MysqlPoolLike = options.pool ?? openPool(options.databaseUrl);
  let closed: Promise<void> | undefined;
  const target = owned
    ? urlTarget(options.databaseUrl)
    : configTarget((pool as { pool?: { config?: { connectionConfig?: unknown } } }).pool?.config?.connectionConfig);
  const run = (queryable: MysqlQueryableLike, sql: string, params?: unknown[]) => runOn(target, queryable, sql, params);
  return {
    name: "mysql2",
    dialect: "mysql",
    sqlDialect: mysqlDialect,
    target,
    query: (sql, params) => run(pool, sql, params),
    queryAll: (statements) => queryAll(target, pool, statements, owned),
    atomic: {
      kind: "session",
      // After a failure the session may still hold a named lock, an open transaction or temporary
      // tables: it is closed (the server frees all of that) rather than pooled.
      withSession: <T>(fn: (session: Session) => Promise<T>): Promise<T> =>
        withPooledSession(
          () => wrap(target, "getConnection", () => pool.getConnection()),
          (connection, broken) => (broken ? connection.destroy() : connection.release()),
          (connection) => ({
            query: (sql, params) => run(connection, sql, params),
            // Only where the connection takes several statements at once: a pool the driver
            // opened does; one you pass in does if you created it with `multipleStatements`.
            ...(owned || multipleStatements(connection)
              ? { script: (statements: readonly string[]) => scriptOn(target, connection, statements) }
              : {}),
          }),
          fn,
        ),
    },
    close() {
      closed ??= owned ? pool.end() : Promise.resolve();
      return closed;
    },
  };
}

// internal

function openPool(databaseUrl: string | undefined): MysqlPoolLike {
  if (!databaseUrl)
    throw new InvalidArgumentError("viborm/mysql2 needs either databaseUrl or pool.", {
      argument: "databaseUrl",
      problem: "missing",
    });
  requireDatabaseUrl("viborm/mysql2", databaseUrl, ["mysql", "mariadb"]);
  return mysql.createPool({
    uri: databaseUrl,
    multipleStatements: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: "Z",
  }) as unknown as MysqlPoolLike;
}

async function runOn(
  target: DriverTarget,
  queryable: MysqlQueryableLike,
  sql: string,
  params?: unknown[],
): Promise<QueryResult> {
  const [result] = await wrap(target, sql, () =>
    queryable.query(sql, params && params.length > 0 ? params : undefined),
  );
  return toQueryResult(result);
}

/** Whether a connection was made with `multipleStatements` (mysql2 keeps its options on `config`). */
function multipleStatements(connection: MysqlPoolConnectionLike): boolean {
  return (connection as { config?: { multipleStatements?: unknown } }).config?.multipleStatements === true;
}

/** Statements in one multi-statement query; mysql2 answers one result per statement, the last is returned. */
async function scriptOn(
  target: DriverTarget,
  connection: MysqlQueryableLike,
  statements: readonly string[],
): Promise<QueryResult> {
  const sql = scriptText(statements, "mysql", "mysql2");
  const [result] = await wrap(target, sql, () => connection.query(sql));
  if (statements.length === 1) return toQueryResult(result);
  return toQueryResult(Array.isArray(result) ? result[result.length - 1] : result);
}

/**
 * One multi-statement query on a pool the driver opened (mysql2 then returns one result per
 * statement); otherwise, or with parameters, one statement after another on one connection.
 */
async function queryAll(
  target: DriverTarget,
  pool: MysqlPoolLike,
  statements: Statement[],
  multipleStatements: boolean,
): Promise<Row[][]> {
  if (statements.length === 0) return [];
  const parameterless = statements.every((statement) => !statement.params || statement.params.length === 0);
  if (multipleStatements && parameterless && statements.length > 1) {
    const sql = statements.map((statement) => statement.sql.trim().replace(/;+$/, "")).join(";\n");
    const [results] = await wrap(target, sql, () => pool.query(sql));
    if (Array.isArray(results) && results.length === statements.length) {
      return results.map((result) => toQueryResult(result).rows);
    }
    throw new QueryFailedError(
      `Expected ${statements.length} results from one multi-statement query: a statement holds more than one.`,
      { sql, driver: "mysql2" },
    );
  }
  return withPooledSession(
    () => wrap(target, "getConnection", () => pool.getConnection()),
    (connection, broken) => (broken ? connection.destroy() : connection.release()),
    (connection) => ({ query: (sql, params) => runOn(target, connection, sql, params) }),
    (session) => runEach(statements, session.query),
  );
}

/** Rows for a SELECT; for anything else (a result header), no rows and the affected-row count. */
function toQueryResult(result: unknown): QueryResult {
  if (Array.isArray(result)) return { rows: result as Row[] };
  const affected = (result as { affectedRows?: unknown } | null)?.affectedRows;
  return { rows: [], rowsAffected: typeof affected === "number" ? affected : undefined };
}

async function wrap<T>(target: DriverTarget, sql: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && (isNetworkCode(code) || isMysqlConnectionCode(code)))
      throw connectionFailed("mysql2", target, error);
    const message = error instanceof Error ? error.message : String(error);
    throw new QueryFailedError(`The MySQL query failed: ${message}`, { sql, driver: "mysql2" }, { cause: error });
  }
}
