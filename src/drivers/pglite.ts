/**
 * @module viborm/pglite: a viborm client over PGlite, PostgreSQL compiled to WebAssembly and run
 * in-process (in memory, or persisted to a directory).
 */
import { PGlite } from "@electric-sql/pglite";
import { postgresDialect } from "../dialects/postgres/index.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, QueryFailedError } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed } from "./connection-errors.js";
import {
  checkExtensions,
  checkPgSchema,
  type ExtensionsOption,
  type PgSchemaOption,
  RESET_SEARCH_PATH,
  searchPath,
  searchPathSql,
} from "./pg-schema.js";
import { scriptText } from "./pooled.js";
import type { Driver, QueryResult, Session } from "./types.js";

/** One statement's result, as PGlite returns it. */
export interface PgliteResultLike {
  rows: Row[];
  affectedRows?: number;
}

/** What runs queries inside a PGlite transaction (the part of PGlite's `Transaction` viborm uses). */
export interface PgliteQueryable {
  query(sql: string, params?: unknown[]): Promise<PgliteResultLike>;
  exec(sql: string): Promise<PgliteResultLike[]>;
}

/** A PGlite database (the part of `PGlite` viborm uses). */
export interface PgliteLike extends PgliteQueryable {
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Settles when the database is open; rejects when it cannot be (a data directory that cannot be made). */
  waitReady?: Promise<void>;
}

/** Where the database comes from: opened by the driver (in memory or in `dataDir`), or your own PGlite. */
export type PgliteDriverOptions =
  | {
      /**
       * Directory (or `idb://name` in a browser) the database persists to; omit it for an
       * in-memory database that disappears with the client. The driver closes what it opens.
       */
      dataDir?: string;
      client?: undefined;
    }
  | {
      /** A PGlite you own: viborm never closes it. */
      client: PgliteLike;
      dataDir?: undefined;
    };

/** `createClient` options for `viborm/pglite`: the schema, and a data directory or a PGlite. */
export type PgliteClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions &
  ExtensionsOption &
  PgliteDriverOptions &
  PgSchemaOption;

/**
 * A viborm client on PGlite.
 *
 * @example
 * import { createClient } from "viborm/pglite";
 * const client = createClient({ schema }); // in memory
 */
export function createClient<S extends Schema>(options: PgliteClientOptions<S>): VibormClient<S> {
  const { schema, foreignKeys, extensions, ...driverOptions } = options;
  const checkedExtensions = checkExtensions(extensions);
  checkPgSchema(options.pgSchema);
  return createVibormClient({
    schema,
    dialect: "postgres",
    foreignKeys,
    extensions: checkedExtensions,
    driver: () =>
      createPgliteDriver({ ...(driverOptions as PgliteDriverOptions & PgSchemaOption), extensions: checkedExtensions }),
  });
}

/**
 * The PGlite driver. PGlite has a single connection; a session holds PGlite's transaction mutex,
 * so no other query (through viborm or not) runs between the session's statements.
 *
 * @example const driver = createPgliteDriver({ client: await PGlite.create() });
 */
export function createPgliteDriver(options: PgliteDriverOptions & PgSchemaOption & ExtensionsOption = {}): Driver {
  const owned = options.client === undefined;
  if (owned && options.dataDir !== undefined && typeof options.dataDir !== "string")
    throw new InvalidArgumentError(
      `viborm/pglite needs dataDir as a string (a directory, or memory:// for a database in memory); it was given a ${typeof options.dataDir}.`,
      { argument: "dataDir", problem: "not a string" },
    );
  const db: PgliteLike = options.client ?? new PGlite(options.dataDir);
  const pgSchema = checkPgSchema(options.pgSchema);
  const path = pgSchema === undefined ? undefined : searchPath(pgSchema, checkExtensions(options.extensions));
  const target = { database: (owned ? options.dataDir : (db as { dataDir?: string }).dataDir) ?? "in-memory" };
  // A database that never opened fails every call as CONNECTION_FAILED, not as a failed statement.
  const ready = Promise.resolve(db.waitReady).catch((error: unknown) => {
    throw connectionFailed("pglite", target, error);
  });
  ready.catch(() => undefined);
  let closed: Promise<void> | undefined;
  const opened = <T>(fn: () => Promise<T>) => ready.then(fn);
  const pinned = <T>(fn: (tx: PgliteQueryable) => Promise<T>) => opened(() => pinnedSession(db, path, fn));
  return {
    name: "pglite",
    dialect: "postgres",
    sqlDialect: postgresDialect,
    ...(pgSchema === undefined ? {} : { pgSchema }),
    // With pgSchema, every call holds PGlite's one connection while search_path points at the
    // schema, so another client of the same PGlite (on another schema) never runs in between.
    query: (sql, params) => (pgSchema ? pinned((tx) => run(tx, sql, params)) : opened(() => run(db, sql, params))),
    queryAll: (statements) =>
      pgSchema ? pinned((tx) => queryAll(tx, statements)) : opened(() => queryAll(db, statements)),
    target,
    atomic: {
      kind: "session",
      withSession<T>(fn: (session: Session) => Promise<T>): Promise<T> {
        return pinned((tx) =>
          fn({
            query: (sql, params) => run(tx, sql, params),
            script: (statements) => run(tx, scriptText(statements, "postgres", "pglite")),
          }),
        );
      },
    },
    close() {
      // One that never opened has nothing to close.
      closed ??= owned
        ? ready.then(
            () => db.close(),
            () => undefined,
          )
        : Promise.resolve();
      return closed;
    },
  };
}

// internal

async function run(target: PgliteQueryable, sql: string, params?: unknown[]): Promise<QueryResult> {
  if (params && params.length > 0) {
    const result = await wrap(sql, () => target.query(sql, params));
    return { rows: result.rows, rowsAffected: result.affectedRows };
  }
  // exec() runs a text with several statements too (the simple protocol), as pg's query() does.
  const results = await wrap(sql, () => target.exec(sql));
  const last = results[results.length - 1];
  return { rows: last?.rows ?? [], rowsAffected: last?.affectedRows };
}

/**
 * Runs `fn` on PGlite's one connection, holding its transaction mutex. PGlite's transaction()
 * opens one with BEGIN; ending it at once leaves the mutex held and the connection in autocommit, a
 * plain pinned session on which the caller runs its own BEGIN … COMMIT. PGlite's closing COMMIT
 * then finds nothing to commit, which is harmless. With a schema, search_path points at it for the
 * session and is reset before the mutex is released.
 */
function pinnedSession<T>(
  db: PgliteLike,
  path: string | undefined,
  fn: (tx: PgliteQueryable) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await wrap("COMMIT", () => tx.query("COMMIT"));
    if (path === undefined) return fn(tx);
    const setPath = searchPathSql(path);
    await wrap(setPath, () => tx.exec(setPath));
    try {
      return await fn(tx);
    } finally {
      // A failed unit may leave an aborted transaction: end it first, or RESET would fail too.
      await tx.exec("ROLLBACK").catch(() => undefined);
      await wrap(RESET_SEARCH_PATH, () => tx.exec(RESET_SEARCH_PATH));
    }
  });
}

/** Parameterless statements as one `exec` (one result per statement); others one by one. */
async function queryAll(db: PgliteQueryable, statements: Statement[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  if (statements.every((statement) => !statement.params || statement.params.length === 0)) {
    const sql = statements.map((statement) => statement.sql.replace(/;\s*$/, "")).join("\n;\n");
    const results = await wrap(sql, () => db.exec(sql));
    if (results.length === statements.length) return results.map((result) => result.rows);
    throw new QueryFailedError(
      `Expected ${statements.length} results from one multi-statement query, got ${results.length}: a statement holds more than one.`,
      { sql, driver: "pglite" },
    );
  }
  const rows: Row[][] = [];
  for (const statement of statements) rows.push((await run(db, statement.sql, statement.params)).rows);
  return rows;
}

async function wrap<T>(sql: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new QueryFailedError(`PGlite query failed: ${message}`, { sql, driver: "pglite" }, { cause: error });
  }
}
