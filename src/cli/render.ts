/**
 * Human-readable forms of plans, decisions, migrations and status, and the plan's JSON form.
 */
import type { Column, Driver, Table } from "../index.js";
import type { Change, DestructiveChange, Migration, MigrationStatus, Operation } from "../runtime/index.js";
import type { DecisionRecord } from "./decisions.js";
import type { Palette } from "./output.js";

/** One operation as a plan line. */
export interface PlanStep {
  kind: Operation["kind"];
  /** What it does, in words. */
  summary: string;
  /** It can lose data (it is one of the destructive changes). */
  destructive: boolean;
  /** Rows in the table it loses data from, where push counted them. */
  rows?: number;
  /** Non-null values in the column it loses data from, where push counted them. */
  values?: number;
}

/** The operations grouped by the table (or enum type) they touch, in plan order of first appearance. */
export interface PlanGroup {
  /** A table name, or `enum <name>`. */
  object: string;
  steps: PlanStep[];
}

/**
 * Groups operations by table, marking the ones a destructive change is about.
 *
 * @example groupPlan(result.operations, result.changes) // → [{ object: "users", steps: [...] }]
 */
export function groupPlan(operations: readonly Operation[], changes: readonly Change[]): PlanGroup[] {
  const groups = new Map<string, PlanStep[]>();
  for (const operation of operations) {
    const object = objectOf(operation);
    const steps = groups.get(object) ?? [];
    const about = changes.find((change) => isAbout(change, operation));
    const facts = about?.type === "destructive" ? about : undefined;
    steps.push({
      kind: operation.kind,
      summary: summarize(operation),
      destructive: about !== undefined,
      ...(facts?.rows === undefined ? {} : { rows: facts.rows }),
      ...(facts?.values === undefined ? {} : { values: facts.values }),
    });
    groups.set(object, steps);
  }
  return [...groups].map(([object, steps]) => ({ object, steps }));
}

/** The plan as lines: each table, then its steps (`+` adds, `-` drops, `~` changes, `!` loses data). */
export function planLines(groups: readonly PlanGroup[], color: Palette): string[] {
  const lines: string[] = [];
  for (const group of groups) {
    lines.push(`  ${color.bold(group.object)}`);
    for (const step of group.steps) {
      const mark = step.destructive ? color.red("!") : markOf(step.kind, color);
      const facts = countsText(step);
      const loss = facts === undefined ? "(data loss)" : `(data loss: ${facts})`;
      const text = step.destructive ? `${step.summary} ${color.red(loss)}` : step.summary;
      lines.push(`    ${mark} ${text}`);
    }
  }
  return lines;
}

/** The decisions taken (by flag or prompt), one line each. */
export function decisionLines(record: DecisionRecord, color: Palette): string[] {
  return [...record.decisions.values()].map(({ change, decision, by }) => {
    const how = by === "flag" ? color.dim(" (flag)") : "";
    if (change.type === "ambiguous") {
      const pair =
        change.kind === "renameTable"
          ? `${change.from} → ${change.to}`
          : `${change.table}.${change.from} → ${change.to}`;
      const verdict = decision === "rename" ? "renamed" : "not a rename (added and dropped)";
      return `  ${color.yellow("?")} ${pair}: ${verdict}${how}`;
    }
    return `  ${color.red("!")} ${describeChange(change)} → ${decision}${how}`;
  });
}

/**
 * The counts a data-loss change carries, e.g. "3 rows, 2 non-null values", or `undefined` when
 * nobody counted (generate; enum changes).
 *
 * @example countsText({ rows: 3, values: 2 }) // → "3 rows, 2 non-null values"
 */
export function countsText(facts: { kind?: string; rows?: number; values?: number }): string | undefined {
  if (facts.rows === undefined) return undefined;
  const rows = plural(facts.rows, "row");
  if (facts.values === undefined) return rows;
  // For a column becoming NOT NULL, the NULLs are what make it fail.
  if (facts.kind === "setNotNull") return `${rows}, ${facts.rows - facts.values} NULL`;
  return `${rows}, ${plural(facts.values, "non-null value")}`;
}

/**
 * A change's description with its counts, e.g. "Column users.name is dropped with its values
 * (3 rows, 2 non-null values)." (the description alone when nobody counted).
 */
export function describeChange(change: {
  type: string;
  kind?: string;
  description: string;
  rows?: number;
  values?: number;
}): string {
  const text = change.type === "destructive" ? countsText(change) : undefined;
  if (text === undefined) return change.description;
  return `${change.description.replace(/\.$/, "")} (${text}).`;
}

/**
 * The database a driver talks to, for a question before destroying data: name, host and driver,
 * never a user, password or token, e.g. "test on 127.0.0.1:5432 (pg)" or "app.db (sqlite3)".
 *
 * @example databaseLabel(client.$driver) // → "shop on db.example.com:5432 (pg)"
 */
export function databaseLabel(driver: Driver): string {
  const { host, database } = driver.target ?? {};
  const name = database ? database : "the database";
  return `${name}${host ? ` on ${host}` : ""} (${driver.name})`;
}

/** What a destructive command drops, one line each with its counts. */
export function lossLines(changes: readonly DestructiveChange[], color: Palette): string[] {
  return changes.map((change) => `  ${color.red("!")} ${describeChange(change)}`);
}

/** SQL statements, each ending in `;`, every line indented by `indent`. */
export function sqlLines(statements: readonly string[], color: Palette, indent = "  "): string[] {
  return statements.flatMap((statement) => `${statement};`.split("\n").map((line) => `${indent}${color.cyan(line)}`));
}

/** Migration ids, one per line. */
export function migrationLines(migrations: readonly Migration[], mark: string): string[] {
  return migrations.map((migration) => `  ${mark} ${migration.id}`);
}

/** The status table: id, state and when it was applied. */
export function statusLines(rows: readonly MigrationStatus[], color: Palette): string[] {
  if (rows.length === 0) return ["No migrations yet: create one with `viborm migrate generate --name <name>`."];
  const width = Math.max(...rows.map((row) => row.id.length), 2);
  const paint: Record<MigrationStatus["state"], (text: string) => string> = {
    applied: color.green,
    pending: color.yellow,
    modified: color.red,
    missing: color.red,
  };
  const header = color.dim(`  ${"ID".padEnd(width)}  ${"STATE".padEnd(8)}  APPLIED AT`);
  return [
    header,
    ...rows.map(
      (row) =>
        `  ${row.id.padEnd(width)}  ${paint[row.state](row.state.padEnd(8))}  ${row.appliedAt ?? ""}${
          row.interrupted
            ? color.red(
                "  interrupted: a killed run left it half-done; the next apply, rollback or push finishes undoing it",
              )
            : ""
        }`,
    ),
  ];
}

/** Counts by state. */
export function statusSummary(rows: readonly MigrationStatus[]): Record<MigrationStatus["state"], number> {
  const counts = { applied: 0, pending: 0, modified: 0, missing: 0 };
  for (const row of rows) counts[row.state] += 1;
  return counts;
}

/** "1 migration", "3 statements". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

// internal

function objectOf(operation: Operation): string {
  switch (operation.kind) {
    case "createTable":
    case "dropTable":
      return operation.table.name;
    case "renameTable":
      return operation.to;
    case "createEnum":
    case "dropEnum":
      return `enum ${operation.enum.name}`;
    case "alterEnum":
      return `enum ${operation.name}`;
    case "createExtension":
      return `extension ${operation.name}`;
    default:
      return operation.table;
  }
}

function summarize(operation: Operation): string {
  switch (operation.kind) {
    case "createTable":
      return `create table (${tableParts(operation.table).join(", ")})`;
    case "dropTable":
      return "drop table";
    case "renameTable":
      return `rename table ${operation.from} → ${operation.to}`;
    case "addColumn":
      return `add column ${operation.column.name} ${typeOf(operation.column)}`;
    case "dropColumn":
      return `drop column ${operation.column.name}`;
    case "renameColumn":
      return `rename column ${operation.from} → ${operation.to}`;
    case "alterColumn":
      return `alter column ${operation.to.name} (${alteration(operation.from, operation.to)})`;
    case "addPrimaryKey":
      return `add primary key (${operation.primaryKey.columns.join(", ")})`;
    case "dropPrimaryKey":
      return `drop primary key (${operation.primaryKey.columns.join(", ")})`;
    case "addUnique":
      return `add unique ${operation.unique.name} (${operation.unique.columns.join(", ")})`;
    case "dropUnique":
      return `drop unique ${operation.unique.name}`;
    case "createIndex":
      return `create ${operation.index.unique ? "unique " : ""}index ${operation.index.name} (${operation.index.columns.join(", ")})`;
    case "dropIndex":
      return `drop index ${operation.index.name}`;
    case "addForeignKey":
      return `add foreign key (${operation.foreignKey.columns.join(", ")}) → ${operation.foreignKey.referencedTable}`;
    case "dropForeignKey":
      return `drop foreign key ${operation.foreignKey.name}`;
    case "createEnum":
      return `create enum (${operation.enum.values.join(", ")})`;
    case "dropEnum":
      return "drop enum";
    case "alterEnum":
      return `alter enum (${operation.from.join(", ")}) → (${operation.to.join(", ")})`;
    case "addCheck":
      return `add check ${operation.check.name} (${operation.check.expression})`;
    case "dropCheck":
      return `drop check ${operation.check.name}`;
    case "createExtension":
      return "create extension if missing";
  }
}

function tableParts(table: Table): string[] {
  const { columns, uniques, indexes, foreignKeys } = table;
  return [
    plural(columns.length, "column"),
    uniques.length > 0 ? plural(uniques.length, "unique") : "",
    indexes.length > 0 ? `${indexes.length} ${indexes.length === 1 ? "index" : "indexes"}` : "",
    foreignKeys.length > 0 ? plural(foreignKeys.length, "foreign key") : "",
  ].filter(Boolean);
}

function typeOf(column: Column): string {
  const base = column.type.kind === "enum" ? `enum ${column.type.name}` : column.type.kind;
  return `${base}${column.array ? "[]" : ""}${column.nullable ? "?" : ""}`;
}

function alteration(from: Column, to: Column): string {
  const parts: string[] = [];
  if (typeOf({ ...from, nullable: false }) !== typeOf({ ...to, nullable: false })) {
    parts.push(`${typeOf({ ...from, nullable: false })} → ${typeOf({ ...to, nullable: false })}`);
  }
  if (from.nullable !== to.nullable) parts.push(to.nullable ? "nullable" : "not null");
  if (JSON.stringify(from.default) !== JSON.stringify(to.default)) parts.push("default");
  if (from.autoIncrement !== to.autoIncrement) parts.push(to.autoIncrement ? "auto-increment" : "no auto-increment");
  return parts.join(", ") || "definition";
}

/** Which operations each destructive change kind is about. */
const DESTRUCTIVE_OPERATIONS: Record<string, readonly Operation["kind"][]> = {
  dropTable: ["dropTable"],
  dropColumn: ["dropColumn"],
  narrowType: ["alterColumn"],
  setNotNull: ["alterColumn"],
  removeEnumValue: ["alterEnum"],
  dropEnum: ["dropEnum"],
  addNotNullColumn: ["addColumn"],
  addUnique: ["addUnique", "createIndex"],
  changePrimaryKey: ["dropPrimaryKey", "addPrimaryKey"],
};

function isAbout(change: Change, operation: Operation): boolean {
  if (change.type !== "destructive") return false;
  if (!DESTRUCTIVE_OPERATIONS[change.kind]?.includes(operation.kind)) return false;
  const object = objectOf(operation);
  const target = change.enum !== undefined ? `enum ${change.enum}` : change.table;
  if (object !== target) return false;
  const column = columnOf(operation);
  return change.column === undefined || column === undefined || change.column === column;
}

function columnOf(operation: Operation): string | undefined {
  switch (operation.kind) {
    case "addColumn":
    case "dropColumn":
      return operation.column.name;
    case "alterColumn":
      return operation.to.name;
    default:
      return undefined;
  }
}

function markOf(kind: Operation["kind"], color: Palette): string {
  if (kind.startsWith("create") || kind.startsWith("add")) return color.green("+");
  if (kind.startsWith("drop")) return color.yellow("-");
  return color.cyan("~");
}
