/**
 * The plain transaction statements, shared by the dialects whose BEGIN needs nothing more.
 */
import type { TransactionSql } from "./types.js";

/**
 * `BEGIN` / `COMMIT` / `ROLLBACK`; never busy at `BEGIN` (locks are taken by the statements).
 *
 * @example postgresDialect.transaction.begin // → { sql: "BEGIN" }
 */
export const plainTransaction: TransactionSql = {
  begin: { sql: "BEGIN" },
  commit: { sql: "COMMIT" },
  rollback: { sql: "ROLLBACK" },
  isBusy: () => false,
};
