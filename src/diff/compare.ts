/**
 * Equality as the database sees it: the attributes that change DDL, and nothing else.
 * Primary keys compare by columns (dialects name them); uniques, indexes and foreign keys by
 * name and definition, so a changed definition is a drop and a create.
 */
import type {
  Check,
  Column,
  ColumnDefault,
  ColumnType,
  ForeignKey,
  Index,
  PrimaryKey,
  Snapshot,
  Table,
  Unique,
} from "../schema/snapshot.js";
import { isIndexExpression } from "../schema/snapshot.js";
import { canonicalCheckExpression } from "./check-expression.js";

export { canonicalCheckExpression };

/** True when two column types are the same to the database (enum by name and values). */
export function typesEqual(a: ColumnType, b: ColumnType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "string" && b.kind === "string") return a.length === b.length && a.fixed === b.fixed;
  if (a.kind === "dateTime" && b.kind === "dateTime")
    return a.withTimezone === b.withTimezone && a.precision === b.precision;
  if (a.kind === "time" && b.kind === "time") return a.precision === b.precision;
  if (a.kind === "decimal" && b.kind === "decimal") return a.precision === b.precision && a.scale === b.scale;
  if (a.kind === "enum" && b.kind === "enum") return a.name === b.name && sameList(a.values, b.values);
  return true;
}

/** True when two column defaults are the same. */
export function defaultsEqual(a: ColumnDefault | null, b: ColumnDefault | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind !== b.kind) return false;
  if (a.kind === "literal" && b.kind === "literal") return a.value === b.value;
  if (a.kind === "sql" && b.kind === "sql") return a.expression === b.expression;
  return true;
}

/** True when the column's type (or array flag, or native type) differs: the change that rewrites stored values. */
export function typeChanged(a: Column, b: Column): boolean {
  return a.array !== b.array || !typesEqual(a.type, b.type) || !nativeTypesEqual(a, b);
}

/** True when two columns name the same native types (absent and empty are the same). */
export function nativeTypesEqual(a: Pick<Column, "nativeType">, b: Pick<Column, "nativeType">): boolean {
  const left = a.nativeType ?? {};
  const right = b.nativeType ?? {};
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]) as Set<keyof typeof left>;
  return [...keys].every((key) => left[key] === right[key]);
}

/** True when two columns are the same (name included). */
export function columnsEqual(a: Column, b: Column): boolean {
  return (
    a.name === b.name &&
    !typeChanged(a, b) &&
    a.nullable === b.nullable &&
    a.autoIncrement === b.autoIncrement &&
    defaultsEqual(a.default, b.default) &&
    sameGenerated(a.generated, b.generated)
  );
}

/** Generated columns compare by storage and expression (as checks do: servers store it rewritten). */
function sameGenerated(a: Column["generated"], b: Column["generated"]): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.stored === b.stored && sameFragment(a.expression, b.expression);
}

/** True when two primary keys (or their absence) are the same: same columns in the same order. */
export function primaryKeysEqual(a: PrimaryKey | null, b: PrimaryKey | null): boolean {
  if (a === null || b === null) return a === b;
  return sameList(a.columns, b.columns);
}

/** True when two unique constraints have the same name and columns. */
export function uniquesEqual(a: Unique, b: Unique): boolean {
  return a.name === b.name && sameList(a.columns, b.columns);
}

/** True when two indexes have the same name and definition. */
export function indexesEqual(a: Index, b: Index): boolean {
  return (
    a.name === b.name &&
    a.unique === b.unique &&
    a.columns.length === b.columns.length &&
    a.columns.every((part, i) => sameKeyPart(part, b.columns[i]!)) &&
    (a.type ?? null) === (b.type ?? null) &&
    sameFragment(a.where, b.where) &&
    columnOptionsEqual(a, b)
  );
}

/** Key parts compare exactly, expressions as checks do: PostgreSQL prints `lower(email)` as `lower(email::text)`. */
function sameKeyPart(a: string, b: string): boolean {
  return a === b || (isIndexExpression(a) && isIndexExpression(b) && sameFragment(a, b));
}

/** Partial-index predicates compare like checks: servers store them rewritten (SQLite quotes a renamed column). */
function sameFragment(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || canonicalCheckExpression(a) === canonicalCheckExpression(b);
}

/** True when two indexes give their key parts the same options (sort order, operator class, prefix length), part by part. */
function columnOptionsEqual(a: Index, b: Index): boolean {
  return a.columns.every((part, i) => {
    const x = a.columnOptions?.[part] ?? {};
    const y = b.columnOptions?.[b.columns[i]!] ?? {};
    return x.order === y.order && x.opclass === y.opclass && x.length === y.length;
  });
}

/**
 * True when two CHECK constraints have the same name and expression. Expressions compare in a
 * canonical form (see `canonicalCheckExpression`), because servers store them rewritten: MariaDB
 * keeps "price > 0" as "`price` > 0".
 */
export function checksEqual(a: Check, b: Check): boolean {
  return a.name === b.name && canonicalCheckExpression(a.expression) === canonicalCheckExpression(b.expression);
}

/** True when two foreign keys have the same name and definition. */
export function foreignKeysEqual(a: ForeignKey, b: ForeignKey): boolean {
  return (
    a.name === b.name &&
    a.referencedTable === b.referencedTable &&
    sameList(a.columns, b.columns) &&
    sameList(a.referencedColumns, b.referencedColumns) &&
    a.onDelete === b.onDelete &&
    a.onUpdate === b.onUpdate
  );
}

/** True when two tables are the same, column order included. */
export function tablesEqual(a: Table, b: Table): boolean {
  if (a === b) return true;
  return (
    a.name === b.name &&
    a.columns.length === b.columns.length &&
    a.columns.every((column, i) => columnsEqual(column, b.columns[i]!)) &&
    primaryKeysEqual(a.primaryKey, b.primaryKey) &&
    sameBy(a.uniques, b.uniques, uniquesEqual) &&
    sameBy(a.indexes, b.indexes, indexesEqual) &&
    sameBy(a.foreignKeys, b.foreignKeys, foreignKeysEqual) &&
    sameBy(a.checks ?? [], b.checks ?? [], checksEqual)
  );
}

/**
 * The keys of a table an FK can reference, as column-set signatures: the primary key, uniques and
 * unique indexes. An FK depends on the key whose signature equals its referenced columns'.
 */
export function keySignatures(table: Table): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const add = (label: string, columns: string[]) => {
    const signature = columnSignature(columns);
    keys.set(signature, [...(keys.get(signature) ?? []), label]);
  };
  if (table.primaryKey) add("primaryKey", table.primaryKey.columns);
  for (const unique of table.uniques) add(`unique:${unique.name}`, unique.columns);
  for (const index of table.indexes) if (index.unique) add(`index:${index.name}`, index.columns);
  return keys;
}

/** An order-insensitive signature of a column set. */
export function columnSignature(columns: readonly string[]): string {
  return JSON.stringify([...columns].sort(compareNames));
}

/** Finds a table by name. */
export function findTable(snapshot: Snapshot, name: string): Table | undefined {
  return snapshot.tables.find((table) => table.name === name);
}

/**
 * Where `name` is, or would be inserted, in `items` sorted by name (a canonical snapshot's lists):
 * a binary search, since folding a plan looks tables up at every step.
 */
export function sortedIndex(items: readonly { name: string }[], name: string): number {
  let low = 0;
  let high = items.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (items[middle]!.name < name) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** {@link findTable} for a canonical snapshot (tables sorted by name). */
export function findSortedTable(snapshot: Snapshot, name: string): Table | undefined {
  const table = snapshot.tables[sortedIndex(snapshot.tables, name)];
  return table?.name === name ? table : undefined;
}

/** Code-unit order, the same on every machine and locale (never `localeCompare`). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares tuples of names left to right. */
export function compareTuples(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareNames(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** True when two string lists are equal element by element. */
export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

// internal

function sameBy<T>(a: readonly T[], b: readonly T[], equal: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((item, i) => equal(item, b[i]!));
}
