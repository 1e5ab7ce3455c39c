/**
 * @module viborm/neon-http: a viborm client over Neon's SQL-over-HTTP API (`neon()` from
 * `@neondatabase/serverless`): each query is one HTTPS request, and a migration or a push is one
 * `sql.transaction([...])` request that PostgreSQL runs all-or-nothing. No socket, no Node built-in:
 * it runs in Workers, Vercel Edge and Node alike.
 */
import { neon, neonConfig } from "@neondatabase/serverless";
import { postgresDialect } from "../dialects/postgres/index.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, QueryFailedError } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed, errorCode, isPostgresConnectionCode, isUnreachable } from "./connection-errors.js";
import { checkExtensions, checkPgSchema, type ExtensionsOption, type PgSchemaOption, searchPath } from "./pg-schema.js";
import { urlTarget } from "./target.js";
import type { Driver, DriverTarget, QueryResult } from "./types.js";

/** A query built by `sql.query(...)`: it runs when awaited, or as part of `sql.transaction([...])`. */
export type NeonQueryLike = PromiseLike<unknown>;

/** One statement's result with `fullResults: true` (the part of Neon's `FullQueryResults` viborm uses). */
export interface NeonFullResultLike {
  rows: Row[];
  /** Rows an INSERT/UPDATE/DELETE changed; `null` for statements without a count (DDL). */
  rowCount: number | null;
}

/** The per-call options viborm passes to `query` and `transaction`. */
export interface NeonCallOptions {
  fullResults?: boolean;
  arrayMode?: boolean;
  /** Transactions only: a `READ ONLY` transaction. */
  readOnly?: boolean;
  /** Transactions only: the transaction's isolation level. */
  isolationLevel?: NeonIsolationLevel;
}

/** The isolation levels Neon's `transaction()` takes. */
export type NeonIsolationLevel = "ReadUncommitted" | "ReadCommitted" | "RepeatableRead" | "Serializable";

const ISOLATION_LEVELS: readonly NeonIsolationLevel[] = [
  "ReadUncommitted",
  "ReadCommitted",
  "RepeatableRead",
  "Serializable",
];

/** Options for every shape of {@link NeonHttpDriverOptions}. */
export interface NeonTransactionOptions {
  /**
   * The isolation level of every transaction the driver sends (each migration's, each push's, and
   * the reads it groups into one).
   * @default "ReadCommitted"
   */
  isolationLevel?: NeonIsolationLevel;
}

/** The function `neon(url)` returns (the part of `NeonQueryFunction` viborm uses). */
export interface NeonSqlLike {
  query(sql: string, params?: unknown[], options?: NeonCallOptions): NeonQueryLike;
  /** Neon also takes a function returning the queries; viborm always passes the array. */
  transaction(queries: NeonQueryLike[] | ((sql: never) => unknown[]), options?: NeonCallOptions): Promise<unknown[]>;
}

/**
 * Where Neon's client sends its HTTP requests: a URL, or a function of the database's host and
 * port (the shape of Neon's `neonConfig.fetchEndpoint`).
 */
export type NeonFetchEndpoint =
  | string
  | ((host: string, port: number | string, options?: { jwtAuth?: boolean }) => string);

/** Where the queries go: a connection URL (the driver calls `neon()`), or your own `neon()` function. */
export type NeonHttpDriverOptions =
  | {
      /** A `postgresql://user:password@host/db` connection string of a Neon database. */
      databaseUrl: string;
      /**
       * Sends this client's requests elsewhere than Neon's `https://api.<host>/sql`, e.g. to a local
       * SQL-over-HTTP endpoint. Neon reads `fetchEndpoint` only from its global `neonConfig`, so the
       * driver installs there a router that picks this endpoint for this URL's host and port (and
       * keeps the previous setting for every other host); setting `neonConfig.fetchEndpoint`
       * yourself afterwards replaces the router. Two clients may not route one host differently.
       * @default Neon's own endpoint for the host
       */
      fetchEndpoint?: NeonFetchEndpoint;
      sql?: undefined;
    }
  | {
      /** A function made by `neon(url)`, configured as you like: viborm never changes it. */
      sql: NeonSqlLike;
      databaseUrl?: undefined;
      fetchEndpoint?: undefined;
    };

/** `createClient` options for `viborm/neon-http`: the schema, and a URL or a `neon()` function. */
export type NeonHttpClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions &
  ExtensionsOption &
  NeonHttpDriverOptions &
  NeonTransactionOptions &
  PgSchemaOption;

/** The error of a failed batch: `statementIndex` says which statement failed, where that can be known. */
export type NeonBatchError = QueryFailedError & { statementIndex?: number };

/**
 * A viborm client on Neon over HTTP.
 *
 * @example
 * import { createClient } from "viborm/neon-http";
 * const client = createClient({ schema, databaseUrl: env.DATABASE_URL });
 */
export function createClient<S extends Schema>(options: NeonHttpClientOptions<S>): VibormClient<S> {
  const { schema, foreignKeys, extensions, ...driverOptions } = options;
  const checkedExtensions = checkExtensions(extensions);
  checkPgSchema(options.pgSchema);
  return createVibormClient({
    schema,
    dialect: "postgres",
    foreignKeys,
    extensions: checkedExtensions,
    driver: () =>
      createNeonHttpDriver({
        ...(driverOptions as NeonHttpDriverOptions & NeonTransactionOptions & PgSchemaOption),
        extensions: checkedExtensions,
      }),
  });
}

/**
 * The Neon HTTP driver. `query` is one request; `queryAll` and `atomic.batch` are one
 * `sql.transaction([...])` request each. PostgreSQL runs a transaction's DDL all-or-nothing, so the
 * batch strategy needs no lock: the tracking insert goes first and a concurrent loser's whole
 * transaction fails on its primary key.
 *
 * @example const driver = createNeonHttpDriver({ sql: neon(env.DATABASE_URL) });
 */
export function createNeonHttpDriver(
  options: NeonHttpDriverOptions & NeonTransactionOptions & PgSchemaOption & ExtensionsOption,
): Driver {
  const owned = options.sql === undefined;
  const pgSchema = checkPgSchema(options.pgSchema);
  const isolationLevel = checkIsolationLevel(options.isolationLevel);
  // Each request is its own session: with pgSchema, every request is a transaction that first sets
  // search_path for itself (set_config(…, true) lasts until its COMMIT), in the same HTTP call.
  const prefix: Statement[] = pgSchema
    ? [
        {
          sql: "SELECT pg_catalog.set_config('search_path', $1, true)",
          params: [searchPath(pgSchema, checkExtensions(options.extensions))],
        },
      ]
    : [];
  const sql = options.sql ?? openSql(options.databaseUrl);
  const unroute =
    owned && options.fetchEndpoint !== undefined ? route(options.databaseUrl!, options.fetchEndpoint) : noop;
  let closed = false;
  const live = (what: string) => {
    // An owned client's close() drops its endpoint route: a query after it would silently go elsewhere.
    if (closed) throw new QueryFailedError("The viborm/neon-http client is closed.", { sql: what, driver: DRIVER });
    return sql;
  };
  const target = urlTarget(options.databaseUrl);
  return {
    name: DRIVER,
    dialect: "postgres",
    sqlDialect: postgresDialect,
    ...(pgSchema === undefined ? {} : { pgSchema }),
    target,
    query: async (text, params) => {
      if (pgSchema)
        return toQueryResult((await transaction(target, live, [{ sql: text, params }], { isolationLevel }, prefix))[0]);
      const sql = live(text);
      const [result] = await run(target, [{ sql: text, params }], () =>
        sql.query(text, params ?? [], { fullResults: true, arrayMode: false }),
      );
      return toQueryResult(result);
    },
    queryAll: async (statements) => {
      if (statements.length === 0) return [];
      // Introspection reads go as a READ ONLY transaction; the tracking table's create-then-read may not.
      const readOnly = statements.every((statement) => READ_ONLY.test(statement.sql));
      const results = await transaction(target, live, statements, { readOnly, isolationLevel }, prefix);
      return results.map((result) => result.rows);
    },
    atomic: {
      kind: "batch",
      async batch(statements) {
        if (statements.length === 0) return [];
        return (await transaction(target, live, statements, { isolationLevel }, prefix)).map(toQueryResult);
      },
    },
    close() {
      if (owned && !closed) unroute();
      if (owned) closed = true;
      return Promise.resolve();
    },
  };
}

// internal

const DRIVER = "neon-http";

/** Statements that only read, sent as a READ ONLY transaction. */
const READ_ONLY = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(?:select|with|values|table|show)\b/i;

function noop(): void {}

function checkIsolationLevel(level: unknown): NeonIsolationLevel {
  if (level === undefined) return "ReadCommitted";
  if (ISOLATION_LEVELS.includes(level as NeonIsolationLevel)) return level as NeonIsolationLevel;
  throw new InvalidArgumentError(`viborm/neon-http isolationLevel must be one of ${ISOLATION_LEVELS.join(", ")}.`, {
    argument: "isolationLevel",
    value: level,
  });
}

function openSql(databaseUrl: string | undefined): NeonSqlLike {
  if (!databaseUrl)
    throw new InvalidArgumentError("viborm/neon-http needs either databaseUrl or sql.", {
      argument: "databaseUrl",
      problem: "missing",
    });
  // Checked here because Neon's own error for a malformed URL quotes it, password included.
  hostKey(databaseUrl);
  return neon(databaseUrl) as unknown as NeonSqlLike;
}

/** One `sql.transaction` request: `prefix` (search_path) first, its results dropped, indexes kept. */
async function transaction(
  target: DriverTarget,
  live: (what: string) => NeonSqlLike,
  statements: Statement[],
  options: NeonCallOptions,
  prefix: Statement[] = [],
): Promise<NeonFullResultLike[]> {
  const all = [...prefix, ...statements];
  const sql = live(all.map((statement) => statement.sql).join(";\n"));
  try {
    const results = await run(target, all, () => {
      const queries = all.map((statement) => sql.query(statement.sql, statement.params ?? []));
      return sql.transaction(queries, { ...options, fullResults: true, arrayMode: false });
    });
    return results.slice(prefix.length);
  } catch (error) {
    const failed = error as NeonBatchError;
    if (prefix.length > 0 && failed.statementIndex !== undefined) {
      if (failed.statementIndex >= prefix.length) failed.statementIndex -= prefix.length;
      else delete failed.statementIndex;
    }
    throw failed;
  }
}

/** Runs one request; its failure becomes a QueryFailedError naming the failed statement where it can. */
async function run(
  target: DriverTarget,
  statements: Statement[],
  send: () => PromiseLike<unknown>,
): Promise<NeonFullResultLike[]> {
  let raw: unknown;
  try {
    raw = await send();
  } catch (error) {
    if (isUnreachable(error, isPostgresConnectionCode, true)) throw connectionFailed(DRIVER, target, error);
    throw failure(statements, error);
  }
  const results = (Array.isArray(raw) ? raw : [raw]) as NeonFullResultLike[];
  if (results.length === statements.length) return results;
  throw new QueryFailedError(`Expected ${statements.length} results from Neon, got ${results.length}.`, {
    sql: statements.map((statement) => statement.sql).join(";\n"),
    driver: DRIVER,
  });
}

function toQueryResult(result: NeonFullResultLike | undefined): QueryResult {
  return { rows: result?.rows ?? [], rowsAffected: result?.rowCount ?? undefined };
}

function failure(statements: Statement[], error: unknown): NeonBatchError {
  const index = failedIndex(statements, error);
  const failed = index === undefined ? undefined : statements[index];
  const message = error instanceof Error ? error.message : String(error);
  const sql = failed?.sql ?? statements.map((statement) => statement.sql).join(";\n");
  const wrapped: NeonBatchError = isStatementTimeout(error)
    ? new QueryFailedError(
        `Neon cancelled ${failed ? `a statement at its time limit (${message}): ${preview(failed.sql)}` : `a transaction at its time limit (${message}); it held: ${statements.map((statement) => preview(statement.sql)).join("; ")}`}. A migration over Neon's HTTP API runs as one request; mark a long one -- viborm:no-transaction (each statement its own request), or run it over a pooled connection (viborm/pg with the pooled URL).`,
        { sql, driver: DRIVER, reason: "statementTimeout" },
        { cause: error },
      )
    : new QueryFailedError(`Neon query failed: ${message}`, { sql, driver: DRIVER }, { cause: error });
  if (index !== undefined) wrapped.statementIndex = index;
  return wrapped;
}

/** SQLSTATE 57014 (query_canceled): a statement_timeout, or Neon's own limit on an HTTP query. */
function isStatementTimeout(error: unknown): boolean {
  return errorCode(error) === "57014";
}

/** A statement's first line, shortened for a message (the whole statement is in `meta.sql`). */
function preview(sql: string): string {
  const line = sql.trim().split("\n")[0]!;
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** The PostgreSQL error fields Neon's HTTP API returns on a `NeonDbError`. */
interface NeonDbErrorLike {
  message?: unknown;
  code?: unknown;
  position?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
  dataType?: unknown;
}

/**
 * Which statement of a transaction failed. Neon's answer to a failed transaction is the PostgreSQL
 * error alone, without the index of the query that raised it, so the index is inferred from the
 * error's own facts: the names it carries (constraint, table, column, type, the quoted name in its
 * message) that the batch spells out must all appear, as whole identifiers, in the statement; its
 * `position` must fall inside it; and exactly one statement may match. Anything less leaves the
 * index unknown rather than guessed.
 */
function failedIndex(statements: Statement[], error: unknown): number | undefined {
  const fields = (error ?? {}) as NeonDbErrorLike;
  if (typeof fields.code !== "string" || fields.code === "") return undefined;
  if (statements.length === 1) return 0;
  const quoted = typeof fields.message === "string" ? /"([^"]+)"/.exec(fields.message)?.[1] : undefined;
  const texts = statements.map((statement) => statement.sql.toLowerCase());
  // A name no statement spells (an implicit constraint name such as "t_pkey") tells nothing.
  const names = [fields.constraint, fields.table, fields.column, fields.dataType, quoted]
    .filter((name): name is string => typeof name === "string" && name !== "")
    .map((name) => name.toLowerCase())
    .filter((name) => texts.some((text) => mentions(text, name)));
  if (names.length === 0) return undefined;
  const position = Number(fields.position);
  const matches = texts.flatMap((text, index) =>
    !(position > text.length) && names.every((name) => mentions(text, name)) ? [index] : [],
  );
  return matches.length === 1 ? matches[0] : undefined;
}

/** True when `name` occurs in `text` as a whole identifier, not inside a longer one. */
function mentions(text: string, name: string): boolean {
  let at = text.indexOf(name);
  while (at !== -1) {
    if (!IDENTIFIER_CHAR.test(text[at - 1] ?? " ") && !IDENTIFIER_CHAR.test(text[at + name.length] ?? " ")) return true;
    at = text.indexOf(name, at + 1);
  }
  return false;
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;

interface Route {
  endpoint: NeonFetchEndpoint;
  clients: number;
}

/** Endpoints by `host:port`, for the clients created with `fetchEndpoint`. */
const routes = new Map<string, Route>();
/** What `neonConfig.fetchEndpoint` was before the router replaced it: every other host still goes there. */
let fallback: NeonFetchEndpoint | undefined;

/** Sends requests for `databaseUrl`'s host to `endpoint` until the returned function is called. */
function route(databaseUrl: string, endpoint: NeonFetchEndpoint): () => void {
  const key = hostKey(databaseUrl);
  const existing = routes.get(key);
  if (existing && existing.endpoint !== endpoint) {
    throw new InvalidArgumentError(
      `Another viborm/neon-http client already sends requests for ${key} to a different fetchEndpoint; use one endpoint per database host.`,
      { argument: "fetchEndpoint", problem: `conflicting endpoints for ${key}` },
    );
  }
  if (existing) existing.clients += 1;
  else routes.set(key, { endpoint, clients: 1 });
  if (neonConfig.fetchEndpoint !== dispatch) {
    fallback = neonConfig.fetchEndpoint;
    neonConfig.fetchEndpoint = dispatch;
  }
  let released = false;
  return () => {
    const current = routes.get(key);
    if (released || !current) return;
    released = true;
    current.clients -= 1;
    if (current.clients === 0) routes.delete(key);
  };
}

function dispatch(host: string, port: number | string, options?: { jwtAuth?: boolean }): string {
  const target = routes.get(`${host}:${port}`)?.endpoint ?? fallback;
  if (target === undefined)
    throw new InvalidArgumentError(`No Neon fetch endpoint for ${host}:${port}.`, {
      argument: "fetchEndpoint",
      problem: "missing",
    });
  return typeof target === "function" ? target(host, port, options) : target;
}

/**
 * The `host:port` Neon's client passes to `fetchEndpoint` for a connection string: it reads the
 * URL as `http:`, so a missing port is "" (and port 80 too).
 */
function hostKey(databaseUrl: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(databaseUrl)?.[0];
  let url: URL;
  try {
    url = new URL(`http:${databaseUrl.slice(scheme?.length ?? 0)}`);
  } catch {
    // The URL may hold a password: the error names neither it nor the parser's message quoting it.
    throw new InvalidArgumentError("The viborm/neon-http databaseUrl is not a valid URL.", {
      argument: "databaseUrl",
      problem: "not a URL",
    });
  }
  return `${url.hostname}:${url.port}`;
}
