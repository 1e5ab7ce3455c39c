/**
 * Puts a diff's operations in an order a database can run one statement at a time:
 *
 *  0. create extensions (types and operator classes may come from them);
 *  1. drop foreign keys: removed or changed ones; unchanged ones whose own or referenced columns
 *     change type, or whose key (or supporting index) is dropped (re-added in phase 10); and
 *     those of dropped tables that would block a change, close a cycle, or hold a name re-used;
 *  2. drop checks, uniques and indexes (removed or changed; a dropped table's whose name is re-used);
 *  3. drop primary keys that change;
 *  4. renames: tables, then columns (validated collision-free, so any order works);
 *  5. create enums, then enum changes that only add values (removals wait for phase 13);
 *  6. create tables, referenced before referencing; a foreign key closing a cycle, or pointing
 *     at a column or key this diff adds or changes, waits for phase 10 (a self-reference stays);
 *  7. add columns (in the new declaration order, which is the order they end up in);
 *  8. alter columns;
 *  9. add primary keys, then uniques and indexes, then checks;
 * 10. add foreign keys (new, changed, re-added, deferred);
 * 11. drop columns;
 * 12. drop tables, referencing before referenced;
 * 13. enum changes that remove values (after the columns and tables holding them are gone);
 * 14. drop enums.
 *
 * Safe work comes first and data-losing work last, so a run that fails half-way (MySQL has no
 * transactional DDL) stops before anything is lost. Within a phase, ties are broken by name.
 */
import type { ForeignKey, Snapshot, Table } from "../schema/snapshot.js";
import { compareNames, compareTuples, typeChanged } from "./compare.js";
import type { SchemaDiff } from "./diff.js";
import { materialize } from "./materialize.js";
import type { Operation } from "./operations.js";

/** What {@link orderOperations} needs from the differ. */
export interface OrderInput {
  before: Snapshot;
  /** `before` with renames and enum value changes applied. */
  projected: Snapshot;
  after: Snapshot;
  /** The rename operations, already ordered. */
  renames: readonly Operation[];
  structure: SchemaDiff;
}

/**
 * The operations of a structural diff in executable order (see the module comment), each
 * carrying the definition the schema holds when it runs.
 */
export function orderOperations(input: OrderInput): Operation[] {
  const { structure } = input;
  const facts = collectFacts(structure);
  const fks = planForeignKeys(input, facts);
  const enums = enumChanges(structure);
  const tables = structure.tables;
  const operations: Operation[] = [
    ...structure.createExtensions.map((name): Operation => ({ kind: "createExtension", name })),
    ...sortOperations(fks.drops),
    ...sortOperations([
      ...fks.keyDrops,
      ...tables.flatMap((t) => [
        ...t.dropChecks.map((check): Operation => ({ kind: "dropCheck", table: t.oldName, check })),
        ...t.dropUniques.map((unique): Operation => ({ kind: "dropUnique", table: t.oldName, unique })),
        ...t.dropIndexes.map((index): Operation => ({ kind: "dropIndex", table: t.oldName, index })),
      ]),
    ]),
    ...tables.flatMap((t): Operation[] =>
      t.dropPrimaryKey ? [{ kind: "dropPrimaryKey", table: t.oldName, primaryKey: t.dropPrimaryKey }] : [],
    ),
    ...input.renames,
    ...structure.createEnums.map((e): Operation => ({ kind: "createEnum", enum: e })),
    ...enums.early,
    ...fks.creates.map((table): Operation => ({ kind: "createTable", table })),
    ...tables.flatMap((t) => t.addColumns.map((column): Operation => ({ kind: "addColumn", table: t.name, column }))),
    ...tables.flatMap((t) =>
      t.alterColumns.map(({ from, to }): Operation => ({ kind: "alterColumn", table: t.name, from, to })),
    ),
    ...tables.flatMap((t): Operation[] =>
      t.addPrimaryKey ? [{ kind: "addPrimaryKey", table: t.name, primaryKey: t.addPrimaryKey }] : [],
    ),
    ...sortOperations(
      tables.flatMap((t) => [
        ...t.addUniques.map((unique): Operation => ({ kind: "addUnique", table: t.name, unique })),
        ...t.addIndexes.map((index): Operation => ({ kind: "createIndex", table: t.name, index })),
      ]),
    ),
    ...sortOperations(
      tables.flatMap((t) => t.addChecks.map((check): Operation => ({ kind: "addCheck", table: t.name, check }))),
    ),
    ...sortOperations(fks.adds),
    ...tables.flatMap((t) => t.dropColumns.map((column): Operation => ({ kind: "dropColumn", table: t.name, column }))),
    ...fks.tableDrops.map((table): Operation => ({ kind: "dropTable", table })),
    ...enums.late,
    ...structure.dropEnums.map((e): Operation => ({ kind: "dropEnum", enum: e })),
  ];
  return materialize(input.before, operations);
}

/**
 * Orders `names` so each comes after the names it depends on, ties by name. When only cycles are
 * left, the first remaining name goes next and the dependencies it still had come back as `broken`.
 */
export function topologicalOrder(
  names: readonly string[],
  dependsOn: (name: string) => readonly string[],
): { order: string[]; broken: [string, string][] } {
  const remaining = [...new Set(names)].sort(compareNames);
  const left = new Set(remaining);
  const dependencies = new Map(remaining.map((name) => [name, [...new Set(dependsOn(name))].sort(compareNames)]));
  const pending = (name: string) => dependencies.get(name)!.filter((d) => d !== name && left.has(d));
  const order: string[] = [];
  const broken: [string, string][] = [];
  while (remaining.length > 0) {
    const index = Math.max(
      0,
      remaining.findIndex((name) => pending(name).length === 0),
    );
    const name = remaining[index]!;
    for (const dependency of pending(name)) broken.push([name, dependency]);
    remaining.splice(index, 1);
    left.delete(name);
    order.push(name);
  }
  return { order, broken };
}

// internal

/** Per table (new name): columns whose type changes, columns dropped or added, keys dropped or added. */
interface Facts {
  typeAltered: Map<string, Set<string>>;
  droppedColumns: Map<string, Set<string>>;
  addedColumns: Map<string, Set<string>>;
  droppedKeys: Map<string, string[][]>;
  addedKeys: Map<string, string[][]>;
}

function collectFacts(structure: SchemaDiff): Facts {
  const facts: Facts = {
    typeAltered: new Map(),
    droppedColumns: new Map(),
    addedColumns: new Map(),
    droppedKeys: new Map(),
    addedKeys: new Map(),
  };
  for (const t of structure.tables) {
    const retyped = t.alterColumns.filter(({ from, to }) => typeChanged(from, to));
    facts.typeAltered.set(t.name, new Set(retyped.map(({ to }) => to.name)));
    facts.droppedColumns.set(t.name, new Set(t.dropColumns.map((c) => c.name)));
    facts.addedColumns.set(t.name, new Set(t.addColumns.map((c) => c.name)));
    facts.droppedKeys.set(t.name, [
      ...(t.dropPrimaryKey ? [t.dropPrimaryKey.columns] : []),
      ...[...t.dropUniques, ...t.dropIndexes].map((k) => k.columns),
    ]);
    facts.addedKeys.set(t.name, [
      ...(t.addPrimaryKey ? [t.addPrimaryKey.columns] : []),
      ...[...t.addUniques, ...t.addIndexes].map((k) => k.columns),
    ]);
  }
  return facts;
}

/**
 * True when a foreign key's columns on `table` are disturbed by this diff: a type change, a drop
 * (or, with `adds`, an add) of the column, or of a key or index whose leading columns are exactly
 * these (PostgreSQL ties an FK to the referenced key; MySQL needs an index on both sides).
 */
function disturbed(facts: Facts, table: string, columns: readonly string[], adds: boolean): boolean {
  const hit = (set: Set<string> | undefined) => columns.some((c) => set?.has(c));
  const prefix = (keys: string[][] | undefined) =>
    (keys ?? []).some((key) => sameSet(key.slice(0, columns.length), columns));
  if (hit(facts.typeAltered.get(table)) || hit(facts.droppedColumns.get(table))) return true;
  if (prefix(facts.droppedKeys.get(table))) return true;
  return adds && (hit(facts.addedColumns.get(table)) || prefix(facts.addedKeys.get(table)));
}

interface ForeignKeyPlan {
  drops: Operation[];
  keyDrops: Operation[];
  adds: Operation[];
  creates: Table[];
  tableDrops: Table[];
}

function planForeignKeys(input: OrderInput, facts: Facts): ForeignKeyPlan {
  const plan: ForeignKeyPlan = { drops: [], keyDrops: [], adds: [], creates: [], tableDrops: [] };
  for (const t of input.structure.tables) {
    plan.drops.push(...t.dropForeignKeys.map((fk) => dropFk(t.oldName, fk)));
    plan.adds.push(...t.addForeignKeys.map((fk) => addFk(t.name, fk)));
    for (const fk of t.after.foreignKeys) {
      if (t.addForeignKeys.includes(fk)) continue;
      // Facts exist only for tables on both sides, the only ones an unchanged key can point at.
      if (
        disturbed(facts, t.name, fk.columns, false) ||
        disturbed(facts, fk.referencedTable, fk.referencedColumns, false)
      ) {
        plan.drops.push(dropFk(t.oldName, fk));
        plan.adds.push(addFk(t.name, fk));
      }
    }
  }
  planCreatedTables(input, facts, plan);
  planDroppedTables(input, facts, plan);
  return plan;
}

function planCreatedTables(input: OrderInput, facts: Facts, plan: ForeignKeyPlan): void {
  const created = new Map(input.structure.createTables.map((t) => [t.name, t]));
  const deferred = new Set<ForeignKey>();
  for (const table of created.values()) {
    for (const fk of table.foreignKeys) {
      if (created.has(fk.referencedTable)) continue;
      if (disturbed(facts, fk.referencedTable, fk.referencedColumns, true)) deferred.add(fk);
    }
  }
  const { order, broken } = topologicalOrder([...created.keys()], (name) =>
    created
      .get(name)!
      .foreignKeys.filter((fk) => created.has(fk.referencedTable))
      .map((fk) => fk.referencedTable),
  );
  for (const [name, dependency] of broken) {
    for (const fk of created.get(name)!.foreignKeys) if (fk.referencedTable === dependency) deferred.add(fk);
  }
  for (const name of order) {
    const table = created.get(name)!;
    plan.creates.push({ ...table, foreignKeys: table.foreignKeys.filter((fk) => !deferred.has(fk)) });
    plan.adds.push(...table.foreignKeys.filter((fk) => deferred.has(fk)).map((fk) => addFk(name, fk)));
  }
}

function planDroppedTables(input: OrderInput, facts: Facts, plan: ForeignKeyPlan): void {
  const dropped = new Map(input.structure.dropTables.map((t) => [t.name, t]));
  // Index and constraint names are schema-wide in PostgreSQL and SQLite (FK names in MySQL):
  // one a new object re-uses must go before that object is created, not with its table at the end.
  const keyNames = new Set(input.after.tables.flatMap((t) => [...t.uniques, ...t.indexes].map((k) => k.name)));
  const fkNames = new Set(input.after.tables.flatMap((t) => t.foreignKeys.map((fk) => fk.name)));
  const early = new Set<ForeignKey>();
  const keysGoneEarly = new Set<string>();
  for (const table of dropped.values()) {
    for (const unique of table.uniques.filter((u) => keyNames.has(u.name))) {
      plan.keyDrops.push({ kind: "dropUnique", table: table.name, unique });
      keysGoneEarly.add(table.name);
    }
    for (const index of table.indexes.filter((i) => keyNames.has(i.name))) {
      plan.keyDrops.push({ kind: "dropIndex", table: table.name, index });
      keysGoneEarly.add(table.name);
    }
  }
  for (const table of dropped.values()) {
    for (const fk of table.foreignKeys) {
      const target = fk.referencedTable;
      const blocks = !dropped.has(target) && disturbed(facts, target, fk.referencedColumns, false);
      if (blocks || fkNames.has(fk.name) || keysGoneEarly.has(target)) early.add(fk);
    }
  }
  const referrers = new Map<string, string[]>();
  for (const table of dropped.values()) {
    for (const fk of table.foreignKeys) {
      if (early.has(fk) || !dropped.has(fk.referencedTable)) continue;
      referrers.set(fk.referencedTable, [...(referrers.get(fk.referencedTable) ?? []), table.name]);
    }
  }
  const { order, broken } = topologicalOrder([...dropped.keys()], (name) => referrers.get(name) ?? []);
  for (const [name, referrer] of broken) {
    for (const fk of dropped.get(referrer)!.foreignKeys) if (fk.referencedTable === name) early.add(fk);
  }
  for (const table of dropped.values()) {
    plan.drops.push(...table.foreignKeys.filter((fk) => early.has(fk)).map((fk) => dropFk(table.name, fk)));
  }
  plan.tableDrops.push(...order.map((name) => dropped.get(name)!));
}

/**
 * Enum value changes, split so that added values exist before columns use them and removed ones
 * go only after the columns and tables holding them: one early change that appends the new values
 * (or makes the whole change when nothing is removed), one late change that removes.
 */
function enumChanges(structure: SchemaDiff): { early: Operation[]; late: Operation[] } {
  const early: Operation[] = [];
  const late: Operation[] = [];
  for (const change of structure.alterEnums) {
    const removed = change.from.filter((v) => !change.to.includes(v));
    const added = change.to.filter((v) => !change.from.includes(v));
    if (removed.length === 0) {
      early.push({ kind: "alterEnum", ...change });
      continue;
    }
    const merged = [...change.from, ...added];
    if (added.length > 0) early.push({ kind: "alterEnum", name: change.name, from: change.from, to: merged });
    late.push({ kind: "alterEnum", name: change.name, from: merged, to: change.to });
  }
  return { early, late };
}

function dropFk(table: string, foreignKey: ForeignKey): Operation {
  return { kind: "dropForeignKey", table, foreignKey };
}

function addFk(table: string, foreignKey: ForeignKey): Operation {
  return { kind: "addForeignKey", table, foreignKey };
}

/** Sorts operations of one phase by table, then object name, then kind. */
function sortOperations(operations: Operation[]): Operation[] {
  return [...operations].sort((a, b) => compareTuples(sortKey(a), sortKey(b)));
}

function sortKey(op: Operation): string[] {
  switch (op.kind) {
    case "addForeignKey":
    case "dropForeignKey":
      return [op.table, op.foreignKey.name, op.kind];
    case "addUnique":
    case "dropUnique":
      return [op.table, op.unique.name, op.kind];
    case "createIndex":
    case "dropIndex":
      return [op.table, op.index.name, op.kind];
    default:
      return [op.kind];
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
