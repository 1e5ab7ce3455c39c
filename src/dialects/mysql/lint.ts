/**
 * Lint facts for MySQL and MariaDB: which ALTERs on an existing table can run neither INSTANT nor
 * INPLACE (so the server copies the table and blocks writes), by server version and storage engine,
 * and the count queries.
 *
 * @see https://dev.mysql.com/doc/refman/8.0/en/innodb-online-ddl-operations.html
 * @see https://mariadb.com/kb/en/innodb-online-ddl-operations-with-the-instant-alter-algorithm/
 */
import type { Operation } from "../../diff/operations.js";
import type { Column, Table } from "../../schema/snapshot.js";
import { countStatement } from "../lint-counts.js";
import { quoteBacktick, quoteMysqlStringLiteral } from "../quote.js";
import type { Blocking, BlockingContext, DialectLint, Row, ServerFacts } from "../types.js";
import { mysqlColumnType } from "./type-map.js";

/** MySQL's and MariaDB's lint facts. */
export const mysqlLint: DialectLint = {
  count: (question) =>
    countStatement(question, {
      quote: quoteBacktick,
      literal: quoteMysqlStringLiteral,
      length: (expression) => `CHAR_LENGTH(${expression})`,
      asText: (expression) => expression,
    }),
  server: {
    queries: () => [
      { sql: "SELECT VERSION() AS version" },
      {
        sql: "SELECT TABLE_NAME AS table_name, ENGINE AS engine FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'",
      },
    ],
    read: readServer,
  },
  blocking: mysqlBlocking,
  edgeLimits: () => null,
  // Unused by EDGE_LIMIT (no MySQL edge platform has a unit time limit); ~0.9M rows/s measured.
  rowsPerSecond: 100_000,
  // Strict mode (the default of MySQL 5.7+ and MariaDB 10.2.4+) fails on NULLs, long values and
  // removed ENUM values; a new NOT NULL column without a default takes its type's implicit default.
  behaviour: { fillsNewNotNullColumns: true, enforcesLengths: true, nullsTakeDefault: false },
};

// internal

interface Server {
  mariadb: boolean;
  /** [major, minor, patch]; `null` when unknown (lint offline), taken as a current release. */
  version: [number, number, number] | null;
}

function readServer(results: Row[][]): ServerFacts {
  const version = String(results[0]?.[0]?.version ?? "");
  const engines: Record<string, string> = {};
  for (const row of results[1] ?? []) engines[String(row.table_name)] = String(row.engine ?? "");
  return { version, engines };
}

function serverOf(facts: ServerFacts): Server {
  const found = /(\d+)\.(\d+)\.(\d+)/.exec(facts.version ?? "");
  const version = found ? (found.slice(1).map(Number) as [number, number, number]) : null;
  return { mariadb: /mariadb/i.test(facts.version ?? ""), version };
}

/**
 * The server is this release or later. An unknown one (lint without a database) is taken as a
 * current MySQL or MariaDB, so findings match what a server of today runs online.
 */
function atLeast(server: Server, major: number, minor: number, patch: number): boolean {
  if (!server.version) return true;
  const [a, b, c] = server.version;
  return a !== major ? a > major : b !== minor ? b > minor : c >= patch;
}

function labelOf(server: Server): string {
  return server.version
    ? `${server.mariadb ? "MariaDB" : "MySQL"} ${server.version.join(".")}`
    : "current MySQL and MariaDB";
}

const COPY_SUGGESTION =
  "Run it in a quiet window, or online with gh-ost or pt-online-schema-change; writes to the table wait while it is copied.";

function mysqlBlocking(operation: Operation, context: BlockingContext): Blocking | null {
  const table =
    "table" in operation ? (typeof operation.table === "string" ? operation.table : operation.table.name) : null;
  if (context.hints.algorithm === "INSTANT" || context.hints.algorithm === "INPLACE" || context.hints.metadataOnly)
    return null;
  const server = serverOf(context.server);
  if (operation.kind === "alterEnum")
    return enumBlocking(operation.name, operation.from, operation.to, context, server);
  const label = labelOf(server);
  const engine = table ? context.server.engines?.[table] : undefined;
  if (
    table &&
    engine &&
    engine.toUpperCase() !== "INNODB" &&
    operation.kind !== "renameTable" &&
    operation.kind !== "dropTable"
  ) {
    return copied(table, `table ${table} uses the ${engine} engine, which copies the table for every ALTER`);
  }
  const ancient = server.mariadb ? !atLeast(server, 10, 0, 0) : !atLeast(server, 5, 6, 0);
  const reason =
    context.hints.algorithm === "COPY"
      ? "ALGORITHM=COPY is asked for"
      : ancient && operation.kind !== "renameTable" && operation.kind !== "dropTable"
        ? "servers before MySQL 5.6 and MariaDB 10.0 have no online DDL"
        : copyReason(operation, context, server);
  return reason && table ? copied(table, `${reason} on ${label}`) : null;
}

/** An enum lives in its columns' ENUM types: changing it is a MODIFY of each table using it. */
function enumBlocking(
  name: string,
  from: string[],
  to: string[],
  context: BlockingContext,
  server: Server,
): Blocking | null {
  const reason = enumReason(from, to, server);
  const tables = context.before.tables
    .filter((table) => table.columns.some((column) => column.type.kind === "enum" && column.type.name === name))
    .map((table) => table.name);
  if (!reason || tables.length === 0) return null;
  return {
    message: `copies ${tables.join(", ")} (ALGORITHM=COPY: ${reason}): writes wait until it ends`,
    suggestion: `${COPY_SUGGESTION} Appending values at the end instead changes only metadata.`,
    tables,
  };
}

function copied(table: string, why: string): Blocking {
  return {
    message: `copies ${table} (ALGORITHM=COPY: ${why}): writes wait until it ends`,
    suggestion: COPY_SUGGESTION,
    tables: [table],
  };
}

/** Why the operation needs ALGORITHM=COPY on InnoDB, or `null` when it runs INSTANT or INPLACE. */
function copyReason(operation: Operation, context: BlockingContext, server: Server): string | null {
  switch (operation.kind) {
    case "alterColumn":
      return alterColumnReason(operation.table, operation.from, operation.to, context, server);
    case "addColumn":
      // An AUTO_INCREMENT column is filled row by row: in place, but with writes blocked.
      return operation.column.autoIncrement ? "an AUTO_INCREMENT column is added" : null;
    case "dropPrimaryKey": {
      const next = context.after.tables.find((t) => t.name === operation.table);
      return next?.primaryKey ? null : "a primary key is dropped without another";
    }
    case "addForeignKey":
      return "a foreign key is added with foreign_key_checks on";
    case "createIndex":
      if (operation.index.type === "fulltext" || operation.index.type === "spatial")
        return `a ${operation.index.type.toUpperCase()} index is built (LOCK=SHARED)`;
      return null;
    default:
      return null;
  }
}

function alterColumnReason(
  table: string,
  from: Column,
  to: Column,
  context: BlockingContext,
  server: Server,
): string | null {
  const before = context.before.tables.find((t) => t.name === table);
  const after = context.after.tables.find((t) => t.name === table);
  if (!before || !after) return null;
  const keyedBefore = isKeyed(before, from.name);
  const oldType = mysqlColumnType(from, keyedBefore).toUpperCase();
  const newType = mysqlColumnType(to, isKeyed(after, to.name)).toUpperCase();
  if (from.autoIncrement !== to.autoIncrement) return "AUTO_INCREMENT is changed";
  if (oldType === newType) return null; // nullability or default only: INPLACE or INSTANT
  if (from.type.kind === "enum" && to.type.kind === "enum") return enumReason(from.type.values, to.type.values, server);
  const widened = /^VARCHAR\((\d+)\)$/.exec(oldType);
  const target = /^VARCHAR\((\d+)\)$/.exec(newType);
  // VARCHAR grows in place while its length prefix keeps its size (under 256 bytes, utf8mb4 = 4 bytes a character).
  // In place since MySQL 5.7 and MariaDB 10.4 (a copy before).
  const inPlaceVarchar = server.mariadb ? atLeast(server, 10, 4, 0) : atLeast(server, 5, 7, 0);
  if (widened && target && inPlaceVarchar) {
    const [a, b] = [Number(widened[1]), Number(target[1])];
    if (b >= a && (b * 4 < 256 || a * 4 >= 256)) return null;
  }
  return `the column type changes from ${oldType} to ${newType}`;
}

/**
 * Values appended at the end of an ENUM (up to 255 of them) change only metadata since MySQL 5.7
 * and MariaDB 10.3.7; removing or reordering copies the table.
 */
function enumReason(from: string[], to: string[], server: Server): string | null {
  const appended = to.length >= from.length && from.every((value, i) => to[i] === value) && to.length <= 255;
  const instant = server.mariadb ? atLeast(server, 10, 3, 7) : atLeast(server, 5, 7, 0);
  if (appended && instant) return null;
  return appended
    ? "ENUM values are appended on a server without instant ENUM changes"
    : "ENUM values are removed or reordered";
}

function isKeyed(table: Table, column: string): boolean {
  return (
    table.primaryKey?.columns.includes(column) === true ||
    [...table.uniques, ...table.indexes, ...table.foreignKeys].some((key) => key.columns.includes(column))
  );
}
