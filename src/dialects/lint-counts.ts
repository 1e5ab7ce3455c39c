/**
 * The count queries lint sends to a reachable database (rows and values go through the dialect's
 * `counts`, shared with data-loss decisions), the same on every dialect except for
 * quoting, the character-length function and how a value is compared as text. Each returns one
 * row: `n` (and `g`, the number of groups, for duplicates). Values reach SQL only as escaped
 * literals; names only quoted.
 */
import type { RowQuestion, Statement } from "./types.js";

/** What differs between dialects in these queries. */
export interface CountSpelling {
  quote(identifier: string): string;
  literal(value: string): string;
  /** The length in characters of a value, e.g. `char_length(x)`. */
  length(expression: string): string;
  /** A value compared as text (an enum on PostgreSQL needs a cast). */
  asText(expression: string): string;
}

/**
 * The statement answering one question.
 *
 * @example countStatement({ kind: "nulls", table: "users", column: "email" }, spelling) // → SELECT COUNT(*) AS n FROM "users" WHERE "email" IS NULL
 */
export function countStatement(question: RowQuestion, spelling: CountSpelling): Statement {
  const q = spelling.quote;
  const table = q(question.table);
  switch (question.kind) {
    case "nulls":
      return { sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${q(question.column)} IS NULL` };
    case "duplicates": {
      const columns = question.columns.map(q);
      const present = columns.map((column) => `${column} IS NOT NULL`).join(" AND ");
      return {
        sql: `SELECT COALESCE(SUM(k - 1), 0) AS n, COUNT(*) AS g FROM (SELECT COUNT(*) AS k FROM ${table} WHERE ${present} GROUP BY ${columns.join(", ")} HAVING COUNT(*) > 1) viborm_groups`,
      };
    }
    case "orphans": {
      const present = question.columns.map((column) => `viborm_c.${q(column)} IS NOT NULL`).join(" AND ");
      const join = question.columns
        .map((column, i) => `viborm_p.${q(question.referencedColumns[i]!)} = viborm_c.${q(column)}`)
        .join(" AND ");
      return {
        sql: `SELECT COUNT(*) AS n FROM ${table} viborm_c WHERE ${present} AND NOT EXISTS (SELECT 1 FROM ${q(question.referencedTable)} viborm_p WHERE ${join})`,
      };
    }
    case "longer":
      return {
        sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${spelling.length(q(question.column))} > ${Math.trunc(question.length)}`,
      };
    case "outside": {
      const column = q(question.column);
      return {
        sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${column} < ${integer(question.min)} OR ${column} > ${integer(question.max)}`,
      };
    }
    case "holding": {
      const values = question.values.map((value) => spelling.literal(value)).join(", ");
      return {
        sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${spelling.asText(q(question.column))} IN (${values})`,
      };
    }
  }
}

// internal

/** An integer bound as SQL: only digits (and a sign) reach the statement. */
function integer(value: string): string {
  if (!/^-?\d+$/.test(value)) throw new RangeError(`not an integer bound: ${value}`);
  return value;
}
