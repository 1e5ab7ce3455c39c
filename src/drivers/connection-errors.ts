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
 * starting up or shutting down (57P03).
 */
export function isPostgresConnectionCode(code: string): boolean {
  return code.startsWith("08") || code.startsWith("28") || code === "3D000" || code === "57P03";
}

/** True for a Node socket error code (`ECONNREFUSED`, `ENOTFOUND`, …). */
export function isNetworkCode(code: string): boolean {
  return NETWORK_CODES.has(code);
}

/** The `code` a driver error carries, if it is a string. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
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
