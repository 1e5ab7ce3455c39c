/**
 * DDL for enum types. Changing an enum's values swaps in a new type rather than using
 * `ALTER TYPE … ADD VALUE`: a value added that way cannot be used until the transaction commits
 * (SQLSTATE 55P04), and a push or migration that adds a value usually uses it at once (a default,
 * a row). The swap also removes and reorders values, which `ADD VALUE` cannot.
 */
import type { Column, Enum, ForeignKey, Snapshot, Table } from "../../../schema/snapshot.js";
import { quoteDoubleQuoted as q, quoteStringLiteral } from "../../quote.js";
import type { DdlContext, Statement } from "../../types.js";
import { defaultSql } from "../defaults.js";
import { MAX_IDENTIFIER_BYTES, truncateIdentifier } from "../normalize.js";
import { columnType } from "../type-map.js";
import { addForeignKeyStatements, dropConstraintStatements } from "./constraints.js";
import { createIndexStatements, dropIndexStatements } from "./indexes.js";

/** `CREATE TYPE … AS ENUM ('a', 'b')`, values in declaration order. */
export function createEnumStatements(item: Enum): Statement[] {
  return [{ sql: `CREATE TYPE ${q(item.name)} AS ENUM (${item.values.map(quoteStringLiteral).join(", ")})` }];
}

/** `DROP TYPE`: the diff drops the columns using it first. */
export function dropEnumStatements(item: Enum): Statement[] {
  return [{ sql: `DROP TYPE ${q(item.name)}` }];
}

/**
 * The swap: create `<name>__new` with the new values; move every column using the enum (found in
 * `context.before`) to it through text, its default dropped and put back; drop the old type and
 * rename the new one. Partial indexes on those tables (their stored predicates name the old type)
 * and foreign keys between enum columns (both sides must share a type) are dropped first and
 * re-created after. A value removed while rows still hold it fails the cast: that is the
 * destructive case the diff reports.
 */
export function alterEnumStatements(name: string, values: readonly string[], context: DdlContext): Statement[] {
  const temporary = `${truncateIdentifier(name, MAX_IDENTIFIER_BYTES - SUFFIX.length)}${SUFFIX}`;
  const users = enumColumns(context.before, name);
  const tables = context.before.tables.filter((table) => users.has(table.name));
  const indexes = tables.flatMap((table) =>
    table.indexes.filter((index) => index.where !== undefined).map((index) => ({ table: table.name, index })),
  );
  const foreignKeys = dependentForeignKeys(context.before, users);
  return [
    ...foreignKeys.flatMap(({ table, foreignKey }) => dropConstraintStatements(table, foreignKey.name)),
    ...indexes.flatMap(({ index }) => dropIndexStatements(index)),
    ...createEnumStatements({ name: temporary, values: [...values] }),
    ...tables.flatMap((table) => moveColumns(table, users.get(table.name) ?? [], temporary, values)),
    { sql: `DROP TYPE ${q(name)}` },
    { sql: `ALTER TYPE ${q(temporary)} RENAME TO ${q(name)}` },
    ...indexes.flatMap(({ table, index }) => createIndexStatements(table, index)),
    ...foreignKeys.flatMap(({ table, foreignKey }) => addForeignKeyStatements(table, foreignKey)),
  ];
}

// internal

const SUFFIX = "__new";

/** Table name → its columns typed with the enum (or an array of it). */
function enumColumns(snapshot: Snapshot, name: string): Map<string, Column[]> {
  const result = new Map<string, Column[]>();
  for (const table of snapshot.tables) {
    const columns = table.columns.filter((column) => column.type.kind === "enum" && column.type.name === name);
    if (columns.length > 0) result.set(table.name, columns);
  }
  return result;
}

function dependentForeignKeys(
  snapshot: Snapshot,
  users: ReadonlyMap<string, Column[]>,
): { table: string; foreignKey: ForeignKey }[] {
  const uses = (table: string, columns: readonly string[]) =>
    columns.some((column) => users.get(table)?.some((user) => user.name === column));
  return snapshot.tables.flatMap((table) =>
    table.foreignKeys
      .filter(
        (foreignKey) =>
          uses(table.name, foreignKey.columns) || uses(foreignKey.referencedTable, foreignKey.referencedColumns),
      )
      .map((foreignKey) => ({ table: table.name, foreignKey })),
  );
}

function moveColumns(
  table: Table,
  columns: readonly Column[],
  temporary: string,
  values: readonly string[],
): Statement[] {
  return columns.flatMap((column) => {
    const alter = (action: string): Statement => ({
      sql: `ALTER TABLE ${q(table.name)} ALTER COLUMN ${q(column.name)} ${action}`,
    });
    const target = columnType({ type: { kind: "enum", name: temporary, values: [...values] }, array: column.array });
    const cast = column.array ? `${q(column.name)}::text[]::${target}` : `${q(column.name)}::text::${target}`;
    const expression = defaultSql(column);
    // A default naming a removed value is not restored: the column's new default comes with its own alterColumn.
    const restore =
      expression !== null &&
      !(column.default?.kind === "literal" && !column.array && !values.includes(String(column.default.value)));
    return [
      ...(expression !== null ? [alter("DROP DEFAULT")] : []),
      alter(`TYPE ${target} USING ${cast}`),
      ...(restore && expression !== null ? [alter(`SET DEFAULT ${expression}`)] : []),
    ];
  });
}
