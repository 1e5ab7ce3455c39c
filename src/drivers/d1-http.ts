/**
 * @module viborm/d1-http: a viborm client over Cloudflare D1's HTTP API (`fetch`), for Node scripts,
 * CI and any runtime outside the Worker that owns the binding.
 *
 * Every call is one HTTPS request: `query` sends `{ sql, params }`, `queryAll` and a migration's
 * atomic batch send `{ batch: [...] }`, which D1 runs as one transaction.
 *
 * @see https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/query/
 */
import { sqliteDialect } from "../dialects/sqlite/index.js";
import type { Row, Statement } from "../dialects/types.js";
import { InvalidArgumentError, rememberSecret } from "../errors.js";
import type { Schema } from "../schema/index.js";
import { createClient as createVibormClient, type SchemaClientOptions, type VibormClient } from "./client.js";
import { connectionFailed } from "./connection-errors.js";
import { d1QueryFailed, fromD1Row, runBatch, toD1Value } from "./d1-shared.js";
import { rejectPostgresOnlyOptions } from "./pg-schema.js";
import { urlTarget } from "./target.js";
import type { Driver, QueryResult } from "./types.js";

/** Cloudflare's API root, used when no `baseUrl` is given. */
export const D1_HTTP_DEFAULT_BASE_URL = "https://api.cloudflare.com/client/v4";

/** The part of a `fetch` Response the driver reads. */
export interface D1HttpResponseLike {
  ok: boolean;
  status: number;
  text(): Promise<string>;
}

/** A `fetch` function (the global one, or your own: a proxy, a retrying wrapper, a test double). */
export type D1HttpFetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
) => Promise<D1HttpResponseLike>;

/** Options of the D1 HTTP driver. */
export interface D1HttpDriverOptions {
  /** The Cloudflare account id. */
  accountId: string;
  /** The D1 database id (a UUID, as `wrangler d1 list` shows it). */
  databaseId: string;
  /** An API token with D1 edit rights. A secret: viborm never puts it in an error or a log. */
  apiToken: string;
  /**
   * The API root, e.g. a local endpoint in tests.
   * @default "https://api.cloudflare.com/client/v4"
   */
  baseUrl?: string;
  /** @default globalThis.fetch */
  fetch?: D1HttpFetch;
  /**
   * After a failed batch, find which statement failed by re-sending prefixes of it, each ended by a
   * statement that always fails so D1 rolls it back: about log2(n) more requests, on failure only.
   * Turn it off to save those requests; the error then names no statement.
   * @default true
   */
  locateFailedStatement?: boolean;
}

/** `createClient` options for `viborm/d1-http`: the schema, the account, database and token. */
export type D1HttpClientOptions<S extends Schema> = { schema: S } & SchemaClientOptions & D1HttpDriverOptions;

/**
 * A viborm client on D1 through Cloudflare's HTTP API.
 *
 * @example
 * import { createClient } from "viborm/d1-http";
 * const client = createClient({ schema, accountId, databaseId, apiToken: process.env.CLOUDFLARE_D1_TOKEN });
 */
export function createClient<S extends Schema>(options: D1HttpClientOptions<S>): VibormClient<S> {
  rejectPostgresOnlyOptions("d1-http", options);
  const { schema, foreignKeys, ...driverOptions } = options;
  return createVibormClient({
    schema,
    dialect: "sqlite",
    foreignKeys,
    driver: () => createD1HttpDriver(driverOptions),
  });
}

/**
 * The D1 HTTP driver. It holds no connection: `close()` only makes later calls fail.
 * Integers come back as JavaScript numbers, blobs as `Uint8Array` (sent as arrays of byte values).
 *
 * @example const driver = createD1HttpDriver({ accountId, databaseId, apiToken });
 */
export function createD1HttpDriver(options: D1HttpDriverOptions): Driver {
  const { apiToken } = checkOptions(options);
  rememberSecret(apiToken);
  const base = (options.baseUrl ?? D1_HTTP_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/accounts/${encodeURIComponent(options.accountId)}/d1/database/${encodeURIComponent(options.databaseId)}/query`;
  const endpoint: Endpoint = {
    url,
    apiToken,
    fetch: options.fetch ?? ((target, init) => globalThis.fetch(target, init)),
  };
  const locate = options.locateFailedStatement ?? true;
  const target = { host: urlTarget(base).host ?? base, database: options.databaseId };
  let closed = false;
  const post = async (body: unknown): Promise<D1HttpResult[]> => {
    if (closed) throw new Error("the viborm/d1-http client is closed");
    try {
      return await postJson(endpoint, body);
    } catch (error) {
      throw isUnreachable(error) ? connectionFailed("d1-http", target, error) : error;
    }
  };
  const send = async (statements: Statement[]): Promise<QueryResult[]> => {
    const results = await post({ batch: statements.map(toQuery) });
    return statements.map((_, index) => toQueryResult(results[index]));
  };

  return {
    name: "d1-http",
    dialect: "sqlite",
    sqlDialect: sqliteDialect,
    target,
    async query(sql, params) {
      try {
        const results = await post(toQuery({ sql, params }));
        // A text of several statements gets one result each: the rows are the last one's.
        const rows = toQueryResult(results[results.length - 1]).rows;
        const changes = results.reduce((sum, result) => sum + (result.meta?.changes ?? 0), 0);
        return { rows, rowsAffected: changes };
      } catch (error) {
        throw d1QueryFailed("d1-http", sql, error);
      }
    },
    async queryAll(statements: Statement[]): Promise<Row[][]> {
      if (statements.length === 0) return [];
      try {
        return (await send(statements)).map((result) => result.rows);
      } catch (error) {
        throw d1QueryFailed("d1-http", statements.map((statement) => statement.sql).join(";\n"), error);
      }
    },
    atomic: {
      kind: "batch",
      async batch(statements) {
        if (statements.length === 0) return [];
        return runBatch("d1-http", statements, send, locate);
      },
    },
    async close() {
      closed = true;
    },
  };
}

// internal

/** One statement's entry in the API's `result` list. */
interface D1HttpResult {
  results?: unknown[];
  success?: boolean;
  meta?: { changes?: number };
}

/** Where requests go and how they are sent. */
interface Endpoint {
  url: string;
  apiToken: string;
  fetch: D1HttpFetch;
}

/** One POST of `body`; resolves to the API's `result` list, or throws with D1's message (no token in it). */
async function postJson(endpoint: Endpoint, body: unknown): Promise<D1HttpResult[]> {
  const init = {
    method: "POST",
    headers: { Authorization: `Bearer ${endpoint.apiToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  let response: D1HttpResponseLike;
  let text: string;
  try {
    response = await endpoint.fetch(endpoint.url, init);
    text = await response.text();
  } catch (error) {
    throw Object.assign(
      new Error(redact(`request to the D1 HTTP API failed: ${messageOf(error)}`, endpoint.apiToken)),
      {
        unreachable: true,
      },
    );
  }
  return readPayload(response, text, endpoint.apiToken);
}

/**
 * The request never reached the database: the network failed, or the API refused the token (401,
 * 403) or knows no such account or database (404). Decided from the HTTP status, never the text.
 */
function isUnreachable(error: unknown): boolean {
  const { status, unreachable } = (error ?? {}) as { status?: unknown; unreachable?: unknown };
  return unreachable === true || status === 401 || status === 403 || status === 404;
}

function checkOptions(options: D1HttpDriverOptions): D1HttpDriverOptions {
  for (const argument of ["accountId", "databaseId", "apiToken"] as const) {
    const value = options?.[argument];
    if (typeof value === "string" && value.length > 0) continue;
    // The token's value is a secret: never echoed, even when it is wrong.
    throw new InvalidArgumentError(`viborm/d1-http needs ${argument}, a non-empty string.`, {
      argument,
      ...(argument === "apiToken" ? {} : { value }),
    });
  }
  return options;
}

function toQuery(statement: Statement): { sql: string; params?: unknown[] } {
  const params = (statement.params ?? []).map((value) => toD1Value(value, "array"));
  return params.length === 0 ? { sql: statement.sql } : { sql: statement.sql, params };
}

function toQueryResult(result: D1HttpResult | undefined): QueryResult {
  const rows = ((result?.results ?? []) as Row[]).map(fromD1Row);
  const changes = result?.meta?.changes;
  return typeof changes === "number" ? { rows, rowsAffected: changes } : { rows };
}

/**
 * The `result` list of a successful answer; anything else throws an error whose message is D1's
 * (`errors[].message`), with the HTTP `status` and the API's `errors` on it.
 */
function readPayload(response: D1HttpResponseLike, text: string, apiToken: string): D1HttpResult[] {
  let payload: { success?: unknown; result?: unknown; errors?: unknown } | undefined;
  try {
    payload = JSON.parse(text) as typeof payload;
  } catch {
    payload = undefined;
  }
  const results = Array.isArray(payload?.result) ? (payload.result as D1HttpResult[]) : [];
  const failedEntry = results.some((result) => result?.success === false);
  if (response.ok && payload?.success === true && !failedEntry) return results;
  const errors = Array.isArray(payload?.errors) ? (payload.errors as { code?: unknown; message?: unknown }[]) : [];
  const described = errors.map((error) => String(error?.message ?? "")).filter((message) => message.length > 0);
  const message =
    described.length > 0
      ? described.join("; ")
      : `the D1 HTTP API answered ${response.status}${payload ? "" : `: ${text.slice(0, 200)}`}`;
  throw Object.assign(new Error(redact(message, apiToken)), {
    status: response.status,
    errors: errors.map((error) => ({ code: error?.code, message: redact(String(error?.message ?? ""), apiToken) })),
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The text without the token, should anything ever echo it. */
function redact(text: string, apiToken: string): string {
  return text.split(apiToken).join("[redacted]");
}
