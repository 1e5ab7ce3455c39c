/**
 * The migration lock on PostgreSQL: a transaction-scoped advisory lock. It frees itself when the
 * transaction ends (commit or rollback), so nothing can leak it, and it works through poolers.
 */
import type { LockSql } from "../types.js";

/** `pg_advisory_xact_lock` behind a `lock_timeout`, so a waiting applier fails with 55P03 (lock_not_available). */
export const postgresLock: LockSql = {
  acquire: (key, timeoutMs) => [
    // SET LOCAL lasts until the transaction ends: the migration's own DDL waits no longer than
    // the lock did, rather than queueing every other query on the table behind it.
    { sql: `SET LOCAL lock_timeout = '${Math.max(1, Math.ceil(timeoutMs))}ms'` },
    { sql: `SELECT pg_catalog.pg_advisory_xact_lock('${advisoryKey(key)}'::bigint)` },
  ],
  release: () => [],
  acquired: () => true,
};

/**
 * The signed 64-bit advisory-lock key for a lock name: FNV-1a 64 over its UTF-8 bytes, so every
 * process derives the same key without coordination.
 *
 * @example advisoryKey("viborm:_viborm_migrations") // → a decimal string such as "-4386393710298150151"
 */
export function advisoryKey(name: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(name)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash).toString();
}
