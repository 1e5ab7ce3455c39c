/**
 * The last step of planning: walk the ordered operations over the old schema and give each drop
 * and alter the definition the schema holds at that moment (renames, enum changes and earlier
 * drops included). Operations then fold and invert exactly: `applyOperation` accepts each one,
 * and `invertOperation` rebuilds precisely what was there.
 */
import type { Column, Snapshot, Table } from "../schema/snapshot.js";
import { applyOperationWith } from "./apply.js";
import { findTable } from "./compare.js";
import type { Operation } from "./operations.js";

/**
 * The operations with their carried definitions taken from the schema as it stands when each runs.
 * Throws `INVALID_ARGUMENT` if an operation does not fit (a bug in the plan, never in the input).
 */
export function materialize(before: Snapshot, operations: readonly Operation[]): Operation[] {
  const result: Operation[] = [];
  let state = before;
  for (const operation of operations) {
    const filled = fill(state, operation);
    state = applyOperationWith(state, filled, { references: false });
    result.push(filled);
  }
  return result;
}

// internal

function fill(state: Snapshot, op: Operation): Operation {
  const table = "table" in op && typeof op.table === "string" ? findTable(state, op.table) : undefined;
  switch (op.kind) {
    case "createTable": {
      const columns = op.table.columns.map((c) => withEnumValues(state, c));
      // Unchanged, the operation itself goes on: folding then copies its table once, not per pass.
      if (columns.every((c, i) => c === op.table.columns[i])) return op;
      return { ...op, table: { ...op.table, columns } };
    }
    case "dropTable":
      return { ...op, table: findTable(state, op.table.name) ?? op.table };
    case "addColumn":
      return { ...op, column: withEnumValues(state, op.column) };
    case "dropColumn":
      return { ...op, column: column(table, op.column.name) ?? op.column };
    case "alterColumn":
      return { ...op, from: column(table, op.to.name) ?? op.from, to: withEnumValues(state, op.to) };
    case "dropPrimaryKey":
      return { ...op, primaryKey: table?.primaryKey ?? op.primaryKey };
    case "dropUnique":
      return { ...op, unique: table?.uniques.find((u) => u.name === op.unique.name) ?? op.unique };
    case "dropIndex":
      return { ...op, index: table?.indexes.find((i) => i.name === op.index.name) ?? op.index };
    case "dropCheck":
      return { ...op, check: table?.checks?.find((c) => c.name === op.check.name) ?? op.check };
    case "dropForeignKey":
      return { ...op, foreignKey: table?.foreignKeys.find((f) => f.name === op.foreignKey.name) ?? op.foreignKey };
    case "dropEnum":
      return { ...op, enum: state.enums.find((e) => e.name === op.enum.name) ?? op.enum };
    case "alterEnum":
      return { ...op, from: state.enums.find((e) => e.name === op.name)?.values ?? op.from };
    default:
      return op;
  }
}

function column(table: Table | undefined, name: string): Column | undefined {
  return table?.columns.find((c) => c.name === name);
}

/** A column's enum values as the schema holds them now (a removal may still be pending). */
function withEnumValues(state: Snapshot, column: Column): Column {
  if (column.type.kind !== "enum") return column;
  const { name } = column.type;
  const current = state.enums.find((e) => e.name === name);
  return current ? { ...column, type: { kind: "enum", name, values: [...current.values] } } : column;
}
