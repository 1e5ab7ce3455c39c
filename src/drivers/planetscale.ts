/**
 * @module viborm/planetscale: a viborm client over PlanetScale's HTTP API (`@planetscale/database`),
 * from a database URL or a connection you own. Runs anywhere `fetch` does (Workers, Node, Deno).
 */
import { connect } from "@planetscale/database";
import { mysqlDialect } from "../dialects/mysql/index.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, QueryFailedError } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed, isMysqlConnectionCode, isUnreachable } from "./connection-errors.js";
import { rejectPostgresOnlyOptions } from "./pg-schema.js";
import { runEach } from "./pooled.js";
import { configTarget, urlTarget } from "./target.js";
import type { Driver, DriverTarget, QueryResult, Session } from "./types.js";

/** The settings a PlanetScale connection is made from (the part of `@planetscale/database`'s `Config` viborm reads). */
export interface PlanetScaleConfigLike {
  url?: string;
  host?: string;
  username?: string;
  password?: string;
}

/** A query's outcome (the part of `@planetscale/database`'s `ExecutedQuery` viborm reads). */
export interface PlanetScaleResultLike {
  rows: unknown[];
  rowsAffected?: number | null;
}

/**
 * A PlanetScale `Connection` (from `connect()`) or `Client` (the part viborm uses). A `Connection`
 * sends back the session each response carries, so its queries share one server session.
 */
export interface PlanetScaleConnectionLike {
  execute(query: string, args?: unknown[] | null): Promise<PlanetScaleResultLike>;
  /** What the connection was made from: viborm makes its dedicated migration sessions from it. */
  readonly config?: PlanetScaleConfigLike;
}

/** Where the driver's connection comes from: a URL (the driver connects) or your own connection. */
export type PlanetScaleDriverOptions =
  | {
      /** `mysql://user:password@host` (or `https://…`; `http://` for a local endpoint). */
      url: string;
      connection?: undefined;
    }
  | {
      /**
       * A connection from `connect(config)` (or a `Client`) you own: raw queries run on it, and each
       * migration runs on a fresh connection made from its `config`.
       */
      connection: PlanetScaleConnectionLike;
      url?: undefined;
    };

/** `createClient` options for `viborm/planetscale`: the schema, and a URL or a connection. */
export type PlanetScaleClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions & PlanetScaleDriverOptions;

/**
 * A viborm client on a PlanetScale (MySQL/Vitess) database over HTTP.
 *
 * @example
 * import { createClient } from "viborm/planetscale";
 * const client = createClient({ schema, url: env.DATABASE_URL });
 */
export function createClient<S extends Schema>(options: PlanetScaleClientOptions<S>): VibormClient<S> {
  rejectPostgresOnlyOptions("planetscale", options);
  const { schema, foreignKeys, ...driverOptions } = options;
  return createVibormClient({
    schema,
    dialect: "mysql",
    foreignKeys,
    driver: () => createPlanetScaleDriver(driverOptions as PlanetScaleDriverOptions),
  });
}

/**
 * The PlanetScale driver, dialect "mysql". Every statement is one HTTP request (PlanetScale's
 * Execute takes one statement, with `?` values interpolated by the client's `format`), so
 * `queryAll` runs its statements one after another on one connection.
 *
 * `atomic` is a pinned session: a fresh connection, made from the same config, carries one server
 * session through the whole unit, so `GET_LOCK` and the statement-by-statement undo of the MySQL
 * strategy happen on one session. Nothing is held open between requests, so `close()` has nothing
 * to end; a connection you passed in is never touched by it.
 *
 * Values: a plain object parameter is sent as JSON text; bigints, booleans, dates (UTC) and bytes
 * as the client's `format` writes them. Rows come back as the client casts them (BIGINT, DECIMAL and
 * DATETIME as strings, JSON parsed, binary as `Uint8Array`).
 *
 * @example const driver = createPlanetScaleDriver({ url: "mysql://user:pass@aws.connect.psdb.cloud" });
 */
export function createPlanetScaleDriver(options: PlanetScaleDriverOptions): Driver {
  const config = sessionConfig(options);
  const connection = options.connection ?? connect({ url: requireUrl(options.url) });
  const target = config?.url ? urlTarget(config.url) : configTarget(config);
  const run = (on: PlanetScaleConnectionLike, sql: string, params?: unknown[]) => execute(target, on, sql, params);
  // The shared connection keeps no session state viborm relies on: when the server has ended its
  // idle session (it answers ABORTED, with a fresh session the client keeps), the statement never
  // ran and is sent once more. A pinned migration session is never retried: its lock went with it.
  const shared = async (sql: string, params?: unknown[]) => {
    try {
      return await run(connection, sql, params);
    } catch (error) {
      if (!isSessionAborted(error)) throw error;
      return run(connection, sql, params);
    }
  };
  return {
    name: "planetscale",
    dialect: "mysql",
    sqlDialect: mysqlDialect,
    target,
    query: (sql, params) => shared(sql, params),
    queryAll: (statements: Statement[]): Promise<Row[][]> => runEach(statements, shared),
    atomic: {
      kind: "session",
      async withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
        // A Connection keeps the session of its last response: a dedicated one pins the unit (its lock,
        // transaction and progress) to one server session, apart from other queries on `connection`.
        const pinned = connect({ ...requireConfig(config) });
        return fn({ query: (sql, params) => run(pinned, sql, params) });
      },
    },
    // HTTP holds nothing open between requests; a passed-in connection is the caller's anyway.
    close: () => Promise.resolve(),
  };
}

// internal

/** MySQL error names for the errnos viborm's runtime and users check most (the number stays in `errno`). */
const MYSQL_ERROR_NAMES: Record<number, string> = {
  1005: "ER_CANT_CREATE_TABLE",
  1007: "ER_DB_CREATE_EXISTS",
  1025: "ER_ERROR_ON_RENAME",
  1048: "ER_BAD_NULL_ERROR",
  1049: "ER_BAD_DB_ERROR",
  1050: "ER_TABLE_EXISTS_ERROR",
  1051: "ER_BAD_TABLE_ERROR",
  1054: "ER_BAD_FIELD_ERROR",
  1060: "ER_DUP_FIELDNAME",
  1061: "ER_DUP_KEYNAME",
  1062: "ER_DUP_ENTRY",
  1064: "ER_PARSE_ERROR",
  1071: "ER_TOO_LONG_KEY",
  1091: "ER_CANT_DROP_FIELD_OR_KEY",
  1146: "ER_NO_SUCH_TABLE",
  1205: "ER_LOCK_WAIT_TIMEOUT",
  1213: "ER_LOCK_DEADLOCK",
  1215: "ER_CANNOT_ADD_FOREIGN",
  1264: "ER_WARN_DATA_OUT_OF_RANGE",
  1265: "WARN_DATA_TRUNCATED",
  1292: "ER_TRUNCATED_WRONG_VALUE",
  1364: "ER_NO_DEFAULT_FOR_FIELD",
  1366: "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD",
  1406: "ER_DATA_TOO_LONG",
  1451: "ER_ROW_IS_REFERENCED_2",
  1452: "ER_NO_REFERENCED_ROW_2",
  1826: "ER_FK_DUP_NAME",
  3819: "ER_CHECK_CONSTRAINT_VIOLATED",
  4025: "ER_CONSTRAINT_FAILED",
};

function requireUrl(url: string | undefined): string {
  if (typeof url === "string" && url.length > 0) return url;
  throw new InvalidArgumentError("viborm/planetscale needs either url or connection.", { argument: "url" });
}

/** The config a dedicated session connection is made from, or undefined when the connection has none. */
function sessionConfig(options: PlanetScaleDriverOptions): PlanetScaleConfigLike | undefined {
  if (options.connection === undefined) return { url: requireUrl(options.url) };
  const config = options.connection.config;
  return config && (config.url || config.host) ? config : undefined;
}

function requireConfig(config: PlanetScaleConfigLike | undefined): PlanetScaleConfigLike {
  if (config) return config;
  throw new InvalidArgumentError(
    "viborm/planetscale runs migrations on a dedicated session made from the connection's config; pass a connection from connect() (it has one) or pass url.",
    { argument: "connection", problem: "no config (url or host) to open a dedicated session from" },
  );
}

async function execute(
  target: DriverTarget,
  connection: PlanetScaleConnectionLike,
  sql: string,
  params?: unknown[],
): Promise<QueryResult> {
  let result: PlanetScaleResultLike;
  try {
    // No args means no formatting: a `?` inside DDL text is left as written.
    result = await connection.execute(sql, params && params.length > 0 ? params.map(toParam) : null);
  } catch (error) {
    const failure = queryFailed(sql, error);
    if (isUnreachable(failure.cause, isMysqlConnectionCode, true)) throw connectionFailed("planetscale", target, error);
    throw failure;
  }
  const affected = result.rowsAffected;
  return { rows: result.rows as Row[], rowsAffected: typeof affected === "number" ? affected : undefined };
}

/** A plain object becomes JSON text (the client's `format` would write "[object Object]"). */
function toParam(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? JSON.stringify(value) : value;
}

/**
 * Wraps a driver error. PlanetScale answers a failed statement with HTTP 200 and
 * `{ error: { code, message } }` (the client throws `DatabaseError`) whose message carries
 * MySQL's `(errno N) (sqlstate S)`: those are copied onto the error as `errno`, `sqlState` and
 * `code` (the MySQL name, as mysql2 gives it), so callers can tell a missing table from a duplicate.
 */
function queryFailed(sql: string, error: unknown): QueryFailedError {
  const message = error instanceof Error ? error.message : String(error);
  const facts = mysqlFacts(message);
  if (facts && error !== null && typeof error === "object" && !("code" in error && typeof error.code === "string")) {
    Object.assign(error, facts);
  }
  return new QueryFailedError(
    `The PlanetScale query failed: ${facts?.sqlMessage ?? message}`,
    { sql, driver: "planetscale" },
    { cause: error },
  );
}

/** True for the service's ABORTED answer (Vitess ended the session), read from the response's code. */
function isSessionAborted(error: unknown): boolean {
  const cause = (error as { cause?: { body?: { code?: unknown } } } | null)?.cause;
  return cause?.body?.code === "ABORTED";
}

/** MySQL's error facts from a Vitess message: `… desc = <text> (errno 1146) (sqlstate 42S02) …`. */
function mysqlFacts(
  message: string,
): { code: string; errno: number; sqlState: string | undefined; sqlMessage: string } | undefined {
  const match = /\(errno (\d+)\)(?: \(sqlstate (\w{5})\))?/.exec(message);
  if (!match) return undefined;
  const errno = Number(match[1]);
  const before = message.slice(0, match.index).trim();
  const desc = /desc = (.*)$/s.exec(before);
  return {
    code: MYSQL_ERROR_NAMES[errno] ?? String(errno),
    errno,
    sqlState: match[2],
    sqlMessage: (desc?.[1] ?? before).trim(),
  };
}
