/**
 * A stricter fold than `applyOperations`, standing in for a database running the operations one
 * by one: besides what `applyOperation` refuses, it checks after each step the rules PostgreSQL,
 * MySQL and SQLite enforce: a foreign key points at a key of its table, enum columns use an
 * existing enum, index and constraint names are unique schema-wide, and no column changes type
 * while a foreign key uses it. A rule is checked only when both ends of the plan satisfy it.
 */
import { applyOperation, type Operation } from "../../src/diff/index.js";
import type { Snapshot } from "../../src/schema/snapshot.js";

type Rule = (s: Snapshot) => string | null;

const RULES: Record<string, Rule> = {
  "foreign keys point at keys": (s) => {
    for (const table of s.tables) {
      for (const fk of table.foreignKeys) {
        const target = s.tables.find((t) => t.name === fk.referencedTable);
        const wanted = JSON.stringify([...fk.referencedColumns].sort());
        const keys = [
          ...(target?.primaryKey ? [target.primaryKey.columns] : []),
          ...(target?.uniques ?? []).map((u) => u.columns),
          ...(target?.indexes ?? []).filter((i) => i.unique).map((i) => i.columns),
        ];
        if (!keys.some((k) => JSON.stringify([...k].sort()) === wanted)) return `${table.name}.${fk.name}`;
      }
    }
    return null;
  },
  "enum columns use an existing enum": (s) => {
    for (const table of s.tables) {
      for (const column of table.columns) {
        if (column.type.kind !== "enum") continue;
        const { name, values } = column.type;
        const found = s.enums.find((e) => e.name === name);
        if (!found || JSON.stringify(found.values) !== JSON.stringify(values)) return `${table.name}.${column.name}`;
      }
    }
    return null;
  },
  "index names are unique schema-wide": (s) =>
    duplicate(s.tables.flatMap((t) => [...t.uniques, ...t.indexes].map((k) => k.name))),
  "foreign key names are unique schema-wide": (s) =>
    duplicate(s.tables.flatMap((t) => t.foreignKeys.map((f) => f.name))),
};

/**
 * Folds `operations` over `start` like a database would, throwing on the first step that breaks
 * a rule; returns the end state.
 */
export function runLikeDatabase(start: Snapshot, operations: readonly Operation[], end: Snapshot): Snapshot {
  const active = Object.entries(RULES).filter(([, rule]) => rule(start) === null && rule(end) === null);
  let state = start;
  for (const [i, op] of operations.entries()) {
    if (op.kind === "alterColumn") checkNoForeignKeyOnRetypedColumn(state, op, i);
    state = applyOperation(state, op);
    for (const [name, rule] of active) {
      const broken = rule(state);
      if (broken) throw new Error(`step ${i} (${op.kind}) breaks "${name}" at ${broken}`);
    }
  }
  return state;
}

// internal

function checkNoForeignKeyOnRetypedColumn(state: Snapshot, op: Operation & { kind: "alterColumn" }, i: number): void {
  const retyped = op.from.array !== op.to.array || JSON.stringify(op.from.type) !== JSON.stringify(op.to.type);
  if (!retyped) return;
  for (const table of state.tables) {
    for (const fk of table.foreignKeys) {
      const own = table.name === op.table && fk.columns.includes(op.to.name);
      const referenced = fk.referencedTable === op.table && fk.referencedColumns.includes(op.to.name);
      if (own || referenced) throw new Error(`step ${i} retypes ${op.table}.${op.to.name} under ${fk.name}`);
    }
  }
}

function duplicate(names: string[]): string | null {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}
