/**
 * @module viborm/pg: a viborm client over node-postgres (`pg`), from a connection URL or a pool you own.
 */
import pg from "pg";
import { postgresDialect } from "../dialects/postgres/index.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, QueryFailedError } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed, errorCode, isNetworkCode, isPostgresConnectionCode } from "./connection-errors.js";
import { pinPoolToSchema } from "./pg-pool-schema.js";
import {
  checkExtensions,
  checkPgSchema,
  type ExtensionsOption,
  type PgSchemaOption,
  searchPath,
  searchPathOption,
  withSearchPathOption,
} from "./pg-schema.js";
import { runEach, scriptText, withPooledSession } from "./pooled.js";
import { configTarget, requireDatabaseUrl, urlTarget } from "./target.js";
import type { Driver, DriverTarget, QueryResult, Session } from "./types.js";

/** The result of one statement, as node-postgres returns it. */
export interface PgResultLike {
  rows: Row[];
  rowCount: number | null;
}

/** A connection checked out of a pool (the part of `pg.PoolClient` viborm uses). */
export interface PgPoolClientLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
  /** Returns the connection to the pool; `true` (or an error) destroys it instead. */
  release(destroy?: boolean | Error): void;
  /** node-postgres clients are event emitters: a connection lost while checked out emits `error`. */
  on?(event: "error", listener: (error: Error) => void): unknown;
  off?(event: "error", listener: (error: Error) => void): unknown;
}

/** A node-postgres pool (the part of `pg.Pool` viborm uses). */
export interface PgPoolLike {
  query(text: string, values?: unknown[]): Promise<unknown>;
  connect(): Promise<PgPoolClientLike>;
  end(): Promise<void>;
}

/** Where the driver's connections come from: a URL (the driver opens and closes a pool) or your own pool. */
export type PgDriverOptions =
  | {
      /** A `postgres://` connection string; the pool opened for it is closed by `close()`. */
      databaseUrl: string;
      pool?: undefined;
    }
  | {
      /** A pool you own: viborm never ends it. */
      pool: PgPoolLike;
      databaseUrl?: undefined;
    };

/** `createClient` options for `viborm/pg`: the schema, a URL or a pool, and optionally the PostgreSQL schema. */
export type PgClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions &
  ExtensionsOption &
  PgDriverOptions &
  PgSchemaOption;

export type { PgSchemaOption } from "./pg-schema.js";

/**
 * A viborm client on PostgreSQL through node-postgres.
 *
 * @example
 * import { createClient } from "viborm/pg";
 * const client = createClient({ schema, databaseUrl: process.env.DATABASE_URL });
 */
export function createClient<S extends Schema>(options: PgClientOptions<S>): VibormClient<S> {
  const { schema, foreignKeys, extensions, ...driverOptions } = options;
  const checkedExtensions = checkExtensions(extensions);
  checkPgSchema(options.pgSchema);
  return createVibormClient({
    schema,
    dialect: "postgres",
    foreignKeys,
    extensions: checkedExtensions,
    driver: () =>
      createPgDriver({ ...(driverOptions as PgDriverOptions & PgSchemaOption), extensions: checkedExtensions }),
  });
}

/**
 * The node-postgres driver: one pool; `queryAll` sends parameterless statements as one
 * multi-statement query (one round trip); `atomic` pins one pooled connection per session.
 *
 * @example const driver = createPgDriver({ pool: new pg.Pool({ connectionString }) });
 */
export function createPgDriver(options: PgDriverOptions & PgSchemaOption & ExtensionsOption): Driver {
  const owned = options.pool === undefined;
  const pgSchema = checkPgSchema(options.pgSchema);
  const path = pgSchema === undefined ? undefined : searchPath(pgSchema, checkExtensions(options.extensions));
  const given = options.pool && path ? pinPoolToSchema(options.pool, path) : options.pool;
  const pool: PgPoolLike = given ?? openPool(options.databaseUrl, path);
  let closed: Promise<void> | undefined;
  const target = owned ? urlTarget(options.databaseUrl) : configTarget((pool as { options?: unknown }).options);
  return {
    name: "pg",
    dialect: "postgres",
    sqlDialect: postgresDialect,
    ...(pgSchema === undefined ? {} : { pgSchema }),
    target,
    query: (sql, params) => run(target, pool, sql, params),
    queryAll: (statements) => queryAll(target, pool, statements),
    atomic: {
      kind: "session",
      withSession: <T>(fn: (session: Session) => Promise<T>): Promise<T> =>
        withPooledSession(
          () => checkOut(target, pool),
          checkIn,
          (connection) => ({
            query: (sql, params) => run(target, connection, sql, params),
            // The simple query protocol takes several statements in one message.
            script: (statements) => run(target, connection, scriptText(statements, "postgres", "pg")),
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

function openPool(databaseUrl: string | undefined, path: string | undefined): PgPoolLike {
  if (!databaseUrl)
    throw new InvalidArgumentError("viborm/pg needs either databaseUrl or pool.", {
      argument: "databaseUrl",
      problem: "missing",
    });
  // pg also takes a socket directory followed by the database name.
  requireDatabaseUrl("viborm/pg", databaseUrl, ["postgres", "postgresql", "socket"], (url) => url.startsWith("/"));
  // With pgSchema, search_path is a startup option of every connection: no extra round trip.
  const url = path === undefined ? databaseUrl : withSearchPathOption(databaseUrl, path);
  const pool = new pg.Pool(
    url === undefined && path !== undefined
      ? { connectionString: databaseUrl, options: searchPathOption(path) }
      : { connectionString: url ?? databaseUrl },
  );
  // An idle connection the server closes (restart, pg_terminate_backend) is reported on the pool;
  // unhandled, that event would end the process. The pool replaces the connection on next use.
  pool.on("error", () => {});
  return pool;
}

type Queryable = Pick<PgPoolLike, "query">;

async function run(target: DriverTarget, queryable: Queryable, sql: string, params?: unknown[]): Promise<QueryResult> {
  const raw = await wrap(target, sql, () => queryable.query(sql, params && params.length > 0 ? params : undefined));
  const results = asResults(raw);
  const last = results[results.length - 1];
  return { rows: last?.rows ?? [], rowsAffected: last?.rowCount ?? undefined };
}

/**
 * Parameterless statements go as one simple-protocol query holding them all (node-postgres then
 * returns one result per statement); statements with parameters run one after another on one connection.
 */
async function queryAll(target: DriverTarget, pool: PgPoolLike, statements: Statement[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  if (statements.every((statement) => !statement.params || statement.params.length === 0)) {
    const sql = statements.map((statement) => statement.sql.replace(/;\s*$/, "")).join("\n;\n");
    const results = asResults(await wrap(target, sql, () => pool.query(sql)));
    if (results.length === statements.length) return results.map((result) => result.rows ?? []);
    throw new QueryFailedError(
      `Expected ${statements.length} results from one multi-statement query, got ${results.length}: a statement holds more than one.`,
      { sql, driver: "pg" },
    );
  }
  return withPooledSession(
    () => checkOut(target, pool),
    checkIn,
    (connection) => ({ query: (sql, params) => run(target, connection, sql, params) }),
    (session) => runEach(statements, session.query),
  );
}

/**
 * A connection lost while checked out (a terminated backend, a restart) rejects the query in
 * flight and also emits `error` on the client, which would end the process unhandled: the query's
 * rejection is what reports it, so the event is ignored while the connection is ours.
 */
const ignoreLost = (): void => {};

async function checkOut(target: DriverTarget, pool: PgPoolLike): Promise<PgPoolClientLike> {
  const connection = await wrap(target, "connect", () => pool.connect());
  connection.on?.("error", ignoreLost);
  return connection;
}

function checkIn(connection: PgPoolClientLike, destroy: boolean): void {
  // A destroyed connection keeps the listener: a late event from its dying socket is no one's.
  if (!destroy) connection.off?.("error", ignoreLost);
  connection.release(destroy);
}

function asResults(raw: unknown): PgResultLike[] {
  if (Array.isArray(raw)) return raw as PgResultLike[];
  return raw ? [raw as PgResultLike] : [];
}

async function wrap<T>(target: DriverTarget, sql: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const code = errorCode(error);
    if (code !== undefined && (isNetworkCode(code) || isPostgresConnectionCode(code)))
      throw connectionFailed("pg", target, error);
    const message = error instanceof Error ? error.message : String(error);
    throw new QueryFailedError(`PostgreSQL query failed: ${message}`, { sql, driver: "pg" }, { cause: error });
  }
}
