/**
 * The operations the diff produces and every dialect turns into DDL. A discriminated union:
 * each dialect's `ddl()` switches over `kind` exhaustively, so a new operation does not compile
 * until every dialect handles it.
 *
 * Drops and alters carry the full previous definition, so a down migration (and MySQL's undo)
 * can be derived from the operation alone.
 */
import type { Check, Column, Enum, ForeignKey, Index, PrimaryKey, Table, Unique } from "../schema/snapshot.js";

export type Operation =
  /** `table` holds columns, primary key, uniques, indexes and foreign keys (the diff has removed
   * any foreign key that must wait for a table created later: it comes as `addForeignKey`). */
  | { kind: "createTable"; table: Table }
  | { kind: "dropTable"; table: Table }
  | { kind: "renameTable"; from: string; to: string }
  | { kind: "addColumn"; table: string; column: Column }
  | { kind: "dropColumn"; table: string; column: Column }
  | { kind: "renameColumn"; table: string; from: string; to: string }
  /** Type, nullability, default or auto-increment changed; the name is the same. */
  | { kind: "alterColumn"; table: string; from: Column; to: Column }
  | { kind: "addPrimaryKey"; table: string; primaryKey: PrimaryKey }
  | { kind: "dropPrimaryKey"; table: string; primaryKey: PrimaryKey }
  | { kind: "addUnique"; table: string; unique: Unique }
  | { kind: "dropUnique"; table: string; unique: Unique }
  | { kind: "createIndex"; table: string; index: Index }
  | { kind: "dropIndex"; table: string; index: Index }
  | { kind: "addForeignKey"; table: string; foreignKey: ForeignKey }
  | { kind: "dropForeignKey"; table: string; foreignKey: ForeignKey }
  | { kind: "createEnum"; enum: Enum }
  | { kind: "dropEnum"; enum: Enum }
  /** Values added and/or removed. Columns using the enum are found in the DDL context. */
  | { kind: "alterEnum"; name: string; from: string[]; to: string[] }
  /** A CHECK constraint on an existing table (a new table carries its checks). */
  | { kind: "addCheck"; table: string; check: Check }
  | { kind: "dropCheck"; table: string; check: Check }
  /** A PostgreSQL extension, created if missing; plans never drop one (other schemas may use it). */
  | { kind: "createExtension"; name: string };

export type OperationKind = Operation["kind"];

/** The operation of one kind, e.g. `OperationOf<"addColumn">`. */
export type OperationOf<K extends OperationKind> = Extract<Operation, { kind: K }>;

/**
 * A change that needs a decision, handed to the user's `resolve` callback.
 * Names are database names.
 */
export type Change = DestructiveChange | AmbiguousChange;

export interface DestructiveChange {
  type: "destructive";
  kind:
    | "dropTable"
    | "dropColumn"
    | "narrowType"
    | "setNotNull"
    | "removeEnumValue"
    | "dropEnum"
    | "addNotNullColumn"
    | "addUnique"
    | "changePrimaryKey";
  /** For enum changes (`removeEnumValue`, `dropEnum`), the enum's name (also in `enum`). */
  table: string;
  column?: string;
  /** The enum a `removeEnumValue` or `dropEnum` change is about. */
  enum?: string;
  description: string;
  /** Rows in the table, counted by push (absent where nobody counted: generate, enum changes). */
  rows?: number;
  /** Non-null values in the column, counted by push for a dropped, narrowed or NOT NULL column. */
  values?: number;
}

export interface AmbiguousChange {
  type: "ambiguous";
  kind: "renameTable" | "renameColumn";
  table: string;
  from: string;
  to: string;
  description: string;
}

export type DestructiveDecision = "proceed" | "reject";
export type AmbiguousDecision = "rename" | "addAndDrop" | "reject";

/**
 * The user's decision callback, shared by push and generate: called once per change that can
 * lose data (answer "proceed" | "reject") or may be a rename (answer "rename" | "addAndDrop" | "reject").
 * Answering `undefined` leaves the change undecided, for `force` to decide (or to fail without it).
 */
export type ResolveFn = (
  change: Change,
) => DestructiveDecision | AmbiguousDecision | undefined | Promise<DestructiveDecision | AmbiguousDecision | undefined>;
