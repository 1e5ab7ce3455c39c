/**
 * MariaDB keeps information_schema in 3-byte UTF-8: a default holding an emoji (or any character
 * beyond the Basic Multilingual Plane) reads back as `????`, and push would re-plan it forever.
 * The table's own definition (`SHOW CREATE TABLE`) keeps it: those tables, and only those, are
 * read again that way — one extra round trip, paid only when a string default holds a `?`.
 */
import type { Column, Snapshot } from "../../schema/snapshot.js";
import { quoteBacktick as q } from "../quote.js";
import type { Row, Statement } from "../types.js";
import { parseMysqlStatement } from "./parse-ddl.js";

/** Tables with a string default containing `?`, which may stand for lost characters. */
function suspects(snapshot: Snapshot): string[] {
  return snapshot.tables
    .filter((table) => table.columns.some((column) => questionable(column)))
    .map((table) => table.name);
}

function questionable(column: Column): boolean {
  const value = column.default?.kind === "literal" ? column.default.value : undefined;
  return typeof value === "string" && value.includes("?");
}

/**
 * `SHOW CREATE TABLE` for each table whose string defaults may have lost characters.
 *
 * @example mysqlRefine.queries(snapshot) // → [{ sql: "SHOW CREATE TABLE `t`" }]
 */
function queries(snapshot: Snapshot): Statement[] {
  return suspects(snapshot).map((table) => ({ sql: `SHOW CREATE TABLE ${q(table)}` }));
}

/** The snapshot with those defaults read from the definitions, in the order `queries` asked. */
function read(snapshot: Snapshot, results: Row[][]): Snapshot {
  const names = suspects(snapshot);
  const definitions = new Map<string, Map<string, Column>>();
  names.forEach((name, index) => {
    const sql = String(Object.values(results[index]?.[0] ?? {})[1] ?? "");
    const parsed = parseMysqlStatement(sql, { ...snapshot, tables: [] });
    const created = parsed.kind === "schema" ? parsed.operations.find((op) => op.kind === "createTable") : undefined;
    if (created?.kind === "createTable")
      definitions.set(name, new Map(created.table.columns.map((column) => [column.name, column])));
  });
  return {
    ...snapshot,
    tables: snapshot.tables.map((table) => {
      const columns = definitions.get(table.name);
      if (!columns) return table;
      return {
        ...table,
        columns: table.columns.map((column) => {
          const defined = columns.get(column.name)?.default;
          if (!questionable(column) || defined?.kind !== "literal" || typeof defined.value !== "string") return column;
          return samePattern(String(column.default?.kind === "literal" ? column.default.value : ""), defined.value)
            ? { ...column, default: defined }
            : column;
        }),
      };
    }),
  };
}

/** True when `lossy` is `full` with each character beyond the BMP replaced by `????`, as MariaDB does. */
function samePattern(lossy: string, full: string): boolean {
  return lossy === Array.from(full, (char) => ((char.codePointAt(0) ?? 0) > 0xffff ? "????" : char)).join("");
}

/** The refinement pass of MySQL introspection (see the module comment). */
export const mysqlRefine = { queries, read };
