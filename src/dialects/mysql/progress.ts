/**
 * The progress table of the compensating strategy: one row per statement of the unit in flight,
 * written *before* the statement is sent. A killed client's last statement may still finish on the
 * server, so a row means "this statement may have taken effect"; recovery undoes every row's
 * statement with its inverse, and an inverse that finds the schema already as it was before (the
 * statement never took effect) counts as undone.
 */

import { quoteBacktick as q } from "../quote.js";
import type { ProgressSql, Statement } from "../types.js";

const TABLE = "_viborm_progress";

/**
 * MySQL errors an inverse raises when its statement never took effect: nothing to drop (1091 key
 * or column, 1051 table, 1828/1091 foreign key), already there to re-create (1060 column, 1061 key,
 * 1050 table, 1826 foreign key), or nothing to rename back (1054 column, 1146 table).
 */
const ALREADY_BEFORE = new Set([
  "1091",
  "1051",
  "1060",
  "1061",
  "1050",
  "1826",
  "1828",
  "1054",
  "1146",
  "ER_CANT_DROP_FIELD_OR_KEY",
  "ER_BAD_TABLE_ERROR",
  "ER_DUP_FIELDNAME",
  "ER_DUP_KEYNAME",
  "ER_TABLE_EXISTS_ERROR",
  "ER_FK_DUP_NAME",
  "ER_BAD_FIELD_ERROR",
  "ER_NO_SUCH_TABLE",
]);

/**
 * Progress SQL for MySQL/MariaDB.
 *
 * @example mysqlProgress.insert("_viborm_migrations", "20260101_init", 0, "CREATE INDEX …", null)
 */
export const mysqlProgress: ProgressSql = {
  table: TABLE,
  create(): Statement {
    return {
      sql: `CREATE TABLE IF NOT EXISTS ${q(TABLE)} (${q("lock_key")} VARCHAR(191) NOT NULL, ${q("label")} VARCHAR(255) NOT NULL, ${q("step")} INT NOT NULL, ${q("sql_text")} LONGTEXT NOT NULL, ${q("inverse")} LONGTEXT NULL, PRIMARY KEY (${q("lock_key")}, ${q("step")}))`,
    };
  },
  select(lockKey: string): Statement {
    return {
      sql: `SELECT ${q("label")}, ${q("step")}, ${q("sql_text")}, ${q("inverse")} FROM ${q(TABLE)} WHERE ${q("lock_key")} = ? ORDER BY ${q("step")}`,
      params: [lockKey],
    };
  },
  insert(lockKey: string, label: string, step: number, sql: string, inverse: string | null): Statement {
    return {
      sql: `INSERT INTO ${q(TABLE)} (${q("lock_key")}, ${q("label")}, ${q("step")}, ${q("sql_text")}, ${q("inverse")}) VALUES (?, ?, ?, ?, ?)`,
      params: [lockKey, label, step, sql, inverse],
    };
  },
  remove(lockKey: string, step: number): Statement {
    return {
      sql: `DELETE FROM ${q(TABLE)} WHERE ${q("lock_key")} = ? AND ${q("step")} = ?`,
      params: [lockKey, step],
    };
  },
  clear(lockKey: string): Statement {
    return { sql: `DELETE FROM ${q(TABLE)} WHERE ${q("lock_key")} = ?`, params: [lockKey] };
  },
  isMissingTable(code: string | undefined): boolean {
    return code === "ER_NO_SUCH_TABLE" || code === "1146";
  },
  alreadyUndone(code: string | undefined): boolean {
    return code !== undefined && ALREADY_BEFORE.has(code);
  },
};
