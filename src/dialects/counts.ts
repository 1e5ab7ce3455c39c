/**
 * Counting rows and non-null values, shared by the dialects: the facts a data-loss decision
 * carries (`change.rows`, `change.values`). Each dialect binds its quoting in its own `counts.ts`.
 */
import { QueryFailedError } from "../errors.js";
import type { CountSql, CountTarget, Row, Statement, TableCounts } from "./types.js";

/**
 * The count SQL for a dialect's identifier quoting: per table one `SELECT COUNT(*), COUNT(col)…`,
 * so each table is scanned once however many of its columns are counted.
 *
 * @example createCountSql(quoteDoubleQuoted).queries([{ table: "users", columns: ["name"] }])
 * // → [{ sql: 'SELECT COUNT(*) AS "n", COUNT("name") AS "v0" FROM "users"' }]
 */
export function createCountSql(quote: (identifier: string) => string): CountSql {
  return {
    queries: (targets) => targets.map((target) => countStatement(quote, target)),
    read: (results, targets) =>
      targets.map((target, index) => readOne(results[index]?.[0], target, countStatement(quote, target))),
  };
}

// internal

function countStatement(quote: (identifier: string) => string, target: CountTarget): Statement {
  // Positional aliases: column names may be anything, and `rows` is reserved in MySQL 8.
  const values = target.columns.map((column, index) => `, COUNT(${quote(column)}) AS ${quote(`v${index}`)}`);
  return { sql: `SELECT COUNT(*) AS ${quote("n")}${values.join("")} FROM ${quote(target.table)}` };
}

function readOne(row: Row | undefined, target: CountTarget, statement: Statement): TableCounts {
  const count = (value: unknown): number => {
    // COUNT is a bigint in PostgreSQL and MySQL: drivers hand it over as a number, a bigint or text.
    const n =
      typeof value === "number"
        ? value
        : typeof value === "string" || typeof value === "bigint"
          ? Number(value)
          : Number.NaN;
    if (Number.isInteger(n) && n >= 0) return n;
    // A guess here could turn "unknown" into "empty, nothing to lose": fail instead.
    throw new QueryFailedError(`Counting the rows of ${target.table} returned no count.`, { sql: statement.sql });
  };
  const values: Record<string, number> = {};
  target.columns.forEach((column, position) => {
    values[column] = count(row?.[`v${position}`]);
  });
  return { table: target.table, rows: count(row?.n), values };
}
