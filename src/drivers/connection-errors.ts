/**
 * Which driver errors mean "the database was not reached" rather than "a statement failed", decided
 * from error codes only: the operating system's socket codes and the database's own.
 */
import { ConnectionFailedError } from "../errors.js";
import type { DriverTarget } from "./types.js";

/** Socket and name-resolution failures Node reports as `error.code`. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
]);

/**
 * PostgreSQL SQLSTATEs that mean the session never started: connection exceptions (class 08),
 * invalid authorization (class 28), a database that does not exist (3D000), and a server that is
 * starting up or shutting down (57P03). Not 08P01: the server sends that protocol violation for a
 * statement bound with the wrong number of parameters, on a session that goes on working.
 */
export function isPostgresConnectionCode(code: string): boolean {
  return (code.startsWith("08") && code !== "08P01") || code.startsWith("28") || code === "3D000" || code === "57P03";
}

/**
 * MySQL/MariaDB errors that mean the session never started (or is gone): access denied to the user
 * (1045, or 1698 when MariaDB refuses the account outright) or the database (1044), an unknown database (1049), and the client's lost or refused
 * connection codes (2002, 2003, 2005, 2006, 2013). mysql2 reports the names, HTTP drivers the numbers.
 */
export function isMysqlConnectionCode(code: string | number): boolean {
  return MYSQL_CONNECTION_CODES.has(String(code));
}

const MYSQL_CONNECTION_CODES = new Set([
  "1044",
  "1045",
  "1049",
  "1698",
  "2002",
  "2003",
  "2005",
  "2006",
  "2013",
  "ER_DBACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_ERROR",
  "ER_ACCESS_DENIED_NO_PASSWORD_ERROR",
  "ER_BAD_DB_ERROR",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_CON_COUNT_ERROR",
]);

/** True for a Node socket error code (`ECONNREFUSED`, `ENOTFOUND`, …). */
export function isNetworkCode(code: string): boolean {
  return NETWORK_CODES.has(code);
}

/** The `code` a driver error carries, if it is a string. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * True when `error`, or an error it was caused by, carries a socket code, a code `isDatabaseCode`
 * accepts, or an HTTP status refusing the credentials (401, 403). For HTTP drivers (`fetch`), a
 * `TypeError` in the chain with no database code is fetch's own network failure, which is how the
 * Fetch standard reports a request that got no response (the client libraries wrap it).
 */
export function isUnreachable(error: unknown, isDatabaseCode: (code: string) => boolean, overFetch = false): boolean {
  let current: unknown = error;
  let sawDatabaseCode = false;
  let sawFetchFailure = false;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth++) {
    const { code, status } = current as { code?: unknown; status?: unknown };
    if (typeof code === "string" && code !== "") {
      if (isNetworkCode(code) || isDatabaseCode(code)) return true;
      sawDatabaseCode = true;
    }
    if (status === 401 || status === 403) return true;
    if (current instanceof TypeError) sawFetchFailure = true;
    const next = current as { cause?: unknown; sourceError?: unknown };
    current = next.cause ?? next.sourceError;
  }
  return overFetch && sawFetchFailure && !sawDatabaseCode;
}

/** `CONNECTION_FAILED` for `error`, naming where the driver tried to connect (no secret). */
export function connectionFailed(
  driver: string,
  target: DriverTarget | undefined,
  error: unknown,
): ConnectionFailedError {
  const reason = error instanceof Error ? error.message : String(error);
  const where = [target?.host, target?.database].filter(Boolean).join("/");
  return new ConnectionFailedError(
    `Could not connect to the database${where ? ` ${where}` : ""} (${driver}): ${reason}`,
    {
      driver,
      ...(target?.host ? { host: target.host } : {}),
      ...(target?.database ? { database: target.database } : {}),
      reason,
    },
    { cause: error },
  );
}
