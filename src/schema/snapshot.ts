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
  /**
   * PostgreSQL extensions the schema needs (`createClient({ extensions })`), sorted; created when
   * missing, never dropped by a plan. Absent when none.
   */
  extensions?: string[];
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
  /** CHECK constraints from `model.check(name, sql)`, sorted by name. Absent when none. */
  checks?: Check[];
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
  /** `length`: VARCHAR(n), or CHAR(n) with `fixed` (`s.string().varchar(n)` / `.char(n)`); TEXT without. */
  | { kind: "string"; length?: number; fixed?: true }
  | { kind: "int" }
  | { kind: "bigInt" }
  | { kind: "float" }
  | { kind: "decimal"; precision: number; scale: number }
  | { kind: "boolean" }
  /**
   * `withTimezone: false` from `.withoutTimezone()` (PostgreSQL `timestamp`; the default, absent, is
   * `timestamptz`). `precision`: fractional-second digits 0–6; absent means the default, 3.
   */
  | { kind: "dateTime"; withTimezone?: false; precision?: number }
  | { kind: "date" }
  /** `precision`: fractional-second digits 0–6; absent means the default, 3. */
  | { kind: "time"; precision?: number }
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
  /**
   * `nativeType({ mysql: "LONGTEXT", postgres: "citext" })`: the DDL type on those dialects, used
   * instead of the kind's mapping there. A dialect's `normalize` keeps only its own entry, in the
   * spelling its introspection reads back. Absent when none.
   */
  nativeType?: NativeTypes;
  /**
   * A generated (computed) column: its value is `expression` over the row, `stored` or computed
   * on read (MySQL's VIRTUAL), never written by inserts; it has no default. Read from a live
   * database or hand-written SQL only (PostgreSQL and MySQL): the schema cannot declare one, and
   * push and generate keep it as they found it.
   */
  generated?: { expression: string; stored: boolean };
}

/** Fractional-second digits of dateTime and time without `precision()`: a JavaScript Date's milliseconds. */
export const DEFAULT_TIME_PRECISION = 3;

/** A native DDL type per dialect (keys are dialect names). */
export type NativeTypes = { postgres?: string; mysql?: string; sqlite?: string };

export interface PrimaryKey {
  /** Dialects name primary keys themselves; the diff compares columns only. */
  columns: string[];
}

export interface Unique {
  name: string;
  columns: string[];
  /**
   * SQLite: declared inside the table (a column's `UNIQUE`, or `UNIQUE (…)`), as tables made by hand
   * often have it, rather than by `CREATE UNIQUE INDEX`: its index cannot be dropped, only the table
   * rebuilt without it. Read from a live database or hand-written SQL only; never compared.
   */
  inline?: true;
}

/**
 * Whether an index's key part is an expression rather than a column name (see `Index.columns`).
 *
 * @example isIndexExpression("lower(email)") // → true
 */
export function isIndexExpression(part: string): boolean {
  return part.includes("(");
}

export interface Index {
  name: string;
  /**
   * Column names, in key order. An entry with a parenthesis is an expression key part, as the
   * database prints it (`lower(email)`, `(a + b)`): only a live database or hand-written SQL has
   * one; the schema cannot declare it.
   */
  columns: string[];
  unique: boolean;
  /** Access method, e.g. "btree", "hash", "gin" (PostgreSQL). Absent means the database default. */
  type?: string;
  /** Partial index predicate, SQL as the user wrote it. */
  where?: string;
  /**
   * Per-column options by column name, only for columns that have any (an entry is never empty;
   * absent when no column has options): sort order, PostgreSQL operator class, MySQL prefix length.
   */
  columnOptions?: Record<string, IndexColumnOptions>;
}

/** Options of one index column; an absent key means the default (ascending, default opclass, whole value). */
export interface IndexColumnOptions {
  order?: "desc";
  /** PostgreSQL operator class, e.g. "gin_trgm_ops". */
  opclass?: string;
  /** MySQL prefix length in characters. */
  length?: number;
}

/** A CHECK constraint: `expression` is SQL naming database columns, as the user wrote it. */
export interface Check {
  name: string;
  expression: string;
  /**
   * MariaDB: the check is written in this column's definition (`qty INT CHECK (qty > 0)`, named
   * after the column) rather than as a table constraint. `DROP CONSTRAINT` cannot remove such a
   * check and every `MODIFY` of the column that does not repeat it removes it, so the DDL re-states
   * the column instead. Read from a live database or hand-written SQL only; never compared.
   */
  column?: string;
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
  const canonical: Snapshot = {
    version: SNAPSHOT_VERSION,
    tables: sortByName(snapshot.tables).map((table) => {
      const { checks, ...rest } = table;
      const sorted: Table = {
        ...rest,
        uniques: sortByName(table.uniques),
        indexes: sortByName(table.indexes),
        foreignKeys: sortByName(table.foreignKeys),
      };
      // Absent and empty mean the same; only the absent form is canonical, so equal schemas stay deep-equal.
      if (checks && checks.length > 0) sorted.checks = sortByName(checks);
      return sorted;
    }),
    enums: sortByName(snapshot.enums),
  };
  if (snapshot.extensions && snapshot.extensions.length > 0)
    canonical.extensions = [...new Set(snapshot.extensions)].sort();
  return canonical;
}

// internal

function sortByName<T extends { name: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
