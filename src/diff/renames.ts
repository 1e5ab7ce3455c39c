/**
 * Renames: the ones the caller decided (validated, turned into operations) and the ones the diff
 * suspects (a dropped and an added table or column that may be the same thing renamed).
 */
import { InvalidArgumentError } from "../errors.js";
import type { Snapshot, Table } from "../schema/snapshot.js";
import { compareNames, compareTuples, findTable } from "./compare.js";
import type { AmbiguousChange, Operation } from "./operations.js";

/**
 * A rename the diff plans as `renameTable` / `renameColumn` instead of a drop and an add.
 * `table` is the table's name in the target snapshot (after any table rename).
 */
export type Rename =
  | { kind: "table"; from: string; to: string }
  | { kind: "column"; table: string; from: string; to: string };

/**
 * Checks that each rename takes a name that exists before to one that exists after and not before,
 * at most once per side. The old name may come back as a new object (rename `users` to
 * `legacy_users`, create a fresh `users`); the new name is free, which rules out swaps, chains and
 * collisions, so renames can run in any order. Throws `INVALID_ARGUMENT`.
 */
export function validateRenames(from: Snapshot, to: Snapshot, renames: readonly Rename[]): void {
  const tableRenames = renames.filter((r) => r.kind === "table");
  checkUnique(
    tableRenames.map((r) => r.from),
    "renamed from",
  );
  checkUnique(
    tableRenames.map((r) => r.to),
    "renamed to",
  );
  for (const rename of tableRenames) {
    if (!findTable(from, rename.from)) invalid(rename, `table ${rename.from} must exist before`);
    if (!findTable(to, rename.to) || findTable(from, rename.to)) {
      invalid(rename, `table ${rename.to} must exist after and not before`);
    }
  }
  const columnRenames = renames.filter((r) => r.kind === "column");
  checkUnique(
    columnRenames.map((r) => `${r.table}.${r.from}`),
    "renamed from",
  );
  checkUnique(
    columnRenames.map((r) => `${r.table}.${r.to}`),
    "renamed to",
  );
  for (const rename of columnRenames) {
    const after = findTable(to, rename.table);
    // The table as it was: renamed to this name, or of this name and not renamed away.
    const renamedTo = tableRenames.find((r) => r.to === rename.table);
    const renamedAway = tableRenames.some((r) => r.from === rename.table);
    const before = renamedTo
      ? findTable(from, renamedTo.from)
      : renamedAway
        ? undefined
        : findTable(from, rename.table);
    if (!after || !before) invalid(rename, `table ${rename.table} must exist before and after`);
    if (!hasColumn(before, rename.from)) invalid(rename, `column ${rename.from} must exist before`);
    if (!hasColumn(after, rename.to) || hasColumn(before, rename.to)) {
      invalid(rename, `column ${rename.to} must exist after and not before`);
    }
  }
}

/** The operations of the renames: tables first (by new name), then columns (by table, old name). */
export function renameOperations(renames: readonly Rename[]): Operation[] {
  const tables = renames
    .filter((r) => r.kind === "table")
    .sort((a, b) => compareNames(a.to, b.to))
    .map((r): Operation => ({ kind: "renameTable", from: r.from, to: r.to }));
  const columns = renames
    .filter((r) => r.kind === "column")
    .sort((a, b) => compareTuples([a.table, a.from], [b.table, b.from]))
    .map((r): Operation => ({ kind: "renameColumn", table: r.table, from: r.from, to: r.to }));
  return [...tables, ...columns];
}

/**
 * Dropped and added tables that may be one table renamed. A pair is suspected when it is the only
 * dropped and the only added table, or when at least half of the larger table's columns match the
 * other's by name and type kind (so unrelated tables sharing just an `id` are not asked about).
 * Best match first; ties by old name, then new name.
 */
export function tableAmbiguities(from: Snapshot, to: Snapshot, renames: readonly Rename[]): AmbiguousChange[] {
  const renamedFrom = new Set(renames.filter((r) => r.kind === "table").map((r) => r.from));
  const renamedTo = new Set(renames.filter((r) => r.kind === "table").map((r) => r.to));
  const before = new Set(from.tables.map((t) => t.name));
  const after = new Set(to.tables.map((t) => t.name));
  const dropped = from.tables.filter((t) => !after.has(t.name) && !renamedFrom.has(t.name));
  const added = to.tables.filter((t) => !before.has(t.name) && !renamedTo.has(t.name));
  const onlyPair = dropped.length === 1 && added.length === 1;
  const pairs: { before: Table; after: Table; matched: number; size: number }[] = [];
  for (const before of dropped) {
    for (const after of added) {
      const matched = before.columns.filter((c) =>
        after.columns.some((d) => d.name === c.name && d.type.kind === c.type.kind),
      ).length;
      const size = Math.max(before.columns.length, after.columns.length, 1);
      if (onlyPair || matched * 2 >= size) pairs.push({ before, after, matched, size });
    }
  }
  pairs.sort(
    (x, y) =>
      y.matched * x.size - x.matched * y.size ||
      compareTuples([x.before.name, x.after.name], [y.before.name, y.after.name]),
  );
  return pairs.map(({ before, after }) => ({
    type: "ambiguous",
    kind: "renameTable",
    table: after.name,
    from: before.name,
    to: after.name,
    description: `Table ${before.name} is gone and ${after.name} is new: ${before.name} may have been renamed to ${after.name}.`,
  }));
}

/**
 * Dropped and added columns of one table (matched by name after the table renames) that may be
 * one column renamed: every pair with the same type kind, ordered by table, old name, new name.
 * `projected` is the old snapshot with the renames already applied.
 */
export function columnAmbiguities(projected: Snapshot, to: Snapshot): AmbiguousChange[] {
  const changes: AmbiguousChange[] = [];
  const tables = new Map(projected.tables.map((t) => [t.name, t]));
  for (const after of to.tables) {
    const before = tables.get(after.name);
    if (!before) continue;
    const dropped = before.columns.filter((c) => !hasColumn(after, c.name));
    const added = after.columns.filter((c) => !hasColumn(before, c.name));
    const pairs = dropped.flatMap((d) => added.filter((a) => a.type.kind === d.type.kind).map((a) => [d.name, a.name]));
    pairs.sort((x, y) => compareTuples(x, y));
    for (const [oldName, newName] of pairs as [string, string][]) {
      changes.push({
        type: "ambiguous",
        kind: "renameColumn",
        table: after.name,
        from: oldName,
        to: newName,
        description: `Column ${after.name}.${oldName} is gone and ${after.name}.${newName} is new: it may have been renamed.`,
      });
    }
  }
  return changes;
}

/** The rename an ambiguous change proposes. */
export function renameOf(change: AmbiguousChange): Rename {
  return change.kind === "renameTable"
    ? { kind: "table", from: change.from, to: change.to }
    : { kind: "column", table: change.table, from: change.from, to: change.to };
}

// internal

function hasColumn(table: Table, name: string): boolean {
  return table.columns.some((c) => c.name === name);
}

function checkUnique(names: string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new InvalidArgumentError(`Rename ${what} ${name} is given twice; each name can be renamed once.`, {
        argument: "renames",
        value: name,
        problem: `${what} twice`,
      });
    }
    seen.add(name);
  }
}

function invalid(rename: Rename, problem: string): never {
  throw new InvalidArgumentError(`Rename ${rename.from} → ${rename.to} does not fit: ${problem}.`, {
    argument: "renames",
    value: rename,
    problem,
  });
}
