/**
 * Runs every analyzer over lint units: per operation (rules.ts), per statement (data statements,
 * statements not understood, edge limits) and per unit (time and call budgets), then drops what
 * `-- viborm:nolint` silences and orders the findings.
 */
import { applyOperationWith } from "../../diff/apply.js";
import type { Operation } from "../../diff/operations.js";
import type { Snapshot } from "../../schema/snapshot.js";
import { isTransactionControl } from "../sql-files.js";
import { edgeStatementFindings, edgeUnitFindings, type Work } from "./edge.js";
import type { Facts } from "./facts.js";
import { type Draft, draft, formatCount, rowsOf } from "./format.js";
import { analyzeOperation } from "./rules.js";
import { type Finding, LINT_CODES, type LintStatement, type LintUnit } from "./types.js";

/** Every finding in `units` (in order), silenced ones left out. */
export function analyzeUnits(units: LintUnit[], facts: Facts): Finding[] {
  const findings: Finding[] = [];
  const work: Work[][] = [];
  for (const unit of units) {
    const rebuilds = recognizeRebuilds(unit);
    const unitWork: Work[] = [];
    for (const statement of unit.statements) {
      const { drafts, rows } = analyzeStatement(unit, statement, facts, rebuilds);
      unitWork.push({ statement: statement.index, rows });
      drafts.push(...edgeStatementFindings(statement, facts));
      findings.push(...place(unit, statement, drafts));
    }
    work.push(unitWork);
  }
  for (const { unit, statement, draft: found } of edgeUnitFindings(units, work, facts)) {
    const at = unit.statements.find((s) => s.index === statement);
    if (at) findings.push(...place(unit, at, [found]));
  }
  return sortFindings(findings, units);
}

// internal

/** A table rebuilt by hand: dropped, and a table made in the same unit renamed into its place. */
interface Rebuild {
  table: string;
  /** The statement that renames the replacement into place. */
  rename: number;
  /** The replacement's name while it was being filled. */
  replacement: string;
  lostColumns: string[];
}

function recognizeRebuilds(unit: LintUnit): Map<number, Rebuild> {
  const rebuilds = new Map<number, Rebuild>();
  unit.statements.forEach((statement, i) => {
    for (const operation of statement.operations) {
      if (operation.kind !== "dropTable" || statement.origin !== "written") continue;
      const name = operation.table.name;
      const later = unit.statements
        .slice(i + 1)
        .find((next) =>
          next.operations.some((op) => op.kind === "renameTable" && op.to === name && next.fresh.has(op.from)),
        );
      const rename = later?.operations.find((op) => op.kind === "renameTable" && op.to === name);
      if (!later || rename?.kind !== "renameTable") continue;
      const replacement = later.before.tables.find((table) => table.name === rename.from);
      const kept = new Set(replacement?.columns.map((column) => column.name) ?? []);
      const lostColumns = operation.table.columns.map((column) => column.name).filter((column) => !kept.has(column));
      const rebuild = { table: name, rename: later.index, replacement: rename.from, lostColumns };
      rebuilds.set(statement.index, rebuild);
      rebuilds.set(later.index, rebuild);
    }
  });
  return rebuilds;
}

function analyzeStatement(
  unit: LintUnit,
  statement: LintStatement,
  facts: Facts,
  rebuilds: Map<number, Rebuild>,
): { drafts: Draft[]; rows: number | null } {
  const { parsed } = statement;
  if (unit.migration !== null && unit.transactional && isTransactionControl(statement.sql)) {
    return {
      drafts: [
        draft(
          "TRANSACTION_CONTROL",
          "error",
          `${statement.sql} ends or starts a transaction inside the unit viborm runs this migration in, with its tracking row; apply refuses the migration.`,
          "Remove it (viborm wraps the migration already), or put -- viborm:no-transaction on the file's first line to run its statements one by one.",
        ),
      ],
      rows: 0,
    };
  }
  if (parsed.kind === "unknown") {
    return {
      drafts: [
        draft(
          "NOT_ANALYSED",
          "warning",
          `Not analysed: ${parsed.reason}.`,
          "Review this statement by hand; lint knows nothing about what it does.",
        ),
      ],
      rows: null,
    };
  }
  if (parsed.kind === "data") return dataStatement(unit, statement, facts);
  if (parsed.kind === "other") return { drafts: [], rows: 0 };
  const rebuild = rebuilds.get(statement.index);
  const drafts: Draft[] = [];
  let rows: number | null = 0;
  let before: Snapshot = statement.before;
  const existing = (table: string) =>
    statement.before.tables.some((t) => t.name === table) && !statement.fresh.has(table);
  for (const operation of statement.operations) {
    const after = applyOperationWith(before, operation, { references: false });
    if (rebuild && isRebuildStep(operation, rebuild)) {
      if (operation.kind === "dropTable")
        drafts.push(...rebuildFindings(unit, facts, rebuild, existing(rebuild.table)));
    } else {
      const context = { unit, statement, operation, before, after, hints: statementHints(statement), facts, existing };
      drafts.push(...analyzeOperation(context));
    }
    rows = addRows(rows, operationRows(unit, facts, operation, existing, before, after, statement));
    before = after;
  }
  return { drafts, rows };
}

function isRebuildStep(operation: Operation, rebuild: Rebuild): boolean {
  return (
    (operation.kind === "dropTable" && operation.table.name === rebuild.table) ||
    (operation.kind === "renameTable" && operation.to === rebuild.table && operation.from === rebuild.replacement)
  );
}

function rebuildFindings(unit: LintUnit, facts: Facts, rebuild: Rebuild, existing: boolean): Draft[] {
  if (!existing) return [];
  const rows = rowsOf({ facts, unit }, rebuild.table);
  const count = rows === undefined ? "" : ` (${formatCount(rows.n)} row${rows.n === 1 ? "" : "s"})`;
  const drafts = [
    draft(
      "BLOCKING",
      "warning",
      `Rebuilds ${rebuild.table} by copying it into ${rebuild.replacement} and renaming that into place${count}: the table is rewritten and writes wait throughout.`,
      "On a large table, run it when writes can wait, or move the rows in batches outside the migration.",
    ),
  ];
  if (rebuild.lostColumns.length > 0) {
    drafts.push(
      draft(
        "DESTRUCTIVE",
        "error",
        `Rebuilds ${rebuild.table} without ${rebuild.lostColumns.join(", ")}: ${rebuild.lostColumns.length === 1 ? "its" : "their"} values are dropped.`,
        "Back the data up first; once decided, put -- viborm:nolint DESTRUCTIVE above the DROP TABLE.",
      ),
    );
  }
  return drafts;
}

function dataStatement(
  unit: LintUnit,
  statement: LintStatement,
  facts: Facts,
): { drafts: Draft[]; rows: number | null } {
  const parsed = statement.parsed;
  if (parsed.kind !== "data" || !parsed.table) return { drafts: [], rows: 0 };
  const rows = rowsOf({ facts, unit }, parsed.table);
  const work = parsed.verb === "update" || parsed.verb === "delete" ? (rows?.n ?? null) : 0;
  if (parsed.verb !== "delete" && parsed.verb !== "truncate") return { drafts: [], rows: work };
  const what = parsed.filtered
    ? `Deletes rows of ${parsed.table}`
    : `Deletes every row of ${parsed.table}${rows === undefined ? "" : ` (${formatCount(rows.n)} today)`}`;
  return {
    drafts: [
      draft(
        "DESTRUCTIVE",
        "error",
        `${what}.`,
        "Make sure a backup exists; once decided, put -- viborm:nolint DESTRUCTIVE above the statement.",
      ),
    ],
    rows: work,
  };
}

/** Rows an operation copies, scans or indexes (for time estimates); `null` when unknown. */
function operationRows(
  unit: LintUnit,
  facts: Facts,
  operation: Operation,
  existing: (table: string) => boolean,
  before: Snapshot,
  after: Snapshot,
  statement: LintStatement,
): number | null {
  const tables: string[] = [];
  const touched =
    "table" in operation ? (typeof operation.table === "string" ? operation.table : operation.table.name) : null;
  // Only existing tables hold rows; asking about a new one would fetch server facts for nothing.
  if (operation.kind !== "alterEnum" && (touched === null || !existing(touched))) return 0;
  const found = facts.dialect.lint.blocking(operation, {
    before,
    after,
    hints: statementHints(statement),
    server: facts.server,
  });
  if (found) tables.push(...found.tables);
  else if (
    ["createIndex", "addUnique", "addPrimaryKey", "addForeignKey"].includes(operation.kind) &&
    "table" in operation
  )
    tables.push(operation.table as string);
  let rows: number | null = 0;
  for (const table of tables.filter(existing)) rows = addRows(rows, rowsOf({ facts, unit }, table)?.n ?? null);
  return rows;
}

function addRows(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a + b;
}

function statementHints(statement: LintStatement) {
  return statement.parsed.kind === "schema" ? statement.parsed.hints : {};
}

function place(unit: LintUnit, statement: LintStatement, drafts: Draft[]): Finding[] {
  return drafts
    .filter((found) => !statement.silenced.has(found.code))
    .map((found) => ({ ...found, migration: unit.migration, statement: statement.index }));
}

function sortFindings(findings: Finding[], units: LintUnit[]): Finding[] {
  const unitOrder = new Map(units.map((unit, i) => [unit.migration, i]));
  const codeOrder = new Map<string, number>(LINT_CODES.map((code, i) => [code, i]));
  return findings
    .map((finding, i) => ({ finding, i }))
    .sort(
      (a, b) =>
        (unitOrder.get(a.finding.migration) ?? 0) - (unitOrder.get(b.finding.migration) ?? 0) ||
        a.finding.statement - b.finding.statement ||
        (codeOrder.get(a.finding.code) ?? 0) - (codeOrder.get(b.finding.code) ?? 0) ||
        a.i - b.i,
    )
    .map(({ finding }) => finding);
}
