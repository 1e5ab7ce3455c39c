/**
 * The units lint analyses, built from a stored migration as the folder state read it, or from the
 * operations `generate` is about to write and `push` is about to run.
 */

import type { Dialect } from "../../dialects/types.js";
import type { Operation } from "../../diff/operations.js";
import { splitSqlStatementsAt } from "../../util/sql-split.js";
import { hasNoTransactionDirective, type StoredMigration } from "../journal.js";
import type { PlannedStep } from "../plan.js";
import type { MigrationReading } from "../state.js";
import type { LintStatement, LintUnit } from "./types.js";

/** The directive that silences lint codes for the statement below it. */
export const NOLINT_DIRECTIVE = "-- viborm:nolint";

/**
 * A `-- viborm:nolint CODE` line as people type it: any case, any spacing around `--` and `:`
 * (`--viborm:NoLint CODE`); the codes follow, separated by spaces or commas.
 */
const NOLINT_LINE = /^--\s*viborm\s*:\s*nolint(?![\w-])(.*)$/i;

/**
 * A stored migration as a lint unit: each statement with what the folder state read from it and
 * the codes its `-- viborm:nolint` lines silence.
 */
export function unitOfMigration(
  dialect: Dialect,
  stored: StoredMigration,
  reading: MigrationReading,
  pending: boolean,
): LintUnit {
  const silenced = silencedCodes(stored.up, dialect.name);
  const fresh = freshTables(reading.statements.map((statement) => statement.operations));
  const statements: LintStatement[] = reading.statements.map((statement, i) => ({
    index: statement.index,
    sql: statement.sql,
    origin: statement.origin,
    parsed: statement.parsed,
    operations: statement.operations,
    before: statement.before,
    fresh: fresh[i]!,
    silenced: silenced.get(statement.index) ?? new Set(),
  }));
  return { migration: stored.migration.id, statements, transactional: !hasNoTransactionDirective(stored.up), pending };
}

/**
 * A plan about to be written (generate) or run (push) as a lint unit: each step's statements, the
 * operation attached to its first statement, statement indexes as in the file (or plan).
 */
export function unitOfSteps(steps: readonly PlannedStep[], migration: string | null): LintUnit {
  const statements: LintStatement[] = [];
  const perStatement: Operation[][] = [];
  for (const step of steps) {
    step.statements.forEach((statement, i) => {
      const attached = i === 0 ? [step.operation] : [];
      perStatement.push(attached);
      statements.push({
        index: statements.length,
        sql: statement.sql,
        ...(statement.params ? { params: statement.params } : {}),
        origin: "generated",
        parsed: { kind: "schema", operations: attached, hints: {} },
        operations: attached,
        before: step.before,
        fresh: NOTHING_FRESH,
        silenced: new Set(),
      });
    });
  }
  const fresh = freshTables(perStatement);
  statements.forEach((statement, i) => {
    statement.fresh = fresh[i]!;
  });
  return { migration, statements, transactional: true, pending: true };
}

// internal

const NOTHING_FRESH: Pick<ReadonlySet<string>, "has"> = { has: () => false };

/**
 * For each statement, the tables created earlier in the unit (followed through renames). Each
 * table's fresh spans are kept once, not a set per statement: 600 statements made that quadratic.
 */
function freshTables(operations: Operation[][]): Pick<ReadonlySet<string>, "has">[] {
  // Statement index ranges [from, to) in which each table is fresh; `to` is open while it lasts.
  const spans = new Map<string, [number, number][]>();
  const start = (name: string, i: number) => {
    const list = spans.get(name) ?? [];
    list.push([i + 1, Number.POSITIVE_INFINITY]);
    spans.set(name, list);
  };
  const end = (name: string, i: number): boolean => {
    const last = spans.get(name)?.at(-1);
    if (!last || last[1] !== Number.POSITIVE_INFINITY) return false;
    last[1] = i + 1;
    return true;
  };
  operations.forEach((list, i) => {
    for (const operation of list) {
      if (operation.kind === "createTable") start(operation.table.name, i);
      if (operation.kind === "dropTable") end(operation.table.name, i);
      if (operation.kind === "renameTable" && end(operation.from, i)) start(operation.to, i);
    }
  });
  return operations.map((_, i) => ({
    has: (name: string) => spans.get(name)?.some(([from, to]) => from <= i && i < to) ?? false,
  }));
}
/** Statement index → codes silenced by `-- viborm:nolint CODE[, CODE]` lines between it and the statement before. */
function silencedCodes(sql: string, dialect: Dialect["name"]): Map<number, Set<string>> {
  const result = new Map<number, Set<string>>();
  let previousEnd = 0;
  splitSqlStatementsAt(sql, dialect).forEach((statement, index) => {
    const gap = sql.slice(previousEnd, statement.start);
    const codes = new Set<string>();
    for (const line of gap.split(/\r?\n/)) {
      const listed = NOLINT_LINE.exec(line.trim())?.[1];
      for (const code of listed?.split(/[\s,]+/) ?? []) if (code) codes.add(code.toUpperCase());
    }
    if (codes.size > 0) result.set(index, codes);
    previousEnd = statement.start + statement.sql.length;
  });
  return result;
}
