/**
 * Lint facts for PostgreSQL: which operations on an existing table take a long lock or rewrite it,
 * the count queries, and Neon's HTTP limits.
 *
 * @see https://www.postgresql.org/docs/current/sql-altertable.html (notes: rewrites and lock levels)
 * @see https://www.postgresql.org/docs/current/explicit-locking.html
 */
import type { Operation } from "../../diff/operations.js";
import type { Column, ColumnType } from "../../schema/snapshot.js";
import { countStatement } from "../lint-counts.js";
import { quoteDoubleQuoted, quoteStringLiteral } from "../quote.js";
import type { Blocking, BlockingContext, DialectLint, EdgeLimits } from "../types.js";

/**
 * Neon's HTTP endpoint: a 15-second proxy timeout per request (a `transaction()` is one request)
 * and 10 MB per request.
 *
 * @see https://neon.com/docs/serverless/serverless-driver
 */
export const NEON_HTTP_LIMITS: EdgeLimits = {
  platform: "Neon HTTP",
  maxUnitMs: 15_000,
  maxRequestBytes: 10 * 1024 * 1024,
};

/** PostgreSQL's lint facts. */
export const postgresLint: DialectLint = {
  count: (question) =>
    countStatement(question, {
      quote: quoteDoubleQuoted,
      literal: quoteStringLiteral,
      length: (expression) => `char_length(${expression}::text)`,
      asText: (expression) => `${expression}::text`,
    }),
  server: null,
  blocking: postgresBlocking,
  edgeLimits: (driver) => (driver === "neon-http" ? NEON_HTTP_LIMITS : null),
  // A table rewrite handles ~1.4M narrow rows/s on a development machine (bench/lint-estimates.ts);
  // a small Neon compute with remote storage and real, wider rows does far fewer.
  rowsPerSecond: 200_000,
  behaviour: { fillsNewNotNullColumns: false, enforcesLengths: true, nullsTakeDefault: false },
};

// internal

const CONCURRENT_SUGGESTION =
  "create the index with CREATE INDEX CONCURRENTLY in its own migration whose up.sql starts with -- viborm:no-transaction";

function postgresBlocking(operation: Operation, context: BlockingContext): Blocking | null {
  if (context.hints.metadataOnly || context.hints.concurrently) return null;
  switch (operation.kind) {
    case "alterColumn":
      return alterColumnBlocking(operation.table, operation.from, operation.to);
    case "addColumn":
      return addColumnBlocking(operation.table, operation.column);
    case "createIndex":
      return {
        message: `builds index ${operation.index.name} while holding a SHARE lock on ${operation.table}: writes to it wait until the build ends`,
        suggestion: `To keep writes flowing, ${CONCURRENT_SUGGESTION}.`,
        tables: [operation.table],
      };
    case "addUnique":
      return {
        message: `builds the index of unique ${operation.unique.name} under an ACCESS EXCLUSIVE lock on ${operation.table}: reads and writes wait`,
        suggestion: `Build it first with CREATE UNIQUE INDEX CONCURRENTLY (in a -- viborm:no-transaction migration), then ALTER TABLE … ADD CONSTRAINT ${operation.unique.name} UNIQUE USING INDEX ….`,
        tables: [operation.table],
      };
    case "addPrimaryKey":
      return {
        message: `builds the primary key's index under an ACCESS EXCLUSIVE lock on ${operation.table}: reads and writes wait`,
        suggestion:
          "Build a unique index CONCURRENTLY first (in a -- viborm:no-transaction migration), then ALTER TABLE … ADD CONSTRAINT … PRIMARY KEY USING INDEX ….",
        tables: [operation.table],
      };
    case "addForeignKey":
      if (context.hints.notValid) return null;
      return {
        message: `checks every row of ${operation.table} against ${operation.foreignKey.referencedTable} while holding SHARE ROW EXCLUSIVE locks on both: writes to them wait`,
        suggestion: `Add it with NOT VALID (only new rows are checked), then ALTER TABLE ${operation.table} VALIDATE CONSTRAINT ${operation.foreignKey.name} in a later statement, which lets writes through.`,
        tables: [operation.table],
      };
    case "alterEnum": {
      const users = context.before.tables.filter((table) =>
        table.columns.some((column) => column.type.kind === "enum" && column.type.name === operation.name),
      );
      if (users.length === 0) return null;
      return {
        message: `swaps in a new type for enum ${operation.name}, rewriting ${users.map((t) => t.name).join(", ")} under ACCESS EXCLUSIVE locks`,
        suggestion:
          "When values are only added, write ALTER TYPE … ADD VALUE by hand instead (no rewrite; the value is usable once the migration commits).",
        tables: users.map((table) => table.name),
      };
    }
    default:
      return null;
  }
}

function alterColumnBlocking(table: string, from: Column, to: Column): Blocking | null {
  const name = `${table}.${to.name}`;
  if (from.array !== to.array || !binaryCompatible(from.type, to.type)) {
    return {
      message: `changes the type of ${name}, rewriting ${table} and its indexes under an ACCESS EXCLUSIVE lock: reads and writes wait`,
      suggestion:
        "Expand and contract instead: add a column of the new type, backfill it in batches, switch the code, then drop the old column.",
      tables: [table],
    };
  }
  if (from.nullable && !to.nullable) {
    return {
      message: `SET NOT NULL on ${name} scans every row of ${table} under an ACCESS EXCLUSIVE lock`,
      suggestion: `Add CHECK ("${to.name}" IS NOT NULL) NOT VALID, VALIDATE CONSTRAINT it in a later statement, then SET NOT NULL: PostgreSQL 12+ uses the valid check and skips the scan.`,
      tables: [table],
    };
  }
  return null;
}

function addColumnBlocking(table: string, column: Column): Blocking | null {
  const volatile =
    column.autoIncrement ||
    column.default?.kind === "uuid" ||
    (column.default?.kind === "sql" && VOLATILE.test(column.default.expression));
  if (!volatile) return null;
  return {
    message: `adds ${table}.${column.name} with a value computed per row (${column.autoIncrement ? "an identity" : "a volatile default"}), rewriting ${table} under an ACCESS EXCLUSIVE lock`,
    suggestion:
      "Add the column without that default, backfill it in batches, then set the default; a constant default adds the column without a rewrite.",
    tables: [table],
  };
}

const VOLATILE =
  /\b(?:random|gen_random_uuid|uuid_generate_v[14]|clock_timestamp|timeofday|nextval|txid_current)\s*\(/i;

/**
 * Type changes PostgreSQL makes without a rewrite: a wider or unbounded varchar, text from varchar,
 * more numeric precision at the same scale, or the same type.
 */
function binaryCompatible(from: ColumnType, to: ColumnType): boolean {
  if (from.kind === "string" && to.kind === "string") {
    if (to.length === undefined) return true;
    return from.length !== undefined && to.length >= from.length && from.fixed === to.fixed;
  }
  if (from.kind === "decimal" && to.kind === "decimal") {
    if (to.precision === 0) return true;
    return from.precision > 0 && to.precision >= from.precision && to.scale === from.scale;
  }
  if (from.kind === "enum" || to.kind === "enum") return false;
  return from.kind === to.kind && JSON.stringify(from) === JSON.stringify(to);
}
