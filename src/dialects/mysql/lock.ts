/**
 * The migration lock: a named session lock, `GET_LOCK` / `RELEASE_LOCK`. It survives the implicit
 * commits of DDL (a transaction-scoped lock would not), and is released by `release` or when the
 * session ends.
 *
 * Named locks are server-wide, so the name includes a digest of the current database: two databases
 * on one server migrate independently. Names are limited to 64 characters
 * (https://dev.mysql.com/doc/refman/8.0/en/locking-functions.html): a long key is shortened with a hash.
 */
import type { LockSql, Row, Statement } from "../types.js";

/** How many characters of the key a lock name keeps (64 minus `@` and a 16-character database digest). */
const KEY_BUDGET = 47;

/**
 * The lock SQL for MySQL/MariaDB.
 *
 * @example mysqlLock.acquire("_viborm_migrations", 10_000) // → [{ sql: "SELECT GET_LOCK(…, ?) AS acquired", params: […, 10] }]
 */
export const mysqlLock: LockSql = {
  acquire(key: string, timeoutMs: number): Statement[] {
    // Whole seconds: MariaDB takes fractions, MySQL 8 documents only seconds. 0 means "do not wait".
    const seconds = Math.max(0, Math.ceil(timeoutMs / 1000));
    return [{ sql: `SELECT GET_LOCK(${LOCK_NAME_SQL}, ?) AS acquired`, params: [lockKey(key), seconds] }];
  },
  release(key: string): Statement[] {
    return [{ sql: `SELECT RELEASE_LOCK(${LOCK_NAME_SQL}) AS released`, params: [lockKey(key)] }];
  },
  /** 1 = taken; 0 = timed out; NULL = an error (e.g. the session was killed). */
  acquired(rows: Row[]): boolean {
    const value = rows[0]?.acquired;
    return value !== null && value !== undefined && Number(value) === 1;
  },
};

/**
 * The key part of a lock name: the key itself when short enough, otherwise its start and a
 * 64-bit FNV-1a hash of the whole key (deterministic, no I/O, fits the 64-character limit).
 */
export function lockKey(key: string): string {
  if (key.length <= KEY_BUDGET) return key;
  return `${key.slice(0, KEY_BUDGET - 17)}~${fnv1a64(key)}`;
}

// internal

/** `key@` and the first 16 hex digits of SHA1(DATABASE()): at most 64 characters. */
const LOCK_NAME_SQL = "CONCAT(?, '@', LEFT(SHA1(COALESCE(DATABASE(), '')), 16))";

function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString(16).padStart(16, "0");
}
