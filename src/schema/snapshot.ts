/**
 * The dialect-neutral description of a database schema: what `s.model(...)` serialises to,
 * what a dialect's introspection reads back, and what the diff compares.
 *
 * All names are database names (after `.map()`). Arrays are kept in a canonical order
 * (tables, enums, constraints and indexes by name; columns in declaration order) so that
 * the same schema always serialises to the same bytes.
 */

/** Bumped when the snapshot shape changes incompatibly. */
export const SNAPSHOT_VERSION = 1;

export interface Snapshot {
  version: typeof SNAPSHOT_VERSION;
  /** Sorted by name. */
  tables: Table[];
  /** Named enum types (PostgreSQL creates them; MySQL and SQLite inline them in columns). Sorted by name. */
  enums: Enum[];
}

export interface Enum {
  name: string;
  /** In declaration order: PostgreSQL orders enum values. */
  values: string[];
}

export interface Table {
  name: string;
  /** In declaration order. */
  columns: Column[];
  primaryKey: PrimaryKey | null;
  /** Sorted by name. */
  uniques: Unique[];
  /** Sorted by name. */
  indexes: Index[];
  /** Sorted by name. */
  foreignKeys: ForeignKey[];
}

export type ScalarKind =
  | "string"
  | "int"
  | "bigInt"
  | "float"
  | "decimal"
  | "boolean"
  | "dateTime"
  | "date"
  | "time"
  | "json"
  | "blob"
  | "enum";

/** Every scalar kind, in a fixed order (validation and generators share it). */
export const SCALAR_KINDS = [
  "string",
  "int",
  "bigInt",
  "float",
  "decimal",
  "boolean",
  "dateTime",
  "date",
  "time",
  "json",
  "blob",
  "enum",
] as const satisfies readonly ScalarKind[];

export type ColumnType =
  | { kind: "string"; length?: number }
  | { kind: "int" }
  | { kind: "bigInt" }
  | { kind: "float" }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "boolean" }
  | { kind: "dateTime" }
  | { kind: "date" }
  | { kind: "time" }
  | { kind: "json" }
  | { kind: "blob" }
  /** `name` refers to `Snapshot.enums`; `values` repeats its values so a dialect that inlines enums needs no lookup. */
  | { kind: "enum"; name: string; values: string[] };

/**
 * A database-side default.
 * - `literal`: a constant. bigInt and decimal values are decimal strings; json values are JSON text.
 * - `now`: the current timestamp/date/time.
 * - `uuid`: a database-generated uuid (a text column; PostgreSQL `gen_random_uuid()::text`).
 * - `sql`: an expression introspection could not map to the kinds above, kept verbatim.
 */
export type ColumnDefault =
  | { kind: "literal"; value: string | number | boolean }
  | { kind: "now" }
  | { kind: "uuid" }
  | { kind: "sql"; expression: string };

export interface Column {
  name: string;
  type: ColumnType;
  /** A list of `type` (PostgreSQL arrays; other dialects store JSON). */
  array: boolean;
  nullable: boolean;
  default: ColumnDefault | null;
  /** Filled by the database's own sequence (SERIAL/IDENTITY, AUTO_INCREMENT, INTEGER PRIMARY KEY AUTOINCREMENT). */
  autoIncrement: boolean;
}

export interface PrimaryKey {
  /** Dialects name primary keys themselves; the diff compares columns only. */
  columns: string[];
}

export interface Unique {
  name: string;
  columns: string[];
}

export interface Index {
  name: string;
  columns: string[];
  unique: boolean;
  /** Access method, e.g. "btree", "hash", "gin" (PostgreSQL). Absent means the database default. */
  type?: string;
  /** Partial index predicate, SQL as the user wrote it. */
  where?: string;
}

export type ReferentialAction = "cascade" | "restrict" | "noAction" | "setNull" | "setDefault";

/** Every referential action. */
export const REFERENTIAL_ACTIONS = [
  "cascade",
  "restrict",
  "noAction",
  "setNull",
  "setDefault",
] as const satisfies readonly ReferentialAction[];

export interface ForeignKey {
  name: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

/** An empty snapshot: the state before any migration. */
export function emptySnapshot(): Snapshot {
  return { version: SNAPSHOT_VERSION, tables: [], enums: [] };
}

/**
 * The snapshot in canonical order: tables, enums, uniques, indexes and foreign keys sorted by name,
 * columns left in declaration order. Serialisers and introspection readers both end with it, so
 * equal schemas compare equal with a deep equality.
 */
export function canonicalize(snapshot: Snapshot): Snapshot {
  return {
    version: SNAPSHOT_VERSION,
    tables: sortByName(snapshot.tables).map((table) => ({
      ...table,
      uniques: sortByName(table.uniques),
      indexes: sortByName(table.indexes),
      foreignKeys: sortByName(table.foreignKeys),
    })),
    enums: sortByName(snapshot.enums),
  };
}

// internal

function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
