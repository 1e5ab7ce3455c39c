/**
 * Hand-built snapshots for the diff tests (the schema DSL is not used here on purpose: the diff
 * is tested on snapshots alone).
 */
import type { Operation } from "../../src/diff/index.js";
import type { Column, ColumnType, ForeignKey, Snapshot, Table } from "../../src/schema/snapshot.js";
import { canonicalize } from "../../src/schema/snapshot.js";

export function col(name: string, type: ColumnType | ColumnType["kind"] = "int", extra: Partial<Column> = {}): Column {
  const columnType = typeof type === "string" ? ({ kind: type } as ColumnType) : type;
  return { name, type: columnType, array: false, nullable: false, default: null, autoIncrement: false, ...extra };
}

/** A table whose primary key is its first column unless `extra.primaryKey` says otherwise. */
export function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return {
    name,
    columns,
    primaryKey: columns[0] ? { columns: [columns[0].name] } : null,
    uniques: [],
    indexes: [],
    foreignKeys: [],
    ...extra,
  };
}

export function fk(name: string, columns: string[], referencedTable: string, referencedColumns = ["id"]): ForeignKey {
  return { name, columns, referencedTable, referencedColumns, onDelete: "cascade", onUpdate: "noAction" };
}

export function snapshot(tables: Table[], enums: Snapshot["enums"] = []): Snapshot {
  return canonicalize({ version: 1, tables, enums });
}

export function enumType(name: string, values: string[]): ColumnType {
  return { kind: "enum", name, values };
}

/** The kinds of the operations, for compact assertions. */
export function kinds(operations: { kind: string }[]): string[] {
  return operations.map((op) => op.kind);
}

/** `kind table.object` labels of operations, for order assertions. */
export function labels(operations: Operation[]): string[] {
  return operations.map(label);
}

function label(op: Operation): string {
  switch (op.kind) {
    case "createTable":
    case "dropTable":
      return `${op.kind} ${op.table.name}`;
    case "renameTable":
      return `${op.kind} ${op.from}->${op.to}`;
    case "renameColumn":
      return `${op.kind} ${op.table}.${op.from}->${op.to}`;
    case "addColumn":
    case "dropColumn":
      return `${op.kind} ${op.table}.${op.column.name}`;
    case "alterColumn":
      return `${op.kind} ${op.table}.${op.to.name}`;
    case "addPrimaryKey":
    case "dropPrimaryKey":
      return `${op.kind} ${op.table}`;
    case "addUnique":
    case "dropUnique":
      return `${op.kind} ${op.table}.${op.unique.name}`;
    case "createIndex":
    case "dropIndex":
      return `${op.kind} ${op.table}.${op.index.name}`;
    case "addForeignKey":
    case "dropForeignKey":
      return `${op.kind} ${op.table}.${op.foreignKey.name}`;
    case "createEnum":
    case "dropEnum":
      return `${op.kind} ${op.enum.name}`;
    case "alterEnum":
      return `${op.kind} ${op.name}`;
    case "addCheck":
    case "dropCheck":
      return `${op.kind} ${op.table}.${op.check.name}`;
    case "createExtension":
      return `${op.kind} ${op.name}`;
  }
}
