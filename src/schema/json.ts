/**
 * Snapshots as JSON text: written canonically (sorted keys, 2-space indent, trailing newline) and
 * read back with every field's shape checked, so a damaged file fails loudly instead of diffing wrong.
 */
import { InvalidArgumentError } from "../errors.js";
import { canonicalJson } from "../util/canonical-json.js";
import { canonicalize, REFERENTIAL_ACTIONS, SCALAR_KINDS, SNAPSHOT_VERSION, type Snapshot } from "./snapshot.js";

/**
 * The snapshot as canonical JSON text: the same snapshot always gives the same bytes.
 *
 * @example await storage.put(`${id}/snapshot.json`, snapshotToJson(snapshot));
 */
export function snapshotToJson(snapshot: Snapshot): string {
  return canonicalJson(canonicalize(snapshot));
}

/**
 * Parses snapshot JSON text and checks its shape; returns it in canonical order.
 *
 * @throws InvalidArgumentError (`INVALID_ARGUMENT`) naming the first malformed path, e.g. `tables[0].columns[2].type`.
 * @example const snapshot = snapshotFromJson(await storage.get(`${id}/snapshot.json`));
 */
export function snapshotFromJson(text: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`The snapshot is not valid JSON (${reason}).`, { argument: "snapshot" });
  }
  const root = object(value, "$");
  if (root.version !== SNAPSHOT_VERSION) {
    invalid(
      "$.version",
      `is ${JSON.stringify(root.version)}; this version of viborm reads snapshot version ${SNAPSHOT_VERSION}`,
    );
  }
  each(root.tables, "$.tables", checkTable);
  each(root.enums, "$.enums", (entry, path) => {
    const item = object(entry, path);
    string(item.name, `${path}.name`);
    strings(item.values, `${path}.values`);
  });
  return canonicalize(value as Snapshot);
}

// internal

type Json = Record<string, unknown>;

/**
 * Checks the shape of a table or a column held elsewhere (a migration's operations): throws
 * `INVALID_ARGUMENT` naming the path of the first problem (an unknown column kind, a missing name…).
 *
 * @example checkTableShape(op.table, "operations[0].table")
 */
export function checkTableShape(value: unknown, path: string): void {
  checkTable(value, path);
}

/** The same for one column. @example checkColumnShape(op.column, "operations[1].column") */
export function checkColumnShape(value: unknown, path: string): void {
  checkColumn(value, path);
}

function checkTable(value: unknown, path: string): void {
  const table = object(value, path);
  string(table.name, `${path}.name`);
  each(table.columns, `${path}.columns`, checkColumn);
  if (table.primaryKey !== null)
    strings(object(table.primaryKey, `${path}.primaryKey`).columns, `${path}.primaryKey.columns`);
  each(table.uniques, `${path}.uniques`, (entry, at) => {
    const unique = object(entry, at);
    string(unique.name, `${at}.name`);
    strings(unique.columns, `${at}.columns`);
  });
  each(table.indexes, `${path}.indexes`, checkIndex);
  each(table.foreignKeys, `${path}.foreignKeys`, (entry, at) => {
    const foreignKey = object(entry, at);
    string(foreignKey.name, `${at}.name`);
    strings(foreignKey.columns, `${at}.columns`);
    string(foreignKey.referencedTable, `${at}.referencedTable`);
    strings(foreignKey.referencedColumns, `${at}.referencedColumns`);
    oneOf(foreignKey.onDelete, REFERENTIAL_ACTIONS, `${at}.onDelete`);
    oneOf(foreignKey.onUpdate, REFERENTIAL_ACTIONS, `${at}.onUpdate`);
  });
}

function checkIndex(value: unknown, path: string): void {
  const index = object(value, path);
  string(index.name, `${path}.name`);
  strings(index.columns, `${path}.columns`);
  boolean(index.unique, `${path}.unique`);
  if (index.type !== undefined) string(index.type, `${path}.type`);
  if (index.where !== undefined) string(index.where, `${path}.where`);
}

function checkColumn(value: unknown, path: string): void {
  const column = object(value, path);
  string(column.name, `${path}.name`);
  checkType(column.type, `${path}.type`);
  boolean(column.array, `${path}.array`);
  boolean(column.nullable, `${path}.nullable`);
  boolean(column.autoIncrement, `${path}.autoIncrement`);
  if (column.default !== null) checkDefault(column.default, `${path}.default`);
}

function checkType(value: unknown, path: string): void {
  const type = object(value, path);
  if (type.kind === "enum") {
    string(type.name, `${path}.name`);
    strings(type.values, `${path}.values`);
    return;
  }
  oneOf(type.kind, SCALAR_KINDS, `${path}.kind`);
  if (type.kind === "decimal") {
    integer(type.precision, `${path}.precision`);
    integer(type.scale, `${path}.scale`);
  }
  if (type.kind === "string" && type.length !== undefined) integer(type.length, `${path}.length`);
}

function checkDefault(value: unknown, path: string): void {
  const fieldDefault = object(value, path);
  oneOf(fieldDefault.kind, ["literal", "now", "uuid", "sql"], `${path}.kind`);
  if (fieldDefault.kind === "sql") string(fieldDefault.expression, `${path}.expression`);
  if (fieldDefault.kind === "literal" && !["string", "number", "boolean"].includes(typeof fieldDefault.value)) {
    invalid(`${path}.value`, "must be a string, number or boolean");
  }
}

function object(value: unknown, path: string): Json {
  if (value === null || typeof value !== "object" || Array.isArray(value)) invalid(path, "must be an object");
  return value as Json;
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) invalid(path, "must be an array");
  return value;
}

function each(value: unknown, path: string, check: (item: unknown, path: string) => void): void {
  const items = list(value, path);
  for (let index = 0; index < items.length; index++) check(items[index], `${path}[${index}]`);
}

function strings(value: unknown, path: string): void {
  each(value, path, string);
}

function string(value: unknown, path: string): void {
  if (typeof value !== "string") invalid(path, "must be a string");
}

function boolean(value: unknown, path: string): void {
  if (typeof value !== "boolean") invalid(path, "must be a boolean");
}

function integer(value: unknown, path: string): void {
  if (!Number.isInteger(value)) invalid(path, "must be an integer");
}

function oneOf(value: unknown, allowed: readonly string[], path: string): void {
  if (typeof value !== "string" || !allowed.includes(value)) invalid(path, `must be one of ${allowed.join(", ")}`);
}

function invalid(path: string, problem: string): never {
  throw new InvalidArgumentError(`The snapshot is malformed: ${path} ${problem}.`, {
    argument: "snapshot",
    value: path,
  });
}
