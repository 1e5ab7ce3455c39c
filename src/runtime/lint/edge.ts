/**
 * EDGE_LIMIT: what may pass a limit of D1 (every SQLite-family migration must be D1-safe) or of
 * Neon's HTTP endpoint: statement size, bound parameters, columns per table, the time one atomic
 * unit may take (estimated from row counts), request size, and database calls per Worker invocation.
 */
import type { EdgeLimits } from "../../dialects/types.js";
import type { Facts } from "./facts.js";
import { type Draft, draft, formatCount } from "./format.js";
import type { LintStatement, LintUnit } from "./types.js";

/** Rows a statement copies, scans or indexes; `null` when a count is missing. */
export interface Work {
  statement: number;
  rows: number | null;
}

/** The limits one statement may pass on its own. */
export function edgeStatementFindings(statement: LintStatement, facts: Facts): Draft[] {
  const limits = facts.edge;
  if (!limits) return [];
  const drafts: Draft[] = [];
  const bytes = byteLength(statement.sql);
  if (limits.maxStatementBytes !== undefined && bytes > limits.maxStatementBytes) {
    drafts.push(
      draft(
        "EDGE_LIMIT",
        "warning",
        `The statement is ${formatCount(bytes)} bytes; ${limits.platform} refuses statements over ${formatCount(limits.maxStatementBytes)} bytes.`,
        "Split it into several statements (for data, insert the rows in smaller groups).",
      ),
    );
  }
  const params = statement.params?.length ?? 0;
  if (limits.maxBoundParameters !== undefined && params > limits.maxBoundParameters) {
    drafts.push(
      draft(
        "EDGE_LIMIT",
        "warning",
        `The statement binds ${params} parameters; ${limits.platform} allows ${limits.maxBoundParameters}.`,
        "Bind fewer values per statement and run several statements.",
      ),
    );
  }
  drafts.push(...columnLimit(statement, limits));
  return drafts;
}

/** The limits of whole units: time per atomic unit, request size, and calls per invocation across pending units. */
export function edgeUnitFindings(
  units: LintUnit[],
  work: Work[][],
  facts: Facts,
): { unit: LintUnit; statement: number; draft: Draft }[] {
  const limits = facts.edge;
  if (!limits) return [];
  const found: { unit: LintUnit; statement: number; draft: Draft }[] = [];
  units.forEach((unit, i) => {
    const time = unitTime(unit, work[i] ?? [], facts, limits);
    if (time) found.push({ unit, ...time });
    const bytes = unit.statements.reduce((sum, statement) => sum + byteLength(statement.sql), 0);
    const last = unit.statements.at(-1);
    if (limits.maxRequestBytes !== undefined && bytes > limits.maxRequestBytes && last) {
      found.push({
        unit,
        statement: last.index,
        draft: draft(
          "EDGE_LIMIT",
          "warning",
          `The migration's SQL is ${formatCount(bytes)} bytes, sent as one request; ${limits.platform} accepts ${formatCount(limits.maxRequestBytes)}.`,
          "Split it into several migrations.",
        ),
      });
    }
  });
  const calls = callBudget(units, limits);
  if (calls) found.push(calls);
  return found;
}

// internal

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}

function columnLimit(statement: LintStatement, limits: EdgeLimits): Draft[] {
  if (limits.maxColumns === undefined) return [];
  const drafts: Draft[] = [];
  for (const operation of statement.operations) {
    const table =
      operation.kind === "createTable"
        ? operation.table
        : operation.kind === "addColumn"
          ? statement.before.tables.find((t) => t.name === operation.table)
          : undefined;
    if (!table) continue;
    const columns = table.columns.length + (operation.kind === "addColumn" ? 1 : 0);
    if (columns > limits.maxColumns) {
      drafts.push(
        draft(
          "EDGE_LIMIT",
          "warning",
          `Table ${table.name} would have ${columns} columns; ${limits.platform} allows ${limits.maxColumns} per table.`,
          "Move some columns to a table of their own (one-to-one).",
        ),
      );
    }
  }
  return drafts;
}

/**
 * The estimated time of one atomic unit (a D1 batch, a Neon transaction request), from the rows it
 * copies, scans or indexes and the dialect's measured rate. A no-transaction migration sends each
 * statement on its own, so each statement is its own unit there.
 */
function unitTime(
  unit: LintUnit,
  work: Work[],
  facts: Facts,
  limits: EdgeLimits,
): { statement: number; draft: Draft } | null {
  const rate = facts.dialect.lint.rowsPerSecond;
  const groups = unit.transactional ? [work] : work.map((item) => [item]);
  for (const group of groups) {
    if (group.some((item) => item.rows === null)) continue;
    const rows = group.reduce((sum, item) => sum + (item.rows ?? 0), 0);
    const ms = (rows / rate) * 1000;
    if (ms <= limits.maxUnitMs) continue;
    const heaviest = group.reduce((a, b) => ((b.rows ?? 0) > (a.rows ?? 0) ? b : a));
    return {
      statement: heaviest.statement,
      draft: draft(
        "EDGE_LIMIT",
        "warning",
        `This ${unit.transactional ? "migration copies, scans or indexes" : "statement handles"} about ${formatCount(rows)} rows: at about ${formatCount(rate)} rows/s that is ${Math.round(ms / 1000)} s, past ${limits.platform}'s ${limits.maxUnitMs / 1000} s for one ${unit.transactional ? "atomic unit" : "call"}.`,
        "Split the work across migrations (each is its own unit), or move the rows in batches from a script.",
      ),
    };
  }
  return null;
}

/**
 * Database calls an apply of the pending units makes in one invocation: one read of the tracking
 * table, then one batch per migration (a no-transaction migration: one call per statement).
 */
function callBudget(units: LintUnit[], limits: EdgeLimits): { unit: LintUnit; statement: number; draft: Draft } | null {
  const budget = limits.callsPerInvocation;
  if (!budget) return null;
  let calls = 1;
  for (const unit of units.filter((u) => u.pending && u.migration !== null)) {
    calls += unit.transactional ? 1 : unit.statements.length;
    if (calls <= budget.free) continue;
    const first = unit.statements[0];
    if (!first) return null;
    const paid =
      calls > budget.paid
        ? `, and past the ${formatCount(budget.paid)} of the Paid plan`
        : ` (the Paid plan allows ${formatCount(budget.paid)})`;
    return {
      unit,
      statement: first.index,
      draft: draft(
        "EDGE_LIMIT",
        "warning",
        `Applying the pending migrations up to this one takes about ${calls} database calls in one Worker invocation: past the ${budget.free} a Free-plan invocation may make${paid}.`,
        "Apply them from the command line, or across invocations with apply({ to }).",
      ),
    };
  }
  return null;
}
