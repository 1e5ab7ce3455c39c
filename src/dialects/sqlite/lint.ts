/**
 * Lint facts for SQLite and D1: which operations rebuild a table (everything ALTER TABLE cannot
 * do, see recreate-table.ts), the count queries, and D1's limits, which SQLite-family SQL must
 * respect wherever it runs.
 *
 * @see https://developers.cloudflare.com/d1/platform/limits/
 */
import type { Operation } from "../../diff/operations.js";
import { countStatement } from "../lint-counts.js";
import { quoteDoubleQuoted, quoteStringLiteral } from "../quote.js";
import type { Blocking, BlockingContext, DialectLint, EdgeLimits } from "../types.js";
import { sqliteDdl } from "./ddl.js";
import { BACKUP_TABLE_PREFIX, REBUILD_TABLE_PREFIX } from "./recreate-table.js";

/**
 * D1's limits: 100,000 bytes per statement, 100 bound parameters, 100 columns per table, 30 s per
 * query (a batch is one), and 50 (Free) or 1,000 (Paid) database calls per Worker invocation.
 */
export const D1_LIMITS: EdgeLimits = {
  platform: "D1",
  maxStatementBytes: 100_000,
  maxBoundParameters: 100,
  maxColumns: 100,
  maxUnitMs: 30_000,
  callsPerInvocation: { free: 50, paid: 1_000 },
};

/** SQLite's lint facts. */
export const sqliteLint: DialectLint = {
  count: (question) =>
    countStatement(question, {
      quote: quoteDoubleQuoted,
      literal: quoteStringLiteral,
      length: (expression) => `length(${expression})`,
      asText: (expression) => expression,
    }),
  server: null,
  blocking: sqliteBlocking,
  edgeLimits: () => D1_LIMITS,
  // A rebuild copies rows and rebuilds indexes. better-sqlite3 rebuilds ~3.5M narrow rows/s on a
  // development machine (bench/lint-estimates.ts); D1 writes to remote durable storage, and real
  // rows are wider, so the estimate assumes far fewer: better a warning too many than a batch cut off.
  rowsPerSecond: 150_000,
  behaviour: { fillsNewNotNullColumns: false, enforcesLengths: false, nullsTakeDefault: true },
};

// internal

/** A rebuild is whatever the DDL does by copying a table into a new one: found in the DDL itself. */
function sqliteBlocking(operation: Operation, context: BlockingContext): Blocking | null {
  if (context.hints.metadataOnly) return null;
  const statements = sqliteDdl(operation, { before: context.before, after: context.after });
  const rebuilt = new Set<string>();
  const copied = new Set<string>();
  for (const { sql } of statements) {
    const created = /^CREATE TABLE "((?:[^"]|"")+)"/.exec(sql)?.[1]?.replaceAll('""', '"');
    if (created?.startsWith(REBUILD_TABLE_PREFIX)) rebuilt.add(created.slice(REBUILD_TABLE_PREFIX.length));
    if (created?.startsWith(BACKUP_TABLE_PREFIX)) copied.add(created.slice(BACKUP_TABLE_PREFIX.length));
  }
  // A rebuild through a backup creates the table under its own name after dropping it.
  for (const table of copied)
    if (statements.some(({ sql }) => sql.startsWith(`DROP TABLE ${quoteDoubleQuoted(table)}`))) rebuilt.add(table);
  if (rebuilt.size === 0) return null;
  const names = [...rebuilt];
  const others = [...copied].filter((table) => !rebuilt.has(table));
  return {
    message: `rebuilds ${names.join(", ")} (creates a new table, copies every row, drops the old one and renames the new)${others.length > 0 ? `, moving the rows of ${others.join(", ")} aside and back` : ""}; the database is locked for writes throughout`,
    suggestion:
      "On a large table, run it when writes can wait; on D1 the whole migration is one batch, which must finish within 30 s.",
    tables: [...names, ...others],
  };
}
