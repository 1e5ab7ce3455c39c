/**
 * Which operations can lose data (or fail on the data already there), and how to say so.
 *
 * Type changes follow one order of widening; anything not clearly widening is narrowing:
 * - string(n) → string(m ≥ n) or unbounded string;
 * - int → bigInt, float, decimal(p, s) with p − s ≥ 10; bigInt → decimal with p − s ≥ 19
 *   (bigInt → float is narrowing: a double holds integers exactly only up to 2^53);
 * - decimal(p, s) → decimal(p', s') with s' ≥ s and p' − s' ≥ p − s;
 * - date → dateTime; dateTime and time to more fractional digits (dateTime keeping its time zone); enum → an enum holding every old value, or a string that fits every value;
 * - every kind but json and blob → unbounded string (its text form loses nothing);
 * - an array flag that changes, either way, is narrowing.
 */
import { type Column, type ColumnType, DEFAULT_TIME_PRECISION, type Snapshot, type Table } from "../schema/snapshot.js";
import { applyOperationWith } from "./apply.js";
import { columnSignature, findTable, keySignatures, nativeTypesEqual, typesEqual } from "./compare.js";
import type { DestructiveChange, Operation, OperationOf } from "./operations.js";

/** How a column's stored values fare under a type change. */
export type TypeChange = "same" | "widening" | "narrowing";

/**
 * Classifies a column's type change by the order in the module comment.
 *
 * @example compareColumnTypes(intColumn, bigIntColumn) // "widening"
 */
export function compareColumnTypes(from: Column, to: Column): TypeChange {
  if (from.array !== to.array) return "narrowing";
  // A native type's conversions are the database's own: nothing says they keep every value.
  if (!nativeTypesEqual(from, to)) return "narrowing";
  if (typesEqual(from.type, to.type)) return "same";
  return widens(from.type, to.type) ? "widening" : "narrowing";
}

/**
 * The destructive changes a list of operations implies, in operation order, walking the schema
 * from `before`: drops of tables, columns and enums, narrowing type changes, NOT NULL on an existing
 * column or a new column without default, enum value removal, and keys added to existing data.
 *
 * @example classifyOperations(before, diff(before, after).operations)
 */
export function classifyOperations(before: Snapshot, operations: readonly Operation[]): DestructiveChange[] {
  const changes: DestructiveChange[] = [];
  const created = new Set<string>();
  // Keys each pre-existing table held (tracked through renames): re-adding one cannot fail.
  const initialKeys = new Map(before.tables.map((t) => [t.name, new Set(keySignatures(t).keys())]));
  let state = before;
  for (const op of operations) {
    if (op.kind === "createTable") created.add(op.table.name);
    if (op.kind === "renameTable") {
      initialKeys.set(op.to, initialKeys.get(op.from) ?? new Set());
      initialKeys.delete(op.from);
    }
    const existing = "table" in op && typeof op.table === "string" && !created.has(op.table);
    changes.push(...classifyOne(state, op, existing, initialKeys));
    state = applyOperationWith(state, op, { references: false });
  }
  return changes;
}

/** A short label of a column's type for messages, e.g. `string(255)`, `enum role`, `enum('a', 'b')`, `int[]`. */
export function typeLabel(column: Column): string {
  const { type } = column;
  const base =
    column.nativeType !== undefined
      ? Object.values(column.nativeType).join("/")
      : type.kind === "string" && type.length !== undefined
        ? `${type.fixed ? "char" : "varchar"}(${type.length})`
        : (type.kind === "dateTime" || type.kind === "time") && type.precision !== undefined
          ? `${type.kind}(${type.precision})`
          : type.kind === "decimal"
            ? `decimal(${type.precision}, ${type.scale})`
            : type.kind === "enum"
              ? // MySQL's enums live inline in the column and have no name: their values say what they are.
                type.name
                ? `enum ${type.name}`
                : `enum(${type.values.map((value) => `'${value}'`).join(", ")})`
              : type.kind;
  return column.array ? `${base}[]` : base;
}

// internal

function classifyOne(
  state: Snapshot,
  op: Operation,
  existing: boolean,
  initialKeys: Map<string, Set<string>>,
): DestructiveChange[] {
  switch (op.kind) {
    case "dropTable":
      return [change("dropTable", op.table.name, undefined, `Table ${op.table.name} is dropped with all its rows.`)];
    case "dropColumn":
      return [
        change(
          "dropColumn",
          op.table,
          op.column.name,
          `Column ${op.table}.${op.column.name} is dropped with its values.`,
        ),
      ];
    case "alterColumn":
      return classifyAlter(op);
    case "addColumn":
      return existing && !op.column.nullable && op.column.default === null && !op.column.autoIncrement
        ? [
            change(
              "addNotNullColumn",
              op.table,
              op.column.name,
              `Column ${op.table}.${op.column.name} is added NOT NULL without a default, which fails if the table has rows.`,
            ),
          ]
        : [];
    case "addUnique":
    case "createIndex":
      return classifyNewKey(op, existing, initialKeys);
    case "addPrimaryKey":
      return existing ? [classifyPrimaryKey(state, op)] : [];
    case "alterEnum":
      return classifyEnumAlter(state, op);
    case "dropEnum":
      return [
        { ...change("dropEnum", op.enum.name, undefined, `Enum ${op.enum.name} is dropped.`), enum: op.enum.name },
      ];
    default:
      return [];
  }
}

function classifyAlter(op: OperationOf<"alterColumn">): DestructiveChange[] {
  const name = `${op.table}.${op.to.name}`;
  const changes: DestructiveChange[] = [];
  if (compareColumnTypes(op.from, op.to) === "narrowing") {
    changes.push(
      change(
        "narrowType",
        op.table,
        op.to.name,
        `Column ${name} changes type from ${typeLabel(op.from)} to ${typeLabel(op.to)}, which can fail on or truncate existing values.`,
      ),
    );
  }
  if (op.from.nullable && !op.to.nullable) {
    changes.push(
      change("setNotNull", op.table, op.to.name, `Column ${name} becomes NOT NULL, which fails if any row holds NULL.`),
    );
  }
  return changes;
}

function classifyNewKey(
  op: OperationOf<"addUnique" | "createIndex">,
  existing: boolean,
  initialKeys: Map<string, Set<string>>,
): DestructiveChange[] {
  const key = op.kind === "addUnique" ? op.unique : op.index;
  if (!existing || (op.kind === "createIndex" && !op.index.unique)) return [];
  if (initialKeys.get(op.table)?.has(columnSignature(key.columns))) return [];
  const what = op.kind === "addUnique" ? "Unique constraint" : "Unique index";
  return [
    change(
      "addUnique",
      op.table,
      key.columns.length === 1 ? key.columns[0] : undefined,
      `${what} ${key.name} on ${op.table} (${key.columns.join(", ")}) is added, which fails if existing rows hold duplicates.`,
    ),
  ];
}

function classifyPrimaryKey(state: Snapshot, op: OperationOf<"addPrimaryKey">): DestructiveChange {
  const table = findTable(state, op.table);
  const columns = op.primaryKey.columns.join(", ");
  const description = table?.primaryKey
    ? `The primary key of ${op.table} changes to (${columns}), which fails if existing rows hold duplicates or NULLs.`
    : `A primary key on ${op.table} (${columns}) is added, which fails if existing rows hold duplicates or NULLs.`;
  return change("changePrimaryKey", op.table, undefined, description);
}

function classifyEnumAlter(state: Snapshot, op: OperationOf<"alterEnum">): DestructiveChange[] {
  const removed = op.from.filter((value) => !op.to.includes(value));
  if (removed.length === 0) return [];
  const users = state.tables.flatMap((t: Table) =>
    t.columns.filter((c) => c.type.kind === "enum" && c.type.name === op.name).map((c) => `${t.name}.${c.name}`),
  );
  const where = users.length > 0 ? `, which fails where rows of ${users.join(", ")} hold them` : "";
  const values = removed.map((v) => `'${v}'`).join(", ");
  return [
    {
      ...change("removeEnumValue", op.name, undefined, `Enum ${op.name} loses ${values}${where}.`),
      enum: op.name,
    },
  ];
}

function change(
  kind: DestructiveChange["kind"],
  table: string,
  column: string | undefined,
  description: string,
): DestructiveChange {
  return column === undefined
    ? { type: "destructive", kind, table, description }
    : { type: "destructive", kind, table, column, description };
}

function widens(from: ColumnType, to: ColumnType): boolean {
  if (to.kind === "string" && to.length === undefined && from.kind !== "json" && from.kind !== "blob") return true;
  switch (from.kind) {
    case "string":
      return to.kind === "string" && from.length !== undefined && to.length !== undefined && to.length >= from.length;
    case "int":
      return to.kind === "bigInt" || to.kind === "float" || (to.kind === "decimal" && to.precision - to.scale >= 10);
    case "bigInt":
      return to.kind === "decimal" && to.precision - to.scale >= 19;
    case "decimal":
      return to.kind === "decimal" && to.scale >= from.scale && to.precision - to.scale >= from.precision - from.scale;
    case "date":
      return to.kind === "dateTime";
    case "dateTime":
      return (
        to.kind === "dateTime" &&
        to.withTimezone === from.withTimezone &&
        (to.precision ?? DEFAULT_TIME_PRECISION) >= (from.precision ?? DEFAULT_TIME_PRECISION)
      );
    case "time":
      return (
        to.kind === "time" && (to.precision ?? DEFAULT_TIME_PRECISION) >= (from.precision ?? DEFAULT_TIME_PRECISION)
      );
    case "enum":
      if (to.kind === "enum") return from.values.every((value) => to.values.includes(value));
      return to.kind === "string" && from.values.every((value) => to.length === undefined || value.length <= to.length);
    default:
      return false;
  }
}
