/**
 * The differ: two snapshots in, the operations that turn one into the other and the changes that
 * need a decision out. Pure and deterministic: the same input gives the same output, byte for byte.
 */
import type {
  Check,
  Column,
  Enum,
  ForeignKey,
  Index,
  PrimaryKey,
  Snapshot,
  Table,
  Unique,
} from "../schema/snapshot.js";
import { canonicalize } from "../schema/snapshot.js";
import { applyOperationWith } from "./apply.js";
import { classifyOperations } from "./changes.js";
import {
  checksEqual,
  columnsEqual,
  foreignKeysEqual,
  indexesEqual,
  primaryKeysEqual,
  sameList,
  uniquesEqual,
} from "./compare.js";
import type { Change, Operation } from "./operations.js";
import { orderOperations } from "./order.js";
import { columnAmbiguities, type Rename, renameOperations, tableAmbiguities, validateRenames } from "./renames.js";

/** Options of {@link diff}. */
export interface DiffOptions {
  /** Pairs to plan as renames rather than a drop and an add (validated: `INVALID_ARGUMENT`). @default [] */
  renames?: readonly Rename[];
}

/** What {@link diff} returns. */
export interface DiffResult {
  /** In an order a database can execute (see order.ts). */
  operations: Operation[];
  /** Suspected renames (planned as add + drop), then the destructive changes, in operation order. */
  changes: Change[];
}

/** A table present on both sides (after renames), and what differs. */
export interface TableDiff {
  /** The name in `to`. */
  name: string;
  /** The name in `from` (differs when renamed). */
  oldName: string;
  /** The table in `from`, renames applied. */
  before: Table;
  after: Table;
  addColumns: Column[];
  dropColumns: Column[];
  alterColumns: { from: Column; to: Column }[];
  dropPrimaryKey: PrimaryKey | null;
  addPrimaryKey: PrimaryKey | null;
  dropUniques: Unique[];
  addUniques: Unique[];
  dropIndexes: Index[];
  addIndexes: Index[];
  dropForeignKeys: ForeignKey[];
  addForeignKeys: ForeignKey[];
  dropChecks: Check[];
  addChecks: Check[];
}

/** Everything that differs, object by object, before ordering. */
export interface SchemaDiff {
  createTables: Table[];
  dropTables: Table[];
  tables: TableDiff[];
  createEnums: Enum[];
  dropEnums: Enum[];
  alterEnums: { name: string; from: string[]; to: string[] }[];
  /** Extensions `to` needs that `from` lacks (never dropped). */
  createExtensions: string[];
}

/**
 * Compares two snapshots. Without `renames`, a table or column that may have been renamed is
 * planned as an add and a drop and reported as an `AmbiguousChange`; with a rename it becomes
 * `renameTable`/`renameColumn` plus whatever still differs. Column order is not compared: a
 * database appends new columns, and moving one is not a migration.
 *
 * @example const { operations, changes } = diff(before, after, { renames: [{ kind: "table", from: "users", to: "members" }] });
 */
export function diff(from: Snapshot, to: Snapshot, options: DiffOptions = {}): DiffResult {
  const before = canonicalize(from);
  const after = canonicalize(to);
  const renames = options.renames ?? [];
  validateRenames(before, after, renames);
  const renameOps = renameOperations(renames);
  const projected = project(before, after, renameOps);
  const structure = compareSnapshots(before, projected, after, renameOps);
  const operations = orderOperations({ before, projected, after, renames: renameOps, structure });
  const changes: Change[] = [
    ...tableAmbiguities(before, after, renames),
    ...columnAmbiguities(projected, after),
    ...classifyOperations(before, operations),
  ];
  return { operations, changes };
}

// internal

/**
 * `from` as it would be after the renames and the enum value changes: what is left to compare
 * with `to`. Columns repeat their enum's values, so without the enum step every column of a
 * changed enum would look altered.
 */
function project(before: Snapshot, after: Snapshot, renames: readonly Operation[]): Snapshot {
  let state = before;
  for (const op of renames) state = applyOperationWith(state, op, { references: false });
  for (const target of after.enums) {
    const current = state.enums.find((e) => e.name === target.name);
    if (!current || sameList(current.values, target.values)) continue;
    const op: Operation = { kind: "alterEnum", name: target.name, from: current.values, to: target.values };
    state = applyOperationWith(state, op, { references: false });
  }
  return state;
}

function compareSnapshots(
  before: Snapshot,
  projected: Snapshot,
  after: Snapshot,
  renames: readonly Operation[],
): SchemaDiff {
  const oldNames = new Map<string, string>();
  for (const op of renames) if (op.kind === "renameTable") oldNames.set(op.to, op.from);
  const oldTables = new Map(projected.tables.map((t) => [t.name, t]));
  const newTables = new Set(after.tables.map((t) => t.name));
  return {
    createTables: after.tables.filter((t) => !oldTables.has(t.name)),
    dropTables: projected.tables.filter((t) => !newTables.has(t.name)),
    tables: after.tables.flatMap((t) => {
      const old = oldTables.get(t.name);
      return old ? [{ ...compareTables(old, t), oldName: oldNames.get(t.name) ?? t.name }] : [];
    }),
    createEnums: after.enums.filter((e) => !before.enums.some((o) => o.name === e.name)),
    dropEnums: before.enums.filter((e) => !after.enums.some((n) => n.name === e.name)),
    alterEnums: after.enums.flatMap((e) => {
      const old = before.enums.find((o) => o.name === e.name);
      return old && !sameList(old.values, e.values) ? [{ name: e.name, from: old.values, to: e.values }] : [];
    }),
    createExtensions: (after.extensions ?? []).filter((name) => !(before.extensions ?? []).includes(name)),
  };
}

function compareTables(before: Table, after: Table): TableDiff {
  const pkChanged = !primaryKeysEqual(before.primaryKey, after.primaryKey);
  const [dropUniques, addUniques] = changedByName(before.uniques, after.uniques, uniquesEqual);
  const [dropIndexes, addIndexes] = changedByName(before.indexes, after.indexes, indexesEqual);
  const [dropForeignKeys, addForeignKeys] = changedByName(before.foreignKeys, after.foreignKeys, foreignKeysEqual);
  const [dropChecks, addChecks] = changedByName(before.checks ?? [], after.checks ?? [], checksEqual);
  const alterColumns = after.columns.flatMap((column) => {
    const old = before.columns.find((c) => c.name === column.name);
    return old && !columnsEqual(old, column) ? [{ from: old, to: column }] : [];
  });
  return {
    name: after.name,
    oldName: after.name,
    before,
    after,
    addColumns: after.columns.filter((c) => !before.columns.some((o) => o.name === c.name)),
    dropColumns: before.columns.filter((c) => !after.columns.some((n) => n.name === c.name)),
    alterColumns,
    dropPrimaryKey: pkChanged ? before.primaryKey : null,
    addPrimaryKey: pkChanged ? after.primaryKey : null,
    dropUniques,
    addUniques,
    dropIndexes,
    addIndexes,
    dropForeignKeys,
    addForeignKeys,
    dropChecks,
    addChecks,
  };
}

/** Items that went or changed (drop) and items that came or changed (add), matched by name. */
function changedByName<T extends { name: string }>(
  before: readonly T[],
  after: readonly T[],
  equal: (a: T, b: T) => boolean,
): [T[], T[]] {
  const unchanged = (item: T, others: readonly T[]) => others.some((o) => o.name === item.name && equal(o, item));
  return [before.filter((item) => !unchanged(item, after)), after.filter((item) => !unchanged(item, before))];
}
