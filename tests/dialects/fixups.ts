/**
 * The diff's fast-check snapshots made into ones PostgreSQL or MySQL can hold, and widened with the
 * schema-breadth features each of them has (native types, operator classes, prefix lengths, DESC
 * columns, checks naming a column). The shared generators stay SQLite-shaped (SQLite accepts nearly
 * anything); what each fix-up changes is what that server refuses at DDL time, listed at each step.
 */

import { canonicalCheckExpression } from "../../src/diff/compare.js";
import type {
  Column,
  ColumnDefault,
  ColumnType,
  ForeignKey,
  Index,
  IndexColumnOptions,
  ReferentialAction,
  Snapshot,
  Table,
} from "../../src/schema/snapshot.js";
import { canonicalize } from "../../src/schema/snapshot.js";

export type ServerDialect = "postgres" | "mysql";

/** `snapshot` made valid for `dialect` and widened with its features as `seed` chooses. */
export function forDialect(dialect: ServerDialect, snapshot: Snapshot, seed: number): Snapshot {
  const pick = (i: number, n: number) => (((seed >> (i % 24)) >>> 0) + i) % n === 0;
  let tables = snapshot.tables.map((table, t) => widen(dialect, table, t, pick));
  tables = tables.map((table) => ({ ...table, columns: table.columns.map((c) => fitDefault(dialect, c)) }));
  tables = matchForeignKeyTypes(tables);
  tables = tables.map((table) => (dialect === "mysql" ? mysqlTable(table) : postgresTable(table)));
  tables = keyedOnly(distinctNames(tables));
  const extensions = tables.some((t) => t.columns.some((c) => c.nativeType?.postgres === "citext")) ? ["citext"] : [];
  return canonicalize({
    ...snapshot,
    tables,
    ...(dialect === "postgres" && extensions.length > 0 ? { extensions } : {}),
  });
}

/**
 * Every foreign key references a primary key or unique of its target: SQLite accepts others;
 * PostgreSQL and MySQL refuse them (42830, errno 150). Edits can leave one behind.
 */
export function keyedForeignKeys(snapshot: Snapshot): boolean {
  return snapshot.tables.every((t) => t.foreignKeys.every((fk) => referencesKey(snapshot.tables, fk)));
}

// internal

function referencesKey(tables: Table[], fk: ForeignKey): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((c) => y.includes(c));
  const target = tables.find((candidate) => candidate.name === fk.referencedTable);
  const keys = [
    ...(target?.primaryKey ? [target.primaryKey.columns] : []),
    ...(target?.uniques ?? []).map((u) => u.columns),
  ];
  return keys.some((key) => same(key, fk.referencedColumns));
}

/**
 * Index and constraint names once per schema: index names are schema-wide on PostgreSQL and foreign
 * key names database-wide on MySQL; the generator's added tables may repeat one.
 */
function distinctNames(tables: Table[]): Table[] {
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

/** Drops the foreign keys left without a key to reference once the fix-ups removed keys. */
function keyedOnly(tables: Table[]): Table[] {
  return tables.map((t) => ({
    ...t,
    foreignKeys: t.foreignKeys.filter((fk) => referencesKey(tables, fk)),
  }));
}

type Pick = (i: number, n: number) => boolean;

/** A text or varchar column: what text_pattern_ops accepts. */
function isText(column: Column | undefined): boolean {
  return column?.type.kind === "string" && !column.type.fixed && !column.array && !column.nativeType;
}

function quoted(dialect: ServerDialect, name: string): string {
  return dialect === "mysql" ? `\`${name.replaceAll("`", "``")}\`` : `"${name.replaceAll('"', '""')}"`;
}

/** The schema-breadth features, placed by position so both sides of an edited pair can differ. */
function widen(dialect: ServerDialect, table: Table, t: number, pick: Pick): Table {
  const columns = table.columns.map((column, c): Column => {
    if (column.type.kind !== "string" || column.array || !pick(t * 7 + c, 3)) return column;
    // citext on PostgreSQL (an extension type); MEDIUMTEXT on MySQL (a type viborm never picks itself).
    if (dialect === "postgres") return { ...column, type: { kind: "string" }, nativeType: { postgres: "citext" } };
    return { ...column, type: { kind: "string" }, nativeType: { mysql: "MEDIUMTEXT" } };
  });
  const indexes = table.indexes.map((index, i) => {
    const options = { ...index.columnOptions };
    const last = index.columns[index.columns.length - 1]!;
    if (pick(t * 3 + i, 2)) options[last] = { ...options[last], order: "desc" };
    const first = index.columns[0]!;
    const column = columns.find((c) => c.name === first);
    if (dialect === "postgres" && isText(column)) {
      if (pick(t * 11 + i, 2) && (index.type ?? "btree") === "btree")
        options[first] = { ...options[first], opclass: "text_pattern_ops" };
    }
    if (dialect === "mysql" && column?.type.kind === "string" && pick(t * 13 + i, 2))
      options[first] = { ...options[first], length: 16 };
    return Object.keys(options).length > 0 ? { ...index, columnOptions: options } : index;
  });
  const widened: Table = { ...table, columns, indexes };
  const first = columns[0];
  if (first && pick(t + 5, 2)) {
    const expression = `${quoted(dialect, first.name)} IS NOT NULL OR ${dialect === "mysql" ? "1 = 1" : "true"}`;
    widened.checks = [...(table.checks ?? []), { name: `${table.name}_named_ok`, expression }];
  }
  return widened;
}

/**
 * A default the column's type can hold, or none. The generator's edits keep a column's old default
 * under a new type (a literal `true` on an int); neither server accepts that, nor a default on an
 * array (a PostgreSQL array literal, MySQL JSON text), nor SQLite's blob literal `x''`.
 */
function fitDefault(dialect: ServerDialect, column: Column): Column {
  // An identity/AUTO_INCREMENT column is NOT NULL and has no other default on either server.
  if (column.autoIncrement) return { ...column, nullable: false, default: null };
  const value = column.default;
  if (value === null) return column;
  const fits = !column.array && !column.nativeType && defaultFits(column.type, value, dialect);
  return fits ? column : { ...column, default: null };
}

function defaultFits(type: ColumnType, value: ColumnDefault, dialect: ServerDialect): boolean {
  switch (value.kind) {
    case "now":
      return type.kind === "dateTime" || (dialect === "postgres" && (type.kind === "date" || type.kind === "time"));
    case "uuid":
      return type.kind === "string" && (type.length === undefined || type.length >= 36);
    case "sql":
      return false;
    case "literal": {
      const v = value.value;
      switch (type.kind) {
        case "string":
          return typeof v === "string" && (type.length === undefined || v.length <= type.length);
        case "int":
        case "float":
          return typeof v === "number";
        case "bigInt":
        case "decimal":
          return typeof v === "string" && /^\d+$/.test(v);
        case "boolean":
          return typeof v === "boolean";
        case "json":
          return v === "{}";
        case "enum":
          return typeof v === "string" && type.values.includes(v);
        default:
          return false;
      }
    }
  }
}

/**
 * A foreign key's columns take the referenced columns' types: both servers refuse a key between
 * different types (42804, errno 150), which the generator makes freely. A column under two keys
 * of different types keeps the first key only.
 */
function matchForeignKeyTypes(tables: Table[]): Table[] {
  const result = tables.map((t) => ({ ...t, columns: t.columns.map((c) => ({ ...c })) }));
  const find = (name: string) => result.find((t) => t.name === name);
  for (const table of result) {
    for (const fk of table.foreignKeys) {
      const target = find(fk.referencedTable);
      if (!target) continue;
      fk.columns.forEach((name, i) => {
        const column = table.columns.find((c) => c.name === name);
        const referenced = target.columns.find((c) => c.name === fk.referencedColumns[i]);
        if (!column || !referenced || column === referenced) return;
        column.type = structuredClone(referenced.type);
        column.array = referenced.array;
        column.autoIncrement = false;
        if (referenced.nativeType) column.nativeType = { ...referenced.nativeType };
        else delete column.nativeType;
        column.default = null;
      });
    }
  }
  const sameType = (a: Column, b: Column) =>
    JSON.stringify([a.type, a.array, a.nativeType ?? null]) === JSON.stringify([b.type, b.array, b.nativeType ?? null]);
  return result.map((table) => ({
    ...table,
    foreignKeys: table.foreignKeys.filter((fk) => {
      const target = find(fk.referencedTable);
      return fk.columns.every((name, i) => {
        const column = table.columns.find((c) => c.name === name);
        const referenced = target?.columns.find((c) => c.name === fk.referencedColumns[i]);
        return column !== undefined && referenced !== undefined && sameType(column, referenced);
      });
    }),
  }));
}

/**
 * PostgreSQL: json has no equality operator, so no key or btree index over it (42704); a foreign key
 * over an array column cannot be added to an existing table on PostgreSQL 15 (its validation query
 * fails, 42804 "cannot determine element type of anyarray"), and the DSL has no relation over a list.
 */
function postgresTable(table: Table): Table {
  const arrays = new Set(table.columns.filter((c) => c.array).map((c) => c.name));
  const json = new Set(table.columns.filter((c) => c.type.kind === "json").map((c) => c.name));
  const free = (columns: string[]) => !columns.some((c) => json.has(c));
  return {
    ...table,
    columns: table.columns.map((c) => (c.autoIncrement && c.array ? { ...c, autoIncrement: false } : c)),
    primaryKey: table.primaryKey && free(table.primaryKey.columns) ? table.primaryKey : null,
    uniques: table.uniques.filter((u) => free(u.columns)),
    indexes: table.indexes.filter((i) => free(i.columns)).map((index) => postgresIndex(index, table.columns)),
    foreignKeys: table.foreignKeys.filter((fk) => !fk.columns.some((c) => arrays.has(c))),
  };
}

/**
 * text_pattern_ops only on a text or varchar column (a foreign key may have retyped the column since);
 * char(n) is bpchar and takes bpchar_pattern_ops (42804).
 */
function postgresIndex(index: Index, columns: Column[]): Index {
  const { columnOptions, ...rest } = index;
  const options: Record<string, IndexColumnOptions> = {};
  for (const [name, { opclass, ...kept }] of Object.entries(columnOptions ?? {})) {
    if (opclass !== undefined && isText(columns.find((c) => c.name === name))) options[name] = { ...kept, opclass };
    else if (Object.keys(kept).length > 0) options[name] = kept;
  }
  return Object.keys(options).length > 0 ? { ...rest, columnOptions: options } : rest;
}

/**
 * MySQL: no partial indexes; AUTO_INCREMENT only on one column that leads a key (1075); SET NULL
 * only on nullable columns and no SET DEFAULT in InnoDB (1830, 150); no key over JSON or BLOB
 * without a prefix (1170); a prefix only on a string column.
 */
function mysqlTable(table: Table): Table {
  const unkeyable = new Set(
    table.columns
      .filter((c) => c.type.kind === "json" || c.type.kind === "blob" || c.array || c.nativeType?.mysql)
      .map((c) => c.name),
  );
  const free = (names: string[]) => !names.some((n) => unkeyable.has(n));
  const primaryKey = table.primaryKey && free(table.primaryKey.columns) ? table.primaryKey : null;
  const uniques = table.uniques.filter((u) => free(u.columns));
  const indexes = table.indexes.filter((i) => free(i.columns)).map((index) => mysqlIndex(index, table.columns));
  const leads = new Set(
    [
      ...(primaryKey ? [primaryKey.columns] : []),
      ...uniques.map((u) => u.columns),
      ...indexes.map((i) => i.columns),
    ].map((columns) => columns[0]!),
  );
  let counter = 0;
  const columns = table.columns.map((c) => {
    if (!c.autoIncrement) return c;
    return leads.has(c.name) && counter++ === 0 ? c : { ...c, autoIncrement: false };
  });
  const inKey = new Set(primaryKey?.columns ?? []);
  const nullable = (names: string[]) =>
    names.every((n) => columns.find((c) => c.name === n)?.nullable && !inKey.has(n));
  const action = (value: ReferentialAction, names: string[]): ReferentialAction =>
    value === "setDefault" || (value === "setNull" && !nullable(names)) ? "noAction" : value;
  const foreignKeys = table.foreignKeys
    .filter((fk) => free(fk.columns))
    .map((fk) => ({ ...fk, onDelete: action(fk.onDelete, fk.columns), onUpdate: action(fk.onUpdate, fk.columns) }));
  // MariaDB drops a CHECK naming no column whenever any column of its table is dropped, and refuses
  // one naming an AUTO_INCREMENT column or a column of a foreign key with a CASCADE or SET NULL
  // action (1901; MySQL 3823).
  const passive = (value: ReferentialAction) => value === "noAction" || value === "restrict";
  const refused = new Set([
    ...columns.filter((c) => c.autoIncrement).map((c) => c.name),
    ...foreignKeys.filter((fk) => !passive(fk.onDelete) || !passive(fk.onUpdate)).flatMap((fk) => fk.columns),
  ]);
  const checks = (table.checks ?? []).filter(
    (c) => /[`a-z]/i.test(c.expression) && ![...refused].some((name) => c.expression.includes(quoted("mysql", name))),
  );
  return {
    ...table,
    columns,
    primaryKey,
    uniques,
    indexes,
    ...(checks.length > 0 ? { checks } : { checks: undefined }),
    foreignKeys,
  };
}

function mysqlIndex(index: Index, columns: Column[]): Index {
  const { where: _where, columnOptions, ...rest } = index;
  const options: Record<string, IndexColumnOptions> = {};
  for (const [name, { opclass: _opclass, ...kept }] of Object.entries(columnOptions ?? {})) {
    if (kept.length !== undefined && columns.find((c) => c.name === name)?.type.kind !== "string") delete kept.length;
    if (Object.keys(kept).length > 0) options[name] = kept;
  }
  return Object.keys(options).length > 0 ? { ...rest, columnOptions: options } : rest;
}

/**
 * The snapshot with each CHECK in the canonical spelling the diff compares: MariaDB stores a check
 * rewritten (lower-case keywords, quoted names), which is not a change.
 */
export function canonicalChecks(snapshot: Snapshot): Snapshot {
  return {
    ...snapshot,
    tables: snapshot.tables.map((table) =>
      table.checks
        ? {
            ...table,
            checks: table.checks.map((c) => ({ ...c, expression: canonicalCheckExpression(c.expression) })),
          }
        : table,
    ),
  };
}
