/**
 * @module viborm/d1: a viborm client over a Cloudflare D1 binding (`env.DB` in a Worker).
 *
 * D1 has no transactions to open (it rejects `BEGIN` and `SAVEPOINT`): its atomic unit is one
 * `batch()`, so a migration or a push is sent as one batch with its tracking row inside it.
 */
import { sqliteDialect } from "../dialects/sqlite/index.js";
import type { Row, Statement } from "../dialects/types.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { d1QueryFailed, fromD1Row, runBatch, toD1Value } from "./d1-shared.js";
import { rejectPostgresOnlyOptions } from "./pg-schema.js";
import type { Driver, QueryResult } from "./types.js";

/** One statement's result (the part of D1's `D1Result` viborm uses). */
export interface D1ResultLike {
  results?: unknown[];
  meta?: { changes?: number };
}

/** A prepared statement (the part of D1's `D1PreparedStatement` viborm uses). */
export interface D1PreparedStatementLike {
  bind(...values: unknown[]): D1PreparedStatementLike;
  all(): Promise<D1ResultLike>;
}

/** A D1 binding (the part of D1's `D1Database` viborm uses); Cloudflare's `D1Database` fits it. */
export interface D1DatabaseLike {
  prepare(query: string): D1PreparedStatementLike;
  batch(statements: D1PreparedStatementLike[]): Promise<D1ResultLike[]>;
}

/**
 * D1 queries one Worker invocation may make on the Free plan: the binding driver's default
 * `queryBudget` (https://developers.cloudflare.com/d1/platform/limits/). Workers Paid allows 1,000.
 */
export const D1_FREE_QUERIES_PER_INVOCATION = 50;

/** Options of the D1 binding driver. */
export interface D1DriverOptions {
  /** The D1 binding, e.g. `env.DB`. viborm never closes it. */
  database: D1DatabaseLike;
  /**
   * After a failed batch, find which statement failed by re-running prefixes of the batch, each
   * ended by a statement that always fails so D1 rolls it back: about log2(n) more round trips, on
   * failure only, and the failing statement's work (e.g. a table copy) is repeated that many times.
   * Turn it off to save those trips; the error then names no statement.
   * @default true
   */
  locateFailedStatement?: boolean;
}

/** `createClient` options for `viborm/d1`: the schema and the binding. */
export type D1ClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions & D1DriverOptions;

/**
 * A viborm client on a D1 binding. The binding stays the Worker's: `$close()` leaves it usable.
 *
 * @example
 * import { createClient } from "viborm/d1";
 * export default {
 *   async scheduled(_event, env) {
 *     const client = createClient({ schema, database: env.DB });
 *   },
 * };
 */
export function createClient<S extends Schema>(options: D1ClientOptions<S>): VibormClient<S> {
  rejectPostgresOnlyOptions("d1", options);
  const { schema, foreignKeys, ...driverOptions } = options;
  return createVibormClient({
    schema,
    dialect: "sqlite",
    foreignKeys,
    driver: () => createD1Driver(driverOptions),
  });
}

/**
 * The D1 binding driver: `query` is one `prepare().bind().all()`, `queryAll` and `atomic.batch`
 * one `batch()` each, so every call is one round trip. Integers come back as JavaScript numbers
 * (D1 returns no bigints), blobs as `Uint8Array`.
 *
 * @example const driver = createD1Driver({ database: env.DB });
 */
export function createD1Driver(options: D1DriverOptions): Driver {
  const { database } = options;
  const locate = options.locateFailedStatement ?? true;
  const send = async (statements: Statement[]): Promise<QueryResult[]> => {
    const results = await database.batch(statements.map((statement) => prepare(database, statement)));
    return results.map(toQueryResult);
  };
  return {
    name: "d1",
    dialect: "sqlite",
    sqlDialect: sqliteDialect,
    async query(sql, params) {
      try {
        return toQueryResult(await prepare(database, { sql, params }).all());
      } catch (error) {
        throw d1QueryFailed("d1", sql, error);
      }
    },
    async queryAll(statements: Statement[]): Promise<Row[][]> {
      if (statements.length === 0) return [];
      try {
        return (await send(statements)).map((result) => result.rows);
      } catch (error) {
        throw d1QueryFailed("d1", statements.map((statement) => statement.sql).join(";\n"), error);
      }
    },
    // A Worker on the Free plan may make 50 D1 queries per invocation (1,000 on Paid).
    queryBudget: D1_FREE_QUERIES_PER_INVOCATION,
    atomic: {
      kind: "batch",
      async batch(statements) {
        if (statements.length === 0) return [];
        return runBatch("d1", statements, send, locate);
      },
    },
    // The binding belongs to the Worker: there is nothing of ours to close.
    close: async () => undefined,
  };
}

// internal

function prepare(database: D1DatabaseLike, statement: Statement): D1PreparedStatementLike {
  const prepared = database.prepare(statement.sql);
  const params = statement.params ?? [];
  return params.length === 0 ? prepared : prepared.bind(...params.map((value) => toD1Value(value, "bytes")));
}

function toQueryResult(result: D1ResultLike): QueryResult {
  const rows = ((result.results ?? []) as Row[]).map(fromD1Row);
  const changes = result.meta?.changes;
  return typeof changes === "number" ? { rows, rowsAffected: changes } : { rows };
}
