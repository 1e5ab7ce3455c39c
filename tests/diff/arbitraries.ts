/**
 * fast-check generators of valid snapshots (every type kind, nullability, defaults, arrays,
 * primary keys, uniques, indexes, foreign keys among the generated tables, enums) and of edits
 * to them (with the renames they make).
 */
import fc from "fast-check";
import type { Rename } from "../../src/diff/index.js";
import { renameColumnReferences } from "../../src/schema/expression.js";
import type {
  Column,
  ColumnDefault,
  ColumnType,
  Enum,
  ForeignKey,
  Snapshot,
  Table,
} from "../../src/schema/snapshot.js";
import { canonicalize, REFERENTIAL_ACTIONS, SCALAR_KINDS } from "../../src/schema/snapshot.js";

const TABLES = ["users", "posts", "tags", "orders", "items", "teams"];
const COLUMNS = ["id", "name", "email", "title", "score", "price", "created", "flag", "status", "data", "file", "ref"];
const ENUMS = ["role", "state", "kind"];
const VALUES = ["A", "B", "C", "D", "E"];
const ACTIONS = REFERENTIAL_ACTIONS;
const KINDS = SCALAR_KINDS;

/** A seed turned into one column of any kind (enum only when there are enums). */
export function buildColumn(name: string, seed: number, enums: readonly Enum[]): Column {
  const type = buildType(seed, enums);
  const nullable = (seed >> 4) % 3 === 0;
  const array = (seed >> 6) % 7 === 0;
  const autoIncrement = (type.kind === "int" || type.kind === "bigInt") && (seed >> 8) % 5 === 0;
  return { name, type, array, nullable, default: autoIncrement ? null : buildDefault(type, seed >> 10), autoIncrement };
}

const rawColumn = fc.record({ name: fc.constantFrom(...COLUMNS), seed: fc.nat() });
const rawTable = fc.record({
  name: fc.constantFrom(...TABLES),
  columns: fc.uniqueArray(rawColumn, { selector: (c) => c.name, minLength: 1, maxLength: 5 }),
  pkSize: fc.nat(2),
  keys: fc.array(fc.record({ seed: fc.nat(), kind: fc.nat(3) }), { maxLength: 3 }),
  fks: fc.array(fc.record({ target: fc.nat(), seed: fc.nat() }), { maxLength: 2 }),
});
const rawEnum = fc.record({
  name: fc.constantFrom(...ENUMS),
  values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }),
});

/** Valid snapshots: 0–4 tables, 0–2 enums. */
export const arbSnapshot: fc.Arbitrary<Snapshot> = fc
  .record({
    enums: fc.uniqueArray(rawEnum, { selector: (e) => e.name, maxLength: 2 }),
    tables: fc.uniqueArray(rawTable, { selector: (t) => t.name, maxLength: 4 }),
  })
  .map(({ enums, tables }) => {
    const built = tables.map((raw) => buildTable(raw, enums));
    for (const [i, raw] of tables.entries()) built[i] = withForeignKeys(built[i]!, raw.fks, built);
    return canonicalize({ version: 1, tables: uniqueNames(built), enums });
  });

/** One edit of a snapshot; `pick` and `seed` choose what it touches. */
type Edit = { kind: number; pick: number; pick2: number; seed: number };
const arbEdit: fc.Arbitrary<Edit> = fc.record({ kind: fc.nat(15), pick: fc.nat(), pick2: fc.nat(), seed: fc.nat() });

/**
 * A snapshot, an edited copy and the renames the edits made: renames come first (so their names
 * are final), then edits that never drop what was renamed. Added columns are appended, the order
 * a database gives them.
 */
export const arbEditedPair: fc.Arbitrary<{ a: Snapshot; b: Snapshot; renames: Rename[] }> = fc
  .record({
    a: arbSnapshot,
    renames: fc.array(fc.record({ table: fc.boolean(), pick: fc.nat(), pick2: fc.nat() }), { maxLength: 2 }),
    edits: fc.array(arbEdit, { maxLength: 6 }),
  })
  .map(({ a, renames, edits }) => {
    const state = { snapshot: structuredClone(a), renames: [] as Rename[], counter: 0 };
    for (const rename of renames) applyRename(state, rename);
    for (const edit of edits) applyEdit(state, edit);
    return { a, b: canonicalize(state.snapshot), renames: state.renames };
  });

/** Reorders `b`'s columns so those `a` also has come first, in `a`'s order (the order a diff can reach). */
export function alignColumns(a: Snapshot, b: Snapshot): Snapshot {
  const tables = b.tables.map((table) => {
    const old = a.tables.find((t) => t.name === table.name);
    if (!old) return table;
    const kept = old.columns.flatMap((c) => table.columns.filter((n) => n.name === c.name));
    return { ...table, columns: [...kept, ...table.columns.filter((c) => !kept.includes(c))] };
  });
  return { ...b, tables };
}

/** The snapshot with columns sorted by name: for comparisons where only column order may differ. */
export function sortColumns(snapshot: Snapshot): Snapshot {
  const byName = (x: Column, y: Column) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  return { ...snapshot, tables: snapshot.tables.map((t) => ({ ...t, columns: [...t.columns].sort(byName) })) };
}

// internal

/** Keeps the first of each index, unique and foreign key name across tables, as a database would. */
function uniqueNames(tables: Table[]): Table[] {
  const keys = new Set<string>();
  const fks = new Set<string>();
  const first = (seen: Set<string>, name: string) => !seen.has(name) && Boolean(seen.add(name));
  return tables.map((t) => ({
    ...t,
    uniques: t.uniques.filter((u) => first(keys, u.name)),
    indexes: t.indexes.filter((i) => first(keys, i.name)),
    foreignKeys: t.foreignKeys.filter((f) => first(fks, f.name)),
  }));
}

function buildType(seed: number, enums: readonly Enum[]): ColumnType {
  const kind = KINDS[seed % KINDS.length]!;
  switch (kind) {
    case "string": {
      if ((seed >> 3) % 2 === 0) return { kind };
      const length = [50, 100, 255][(seed >> 3) % 3]!;
      return (seed >> 13) % 4 === 0 ? { kind, length, fixed: true } : { kind, length };
    }
    case "dateTime": {
      const type: ColumnType = { kind };
      if ((seed >> 13) % 3 === 0) type.withTimezone = false;
      const precision = [0, 3, 6][(seed >> 15) % 3]!;
      if (precision !== 3) type.precision = precision;
      return type;
    }
    case "time": {
      const precision = [0, 3, 6][(seed >> 13) % 3]!;
      return precision === 3 ? { kind } : { kind, precision };
    }
    case "decimal":
      return { kind, precision: 10 + ((seed >> 3) % 3) * 5, scale: (seed >> 5) % 3 };
    case "enum": {
      const chosen = enums[(seed >> 3) % Math.max(1, enums.length)];
      return chosen ? { kind, name: chosen.name, values: [...chosen.values] } : { kind: "string" };
    }
    default:
      return { kind };
  }
}

function buildDefault(type: ColumnType, seed: number): ColumnDefault | null {
  if (seed % 3 !== 0) return null;
  switch (type.kind) {
    case "string":
      return seed % 2 === 0 ? { kind: "literal", value: "it's" } : { kind: "uuid" };
    case "int":
    case "float":
      return { kind: "literal", value: seed % 5 };
    case "bigInt":
    case "decimal":
      return { kind: "literal", value: String(seed % 5) };
    case "boolean":
      return { kind: "literal", value: seed % 2 === 0 };
    case "dateTime":
    case "date":
    case "time":
      return { kind: "now" };
    case "json":
      return { kind: "literal", value: "{}" };
    case "enum":
      return { kind: "literal", value: type.values[0]! };
    case "blob":
      return { kind: "sql", expression: "x''" };
  }
}

type RawTable = {
  name: string;
  columns: { name: string; seed: number }[];
  pkSize: number;
  keys: { seed: number; kind: number }[];
};

function buildTable(raw: RawTable, enums: readonly Enum[]): Table {
  const columns = raw.columns.map((c) => buildColumn(c.name, c.seed, enums));
  const pk = columns.slice(0, raw.pkSize).map((c) => c.name);
  for (const column of columns) if (pk.includes(column.name)) column.nullable = false;
  const table: Table = {
    name: raw.name,
    columns,
    primaryKey: pk.length > 0 ? { columns: pk } : null,
    uniques: [],
    indexes: [],
    foreignKeys: [],
  };
  for (const key of raw.keys) addKey(table, key.seed, key.kind);
  // A check naming no column survives every edit of the columns (renames, drops) unchanged.
  const check = raw.keys[0]?.seed;
  if (check !== undefined && (check >> 14) % 3 === 0)
    table.checks = [{ name: `${raw.name}_check`, expression: `${1 + ((check >> 16) % 3)} > 0` }];
  return table;
}

function addKey(table: Table, seed: number, kind: number): void {
  const first = table.columns[seed % table.columns.length]!.name;
  const second = table.columns[(seed >> 3) % table.columns.length]!.name;
  const columns = first === second ? [first] : [first, second];
  // Some names leave the table out, so that the same name turns up on different tables across
  // the two snapshots (index names are schema-wide in PostgreSQL and SQLite).
  const base = (seed >> 10) % 3 === 0 ? columns.join("_") : `${table.name}_${columns.join("_")}`;
  if (kind === 0) {
    const name = `${base}_key`;
    if (!table.uniques.some((u) => u.name === name)) table.uniques.push({ name, columns });
    return;
  }
  const name = `${base}_idx${kind}`;
  if (table.indexes.some((i) => i.name === name)) return;
  table.indexes.push({
    name,
    columns,
    unique: kind === 2,
    ...((seed >> 6) % 3 === 0 ? { type: "btree" } : {}),
    ...((seed >> 8) % 4 === 0 ? { where: `${first} IS NOT NULL` } : {}),
    ...((seed >> 12) % 3 === 0
      ? { columnOptions: { [columns[columns.length - 1]!]: { order: "desc" as const } } }
      : {}),
  });
}

/** Foreign keys from `table` to the primary key of another generated table (or itself). */
function withForeignKeys(table: Table, fks: { target: number; seed: number }[], tables: Table[]): Table {
  const foreignKeys: ForeignKey[] = [];
  for (const raw of fks) {
    const target = tables[raw.target % tables.length]!;
    const keys = [...(target.primaryKey ? [target.primaryKey.columns] : []), ...target.uniques.map((u) => u.columns)];
    const key = keys[(raw.seed >> 4) % Math.max(1, keys.length)] ?? [];
    if (key.length === 0 || key.length > table.columns.length) continue;
    const columns = key.map((_, i) => table.columns[(raw.seed + i) % table.columns.length]!.name);
    if (new Set(columns).size !== columns.length) continue;
    const name =
      (raw.seed >> 7) % 3 === 0 ? `fk_${target.name}` : `${table.name}_${target.name}_${foreignKeys.length}_fkey`;
    if (foreignKeys.some((f) => f.name === name)) continue;
    const onDelete = ACTIONS[raw.seed % ACTIONS.length]!;
    foreignKeys.push({
      name,
      columns,
      referencedTable: target.name,
      referencedColumns: [...key],
      onDelete,
      onUpdate: "noAction",
    });
  }
  return { ...table, foreignKeys };
}

interface EditState {
  snapshot: Snapshot;
  renames: Rename[];
  counter: number;
}

function applyRename(state: EditState, raw: { table: boolean; pick: number; pick2: number }): void {
  const s = state.snapshot;
  const renamed = new Set(state.renames.map((r) => r.to));
  const tables = s.tables.filter((t) => !renamed.has(t.name));
  const table = tables[raw.pick % Math.max(1, tables.length)];
  if (!table) return;
  if (raw.table) {
    const to = `${table.name}_v${state.counter++}`;
    for (const t of s.tables)
      for (const f of t.foreignKeys) if (f.referencedTable === table.name) f.referencedTable = to;
    // A column rename names the table as it ends up.
    for (const r of state.renames) if (r.kind === "column" && r.table === table.name) r.table = to;
    state.renames.push({ kind: "table", from: table.name, to });
    table.name = to;
    return;
  }
  const column = table.columns[raw.pick2 % table.columns.length]!;
  if (state.renames.some((r) => r.kind === "column" && r.table === table.name && r.to === column.name)) return;
  const from = column.name;
  const to = `${from}_v${state.counter++}`;
  renameColumnEverywhere(s, table.name, from, to);
  state.renames.push({ kind: "column", table: table.name, from, to });
}

function renameColumnEverywhere(s: Snapshot, tableName: string, from: string, to: string): void {
  const swap = (names: string[]) => names.map((n) => (n === from ? to : n));
  for (const t of s.tables) {
    for (const f of t.foreignKeys) if (f.referencedTable === tableName) f.referencedColumns = swap(f.referencedColumns);
    if (t.name !== tableName) continue;
    for (const c of t.columns) if (c.name === from) c.name = to;
    if (t.primaryKey) t.primaryKey.columns = swap(t.primaryKey.columns);
    for (const k of [...t.uniques, ...t.indexes, ...t.foreignKeys]) k.columns = swap(k.columns);
    // As the servers do, the author renames the column inside checks and predicates too.
    for (const check of t.checks ?? []) check.expression = renameColumnReferences(check.expression, from, to)!;
    for (const index of t.indexes) {
      if (index.where !== undefined) index.where = renameColumnReferences(index.where, from, to)!;
      const options = index.columnOptions?.[from];
      if (options === undefined) continue;
      delete index.columnOptions![from];
      index.columnOptions![to] = options;
    }
  }
}

function applyEdit(state: EditState, edit: Edit): void {
  const s = state.snapshot;
  const protectedTables = new Set(state.renames.map((r) => (r.kind === "table" ? r.to : r.table)));
  const protectedColumns = new Set(state.renames.flatMap((r) => (r.kind === "column" ? [`${r.table}.${r.to}`] : [])));
  const table = s.tables[edit.pick % Math.max(1, s.tables.length)];
  const column = table?.columns[edit.pick2 % table.columns.length];
  switch (edit.kind) {
    case 0: {
      // Sometimes a new table takes the old name of a renamed one.
      const freed = state.renames.find((r) => r.kind === "table" && !s.tables.some((t) => t.name === r.from));
      const name = freed && edit.seed % 2 === 0 ? freed.from : `t${state.counter++}`;
      const built = buildTable(
        {
          name,
          columns: [
            { name: "id", seed: 1 },
            { name: "v", seed: edit.seed },
          ],
          pkSize: 1,
          keys: [{ seed: edit.seed, kind: edit.seed % 3 }],
        },
        s.enums,
      );
      s.tables.push(withForeignKeys(built, [{ target: edit.pick2, seed: edit.seed }], [...s.tables, built]));
      return;
    }
    case 1:
      if (table && !protectedTables.has(table.name)) dropTable(s, table.name);
      return;
    case 2:
      if (table) {
        const freed = state.renames.find(
          (r) => r.kind === "column" && r.table === table.name && !table.columns.some((c) => c.name === r.from),
        );
        const name = freed && edit.seed % 2 === 0 ? freed.from : `c${state.counter++}`;
        table.columns.push(buildColumn(name, edit.seed, s.enums));
      }
      return;
    case 3:
      if (table && column && !protectedColumns.has(`${table.name}.${column.name}`)) dropColumn(s, table, column.name);
      return;
    case 4:
    case 5:
      if (table && column) alterColumn(s, table, column, edit.seed);
      return;
    case 6:
      if (table) table.primaryKey = changePrimaryKey(table, edit.seed, s);
      return;
    case 7:
      if (table) addKey(table, edit.seed, edit.seed % 3);
      return;
    case 8:
      if (table) dropKey(s, table, edit.seed);
      return;
    case 9:
      if (table)
        table.foreignKeys = withForeignKeys(table, [{ target: edit.pick2, seed: edit.seed }], s.tables).foreignKeys;
      return;
    case 10:
      if (table?.foreignKeys[0]) table.foreignKeys[0].onDelete = ACTIONS[edit.seed % ACTIONS.length]!;
      return;
    default:
      editEnums(s, edit, state);
  }
}

function dropTable(s: Snapshot, name: string): void {
  s.tables = s.tables.filter((t) => t.name !== name);
  for (const t of s.tables) t.foreignKeys = t.foreignKeys.filter((f) => f.referencedTable !== name);
}

function dropColumn(s: Snapshot, table: Table, name: string): void {
  if (table.columns.length === 1) return;
  table.columns = table.columns.filter((c) => c.name !== name);
  if (table.primaryKey?.columns.includes(name)) {
    table.primaryKey = null;
    for (const t of s.tables) t.foreignKeys = t.foreignKeys.filter((f) => f.referencedTable !== table.name);
  }
  table.uniques = table.uniques.filter((u) => !u.columns.includes(name));
  table.indexes = table.indexes.filter((i) => !i.columns.includes(name));
  table.foreignKeys = table.foreignKeys.filter((f) => !f.columns.includes(name));
  for (const t of s.tables) {
    t.foreignKeys = t.foreignKeys.filter(
      (f) => f.referencedTable !== table.name || !f.referencedColumns.includes(name),
    );
  }
}

function alterColumn(s: Snapshot, table: Table, column: Column, seed: number): void {
  const next = buildColumn(column.name, seed, s.enums);
  const inKey = table.primaryKey?.columns.includes(column.name);
  Object.assign(column, seed % 2 === 0 ? next : { nullable: inKey ? false : next.nullable, default: next.default });
  if (inKey) column.nullable = false;
}

function changePrimaryKey(table: Table, seed: number, s: Snapshot): Table["primaryKey"] {
  for (const t of s.tables) t.foreignKeys = t.foreignKeys.filter((f) => f.referencedTable !== table.name);
  const columns = table.columns
    .slice(seed % table.columns.length)
    .slice(0, 1 + (seed % 2))
    .map((c) => c.name);
  for (const c of table.columns) if (columns.includes(c.name)) c.nullable = false;
  return seed % 5 === 0 ? null : { columns };
}

function dropKey(s: Snapshot, table: Table, seed: number): void {
  if (seed % 2 !== 0) {
    table.indexes.splice(seed % Math.max(1, table.indexes.length), 1);
    return;
  }
  const [gone] = table.uniques.splice(seed % Math.max(1, table.uniques.length), 1);
  const signature = JSON.stringify([...(gone?.columns ?? [])].sort());
  for (const t of s.tables) {
    t.foreignKeys = t.foreignKeys.filter(
      (f) => f.referencedTable !== table.name || JSON.stringify([...f.referencedColumns].sort()) !== signature,
    );
  }
}

function editEnums(s: Snapshot, edit: Edit, state: EditState): void {
  const target = s.enums[edit.pick % Math.max(1, s.enums.length)];
  const setValues = (e: Enum, values: string[]) => {
    e.values = values;
    for (const t of s.tables) {
      for (const c of t.columns) {
        if (c.type.kind !== "enum" || c.type.name !== e.name) continue;
        c.type = { ...c.type, values: [...values] };
        if (c.default?.kind === "literal" && !values.includes(String(c.default.value))) c.default = null;
      }
    }
  };
  if (edit.kind === 11 && target) {
    const value = VALUES[edit.seed % VALUES.length]!;
    if (!target.values.includes(value)) setValues(target, [...target.values, value]);
  } else if (edit.kind === 12 && target && target.values.length > 1) {
    setValues(
      target,
      target.values.filter((_, i) => i !== edit.seed % target.values.length),
    );
  } else if (edit.kind === 13 && target) {
    s.enums = s.enums.filter((e) => e !== target);
    for (const t of s.tables) {
      for (const c of t.columns)
        if (c.type.kind === "enum" && c.type.name === target.name)
          Object.assign(c, { type: { kind: "string" }, default: null });
    }
  } else if (edit.kind === 14) {
    const name = `e${state.counter++}`;
    s.enums.push({ name, values: ["X", "Y"] });
    s.tables[0]?.columns.push(
      buildColumn(
        `c${state.counter++}`,
        KINDS.indexOf("enum"),
        s.enums.filter((e) => e.name === name),
      ),
    );
  } else if (edit.kind === 15 && target && target.values.length > 1) {
    setValues(target, [...target.values].reverse());
  }
}
