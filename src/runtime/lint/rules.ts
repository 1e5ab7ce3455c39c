/**
 * The per-operation analyzers: DESTRUCTIVE, DATA_DEPENDENT, BACKWARD_INCOMPATIBLE and BLOCKING.
 * Each reads one operation of one statement, with the schema around it and the facts lint has.
 */

import type { StatementHints } from "../../dialects/types.js";
import { compareColumnTypes } from "../../diff/changes.js";
import type { Operation } from "../../diff/operations.js";
import type { Column, Snapshot } from "../../schema/snapshot.js";
import { dataDependent } from "./data-dependent.js";
import type { Facts } from "./facts.js";
import { type Draft, draft, formatCount, removedEnumValues, rowsOf } from "./format.js";
import type { LintStatement, LintUnit } from "./types.js";

/** One operation of one statement, in its place. */
export interface OperationContext {
  unit: LintUnit;
  statement: LintStatement;
  operation: Operation;
  before: Snapshot;
  after: Snapshot;
  hints: StatementHints;
  facts: Facts;
  /** The table holds rows from before this unit (it was not created in it). */
  existing(table: string): boolean;
}

/** Every finding about one operation. */
export function analyzeOperation(context: OperationContext): Draft[] {
  return [...destructive(context), ...dataDependent(context), ...backwardIncompatible(context), ...blocking(context)];
}

// internal

const DESTRUCTIVE_SUGGESTION =
  "Back the data up first, or keep it until nothing reads it; once decided, put -- viborm:nolint DESTRUCTIVE above the statement.";

function destructive(context: OperationContext): Draft[] {
  const { operation } = context;
  switch (operation.kind) {
    case "dropTable": {
      if (!context.existing(operation.table.name)) return [];
      const rows = rowsOf(context, operation.table.name);
      const what =
        rows === undefined
          ? "every row in it"
          : rows.n === 0
            ? "its rows (none today)"
            : `its ${formatCount(rows.n)} row${rows.n === 1 ? "" : "s"}`;
      return [
        draft("DESTRUCTIVE", "error", `Drops table ${operation.table.name} and ${what}.`, DESTRUCTIVE_SUGGESTION),
      ];
    }
    case "dropColumn": {
      if (!context.existing(operation.table)) return [];
      const values = context.facts.count(context.unit, {
        kind: "values",
        table: operation.table,
        column: operation.column.name,
      });
      const what =
        values === undefined
          ? "its values"
          : values.n === 0
            ? "its values (none today)"
            : `its ${formatCount(values.n)} non-null value${values.n === 1 ? "" : "s"}`;
      return [
        draft(
          "DESTRUCTIVE",
          "error",
          `Drops column ${operation.table}.${operation.column.name} and ${what}.`,
          DESTRUCTIVE_SUGGESTION,
        ),
      ];
    }
    case "alterEnum": {
      const removed = operation.from.filter((value) => !operation.to.includes(value));
      if (removed.length === 0) return [];
      const list = removed.map((value) => `'${value}'`).join(", ");
      return [draft("DESTRUCTIVE", "error", `Removes ${list} from enum ${operation.name}.`, DESTRUCTIVE_SUGGESTION)];
    }
    case "alterColumn": {
      // A MySQL ENUM lives in its column: removing values is a MODIFY, and rows holding them fail
      // it (strict mode) or are blanked to '' (without it).
      const { table, to } = operation;
      const removed = removedEnumValues(operation.from, to);
      if (removed.length === 0 || !context.existing(table)) return [];
      const holding = context.facts.count(context.unit, { kind: "holding", table, column: to.name, values: removed });
      const what =
        holding === undefined
          ? "rows holding them lose their value"
          : holding.n === 0
            ? "no row holds them today"
            : `${formatCount(holding.n)} row${holding.n === 1 ? " holds" : "s hold"} them and lose${holding.n === 1 ? "s" : ""} the value`;
      const list = removed.map((value) => `'${value}'`).join(", ");
      return [
        draft(
          "DESTRUCTIVE",
          "error",
          `Removes ${list} from the values of ${table}.${to.name}: ${what}.`,
          DESTRUCTIVE_SUGGESTION,
        ),
      ];
    }
    default:
      return [];
  }
}

const EXPAND_CONTRACT =
  "Expand and contract: ship code that no longer uses the old shape first (or add the new one beside it and write both), and make this change in a later migration.";

function backwardIncompatible(context: OperationContext): Draft[] {
  const { operation } = context;
  const warn = (message: string, suggestion = EXPAND_CONTRACT) => [
    draft("BACKWARD_INCOMPATIBLE", "warning", message, suggestion),
  ];
  switch (operation.kind) {
    case "renameTable":
      return context.existing(operation.from)
        ? warn(`Renames table ${operation.from} to ${operation.to}: code deployed now still uses ${operation.from}.`)
        : [];
    case "renameColumn":
      return context.existing(operation.table)
        ? warn(
            `Renames ${operation.table}.${operation.from} to ${operation.to}: code deployed now still uses ${operation.from}.`,
          )
        : [];
    case "dropTable":
      return context.existing(operation.table.name)
        ? warn(`Drops table ${operation.table.name}, which code deployed now may still read.`)
        : [];
    case "dropColumn":
      return context.existing(operation.table)
        ? warn(`Drops ${operation.table}.${operation.column.name}, which code deployed now may still read or write.`)
        : [];
    case "addColumn":
      return context.existing(operation.table) && requiresValue(operation.column)
        ? warn(
            `Adds ${operation.table}.${operation.column.name} NOT NULL without a default: inserts by code deployed now leave it out and fail.`,
            "Give it a default, or add it nullable, backfill, deploy code that writes it, then make it NOT NULL.",
          )
        : [];
    case "alterColumn":
      return context.existing(operation.table)
        ? alterColumnCompatibility(operation.table, operation.from, operation.to)
        : [];
    case "alterEnum": {
      const removed = operation.from.filter((value) => !operation.to.includes(value));
      return removed.length > 0
        ? warn(
            `Removes ${removed.map((v) => `'${v}'`).join(", ")} from enum ${operation.name}: code deployed now may still write it.`,
          )
        : [];
    }
    default:
      return [];
  }
}

function alterColumnCompatibility(table: string, from: Column, to: Column): Draft[] {
  const drafts: Draft[] = [];
  const name = `${table}.${to.name}`;
  if (compareColumnTypes(from, to) === "narrowing")
    drafts.push(
      draft(
        "BACKWARD_INCOMPATIBLE",
        "warning",
        `Narrows the type of ${name}: code deployed now may still write values it no longer holds.`,
        EXPAND_CONTRACT,
      ),
    );
  if (from.nullable && !to.nullable)
    drafts.push(
      draft(
        "BACKWARD_INCOMPATIBLE",
        "warning",
        `Makes ${name} NOT NULL: code deployed now may still write NULL${to.default === null ? " or leave it out" : ""}.`,
        "Deploy code that always writes a value first; then make the column NOT NULL.",
      ),
    );
  return drafts;
}

function blocking(context: OperationContext): Draft[] {
  const { operation } = context;
  const tables = touchedTables(operation, context.before);
  if (tables.length === 0 || !tables.some((table) => context.existing(table))) return [];
  const found = context.facts.dialect.lint.blocking(operation, {
    before: context.before,
    after: context.after,
    hints: context.hints,
    server: context.facts.server,
  });
  if (!found) return [];
  const counts = found.tables.map((table) => rowsOf(context, table));
  const known = counts.every((count) => count !== undefined);
  const rows = known ? counts.reduce((sum, count) => sum + count!.n, 0) : undefined;
  const suffix = rows === undefined ? "" : ` (${formatCount(rows)} row${rows === 1 ? "" : "s"})`;
  return [draft("BLOCKING", "warning", `${capitalise(found.message)}${suffix}.`, found.suggestion)];
}

/** The tables an operation changes: an enum's are the tables using it. */
function touchedTables(operation: Operation, before: Snapshot): string[] {
  switch (operation.kind) {
    case "createTable":
    case "createEnum":
    case "dropEnum":
      return [];
    case "alterEnum":
      return before.tables
        .filter((table) => table.columns.some((c) => c.type.kind === "enum" && c.type.name === operation.name))
        .map((table) => table.name);
    case "dropTable":
      return [operation.table.name];
    case "renameTable":
      return [operation.from];
    case "createExtension":
      return [];
    default:
      return [operation.table];
  }
}

function requiresValue(column: Column): boolean {
  return !column.nullable && column.default === null && !column.autoIncrement;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
