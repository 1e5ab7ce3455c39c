/**
 * What the two Cloudflare D1 drivers (`viborm/d1`, the Worker binding, and `viborm/d1-http`, the
 * REST API) share: values as D1 binds them, rows as viborm returns them, D1's errors as
 * `QueryFailedError` with a SQLite result code, and finding which statement of a failed batch failed.
 *
 * Runtime-agnostic: Web APIs only, no client library (D1 has none to import).
 */
import type { Row, Statement } from "../dialects/types.js";
import { isVibormError, QueryFailedError, type VibormError } from "../errors.js";

/**
 * A statement that always fails when it runs, and never earlier: SQLite raises "integer overflow"
 * for the absolute value of the smallest 64-bit integer at execution time. Ending a probe batch
 * with it makes D1 roll the probe back whatever ran before it.
 */
export const D1_PROBE_END: Statement = { sql: "SELECT abs(-9223372036854775808) AS viborm_probe_end" };

/** The message the probe end fails with, to tell it from the failure being looked for. */
const PROBE_END_MESSAGE = /integer overflow/i;

/** How blobs travel: as bytes (the binding) or as a JSON array of byte values (the HTTP API). */
export type D1BlobEncoding = "bytes" | "array";

/**
 * A JavaScript value as D1 binds it. D1 takes numbers, strings, null and bytes only: booleans
 * become 0/1, dates ISO-8601 text, bigints numbers (decimal text beyond 2^53, which SQLite's
 * INTEGER affinity still stores as an integer), other objects JSON text.
 *
 * @example toD1Value(true, "bytes") // → 1
 */
export function toD1Value(value: unknown, blobs: D1BlobEncoding): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") {
    const safe = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER);
    return safe ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    const bytes =
      value instanceof ArrayBuffer
        ? new Uint8Array(value)
        : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return blobs === "array" ? Array.from(bytes) : bytes;
  }
  if (typeof value === "object") return JSON.stringify(value);
  return value;
}

/**
 * A row as viborm returns it. D1 sends a blob as an array of byte values (a SQLite value is never
 * an array otherwise), so arrays become `Uint8Array`.
 *
 * @example fromD1Row({ b: [1, 2] }) // → { b: Uint8Array [1, 2] }
 */
export function fromD1Row(row: Row): Row {
  for (const key of Object.keys(row)) {
    const value = row[key];
    if (Array.isArray(value)) row[key] = Uint8Array.from(value as number[]);
  }
  return row;
}

/**
 * The SQLite result code a D1 error message carries ("…: SQLITE_CONSTRAINT (extended: …)"), or
 * one read from its wording when it carries none; D1's own failures keep their `D1_*` name.
 *
 * @example d1ErrorCode("D1_ERROR: UNIQUE constraint failed: t.x: SQLITE_CONSTRAINT") // → "SQLITE_CONSTRAINT"
 */
export function d1ErrorCode(message: string): string | undefined {
  const named = /\b(SQLITE_[A-Z]+)(?![A-Z])/.exec(message);
  if (named) return named[1];
  if (/constraint failed/i.test(message)) return "SQLITE_CONSTRAINT";
  if (/no such (table|column|index)|syntax error|already exists/i.test(message)) return "SQLITE_ERROR";
  if (/database (table )?is (locked|busy)/i.test(message)) return "SQLITE_BUSY";
  return /^(D1_[A-Z_]+)\b/.exec(message)?.[1];
}

/**
 * D1's error as a `QueryFailedError` (a `CONNECTION_FAILED` passes through as it is): the message kept, the original error as `cause` with a
 * `code` (see {@link d1ErrorCode}) so callers can tell a constraint from a missing table.
 *
 * @example throw d1QueryFailed("d1", "SELECT * FROM nope", error);
 */
export function d1QueryFailed(driver: string, sql: string, error: unknown): VibormError {
  // Already typed (the database was not reached): said as it is, not as a failed statement.
  if (isVibormError(error, "CONNECTION_FAILED")) return error;
  const message = error instanceof Error ? error.message : String(error);
  const cause = withCode(error, message);
  return new QueryFailedError(`D1 query failed: ${message}`, { sql, driver }, { cause });
}

/**
 * Runs a batch; on failure throws `QueryFailedError` carrying `statementIndex` (the batch strategy
 * reads it) when `locate` finds which statement failed.
 *
 * D1 reports a failed batch without saying which statement failed. With `locate`, prefixes of the
 * batch are re-run ended by {@link D1_PROBE_END}, so each probe rolls back: a binary search, about
 * log2(n) extra round trips, paid only after a failure. A failure D1 raises at commit (a deferred
 * foreign key) belongs to no statement and is reported without an index.
 *
 * @example await runBatch("d1", statements, (s) => send(s), true);
 */
export async function runBatch<T>(
  driver: string,
  statements: Statement[],
  send: (statements: Statement[]) => Promise<T>,
  locate: boolean,
): Promise<T> {
  try {
    return await send(statements);
  } catch (error) {
    const message = messageOf(error);
    const index = locate && isSqlFailure(message) ? await locateFailure(statements, send, message) : undefined;
    const sql = index === undefined ? statements.map((s) => s.sql).join(";\n") : statements[index]!.sql;
    const failure = d1QueryFailed(driver, sql, error);
    if (index !== undefined) Object.assign(failure, { statementIndex: index });
    throw failure;
  }
}

// internal

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Only a failure SQLite raised repeats when re-run; a network or service error is not probed. */
function isSqlFailure(message: string): boolean {
  return /\bSQLITE_[A-Z]+/.test(message) || /constraint failed|no such |syntax error/i.test(message);
}

/**
 * The index of the first statement that fails, by binary search over probe prefixes; `undefined`
 * when the probes disagree with the original failure (a concurrent change, or a commit-time failure).
 */
async function locateFailure<T>(
  statements: Statement[],
  send: (statements: Statement[]) => Promise<T>,
  message: string,
): Promise<number | undefined> {
  if (PROBE_END_MESSAGE.test(message)) return undefined;
  // Does statement `last` or one before it fail? True, false, or undefined for an unexpected answer.
  const failsBy = async (last: number): Promise<boolean | undefined> => {
    try {
      await send([...statements.slice(0, last + 1), D1_PROBE_END]);
      return undefined;
    } catch (error) {
      const probe = messageOf(error);
      if (PROBE_END_MESSAGE.test(probe)) return false;
      return probe === message ? true : undefined;
    }
  };
  let low = 0;
  let high = statements.length - 1;
  let confirmed = false;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const fails = await failsBy(middle);
    if (fails === undefined) return undefined;
    if (fails) {
      high = middle;
      confirmed = true;
    } else low = middle + 1;
  }
  // Unconfirmed, the last statement may not be the culprit: the commit may be what failed.
  if (!confirmed) return (await failsBy(low)) ? low : undefined;
  return low;
}

/** The error with a `code`, set on it when it has none (or on a wrapper when it cannot take one). */
function withCode(error: unknown, message: string): unknown {
  const code = d1ErrorCode(message);
  if (code === undefined || typeof error !== "object" || error === null) return error;
  if (typeof (error as { code?: unknown }).code === "string") return error;
  try {
    Object.assign(error, { code });
    if ((error as { code?: unknown }).code === code) return error;
  } catch {
    // A frozen error cannot take the code: wrap it below.
  }
  return Object.assign(new Error(message, { cause: error }), { code });
}
