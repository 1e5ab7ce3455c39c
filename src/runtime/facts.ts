/**
 * The facts on data-loss decisions: how many rows a table holds and how many non-null values a
 * column holds, counted on the live database in one round trip (one batch, one multi-statement
 * query), and only when there is a destructive change to count for.
 */
import type { CountTarget } from "../dialects/types.js";
import type { DestructiveChange, Operation } from "../diff/operations.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { RuntimeContext } from "./context.js";

/** A table, or one of its columns, that was counted empty (database names on the live database). */
export interface EmptyFact {
  table: string;
  column?: string;
}

/**
 * `changes` with `rows` (and, for a dropped, narrowed or NOT NULL column, `values`) counted on the
 * live database. `operations` are the plan the changes come from: its renames map each change's
 * names back to the live ones. A change about something the live database lacks keeps no facts.
 *
 * @example await countFacts(context, live, plan.operations, destructiveChanges)
 */
export async function countFacts(
  context: RuntimeContext,
  live: Snapshot,
  operations: readonly Operation[],
  changes: readonly DestructiveChange[],
): Promise<DestructiveChange[]> {
  const names = liveNames(operations);
  const located = changes.map((change) => locate(change, live, names));
  const targets = countTargets(located);
  if (targets.length === 0) return [...changes];
  const counts = await readCounts(context, targets);
  return changes.map((change, index) => {
    const where = located[index];
    const count = where && counts.get(where.table);
    if (!where || !count) return change;
    const values = where.column === undefined ? undefined : count.values[where.column];
    return values === undefined ? { ...change, rows: count.rows } : { ...change, rows: count.rows, values };
  });
}

/**
 * Rows and values, by live table, for the tables and columns given (one round trip).
 *
 * @example await readCounts(context, [{ table: "users", columns: ["name"] }])
 */
export async function readCounts(
  context: RuntimeContext,
  targets: readonly CountTarget[],
): Promise<Map<string, { rows: number; values: Record<string, number> }>> {
  const { counts } = context.dialect;
  const results = await context.driver.queryAll(counts.queries(targets));
  return new Map(counts.read(results, targets).map((count) => [count.table, count]));
}

/**
 * What the counted changes showed empty: tables with no rows, columns with no values. A plan that
 * relied on it is stale once any of them holds data.
 *
 * @example emptyFacts(counted, live, operations) // → [{ table: "users" }]
 */
export function emptyFacts(
  counted: readonly DestructiveChange[],
  live: Snapshot,
  operations: readonly Operation[],
): EmptyFact[] {
  const names = liveNames(operations);
  const facts = new Map<string, EmptyFact>();
  for (const change of counted) {
    const where = locate(change, live, names);
    if (!where) continue;
    if (change.rows === 0) facts.set(where.table, { table: where.table });
    else if (change.values === 0 && where.column !== undefined && !facts.has(where.table)) {
      facts.set(`${where.table}.${where.column}`, { table: where.table, column: where.column });
    }
  }
  return [...facts.values()];
}

/** The count targets for a list of empty facts, grouped by table. */
export function emptyFactTargets(facts: readonly EmptyFact[]): CountTarget[] {
  return countTargets(facts);
}

// internal

/** Kinds whose column holds values worth counting (the column exists before the change). */
const VALUE_KINDS: ReadonlySet<DestructiveChange["kind"]> = new Set(["dropColumn", "narrowType", "setNotNull"]);

/** Kinds about an enum, not a table: nothing to count. */
const ENUM_KINDS: ReadonlySet<DestructiveChange["kind"]> = new Set(["removeEnumValue", "dropEnum"]);

interface LiveNames {
  table(name: string): string;
  column(table: string, name: string): string;
}

/** Maps names after the plan's renames back to the names on the live database. */
function liveNames(operations: readonly Operation[]): LiveNames {
  const tables = new Map<string, string>();
  const columns = new Map<string, string>();
  for (const op of operations) {
    if (op.kind === "renameTable") tables.set(op.to, tables.get(op.from) ?? op.from);
    if (op.kind === "renameColumn") {
      const key = (column: string) => JSON.stringify([op.table, column]);
      columns.set(key(op.to), columns.get(key(op.from)) ?? op.from);
    }
  }
  return {
    table: (name) => tables.get(name) ?? name,
    column: (table, name) => columns.get(JSON.stringify([table, name])) ?? name,
  };
}

/** Where a change's data lives on the live database, or `undefined` when there is nothing to count. */
function locate(change: DestructiveChange, live: Snapshot, names: LiveNames): EmptyFact | undefined {
  if (ENUM_KINDS.has(change.kind)) return undefined;
  const table = live.tables.find((t) => t.name === names.table(change.table));
  if (!table) return undefined;
  if (change.column === undefined || !VALUE_KINDS.has(change.kind)) return { table: table.name };
  const column = names.column(change.table, change.column);
  return table.columns.some((c) => c.name === column) ? { table: table.name, column } : { table: table.name };
}

function countTargets(located: readonly (EmptyFact | undefined)[]): CountTarget[] {
  const byTable = new Map<string, Set<string>>();
  for (const where of located) {
    if (!where) continue;
    const columns = byTable.get(where.table) ?? new Set<string>();
    if (where.column !== undefined) columns.add(where.column);
    byTable.set(where.table, columns);
  }
  return [...byTable].map(([table, columns]) => ({ table, columns: [...columns] }));
}
