/**
 * DATA_DEPENDENT: changes that may fail on the rows a table already holds. With a reachable
 * database the finding says what those rows hold ("12 duplicate values", "4,210 NULLs") and is an
 * error when they make the change fail; otherwise it is a warning.
 */
import { compareColumnTypes } from "../../diff/changes.js";
import type { OperationOf } from "../../diff/operations.js";
import type { Column } from "../../schema/snapshot.js";
import { type Draft, draft, formatCount, removedEnumValues, rowsOf } from "./format.js";
import type { OperationContext } from "./rules.js";

/** The DATA_DEPENDENT findings of one operation. */
export function dataDependent(context: OperationContext): Draft[] {
  const { operation } = context;
  switch (operation.kind) {
    case "addUnique":
      return unique(context, operation.table, operation.unique.columns, `unique ${operation.unique.name}`);
    case "createIndex":
      return operation.index.unique && !operation.index.where
        ? unique(context, operation.table, operation.index.columns, `unique index ${operation.index.name}`)
        : [];
    case "addPrimaryKey":
      return [
        ...operation.primaryKey.columns.flatMap((column) => nulls(context, operation.table, column, "the primary key")),
        ...unique(context, operation.table, operation.primaryKey.columns, "the primary key"),
      ];
    case "addColumn":
      return newNotNull(context, operation);
    case "alterColumn":
      return alterColumn(context, operation);
    case "addForeignKey":
      return foreignKey(context, operation);
    case "alterEnum":
      return removedValues(context, operation);
    default:
      return [];
  }
}

// internal

const FIX_FIRST = "Fix the rows first (a data migration before this one), or change the schema to fit the data.";

function fails(count: number | undefined): "error" | "warning" {
  return count !== undefined && count > 0 ? "error" : "warning";
}

function unique(context: OperationContext, table: string, columns: string[], what: string): Draft[] {
  if (!context.existing(table)) return [];
  const answer = context.facts.count(context.unit, { kind: "duplicates", table, columns });
  const key = `${table}(${columns.join(", ")})`;
  const found =
    answer === undefined
      ? `rows that repeat a value of ${key} make it fail`
      : answer.n > 0
        ? `${formatCount(answer.n)} duplicate value${answer.n === 1 ? "" : "s"} of ${key} (in ${formatCount(answer.g ?? 0)} group${answer.g === 1 ? "" : "s"}) ${answer.n === 1 ? "makes" : "make"} it fail`
        : `the table has no duplicates of ${key} today`;
  return [draft("DATA_DEPENDENT", fails(answer?.n), `Adds ${what} on existing rows: ${found}.`, FIX_FIRST)];
}

function nulls(context: OperationContext, table: string, column: string, what: string): Draft[] {
  if (!context.existing(table)) return [];
  const answer = context.facts.count(context.unit, { kind: "nulls", table, column });
  if (answer?.n === 0) return [];
  const found =
    answer === undefined
      ? "NULLs there make it fail"
      : `${formatCount(answer.n)} NULL${answer.n === 1 ? " makes" : "s make"} it fail`;
  return [draft("DATA_DEPENDENT", fails(answer?.n), `Puts ${table}.${column} into ${what}: ${found}.`, FIX_FIRST)];
}

function newNotNull(context: OperationContext, operation: OperationOf<"addColumn">): Draft[] {
  const { column, table } = operation;
  if (!context.existing(table) || column.nullable || column.default !== null || column.autoIncrement) return [];
  const rows = rowsOf(context, table);
  if (rows?.n === 0) return [];
  const name = `${table}.${column.name}`;
  const count = rows === undefined ? "existing rows" : `its ${formatCount(rows.n)} row${rows.n === 1 ? "" : "s"}`;
  if (context.facts.dialect.lint.behaviour.fillsNewNotNullColumns) {
    return [
      draft(
        "DATA_DEPENDENT",
        "warning",
        `Adds ${name} NOT NULL without a default: ${count} get the type's implicit value (0, '' or a zero date).`,
        "Give the column a default that means something, or backfill it in this migration.",
      ),
    ];
  }
  return [
    draft(
      "DATA_DEPENDENT",
      fails(rows?.n),
      `Adds ${name} NOT NULL without a default: ${count} would hold NULL, so the statement fails.`,
      "Give the column a default, or add it nullable, backfill it, then make it NOT NULL.",
    ),
  ];
}

function alterColumn(context: OperationContext, operation: OperationOf<"alterColumn">): Draft[] {
  const { table, from, to } = operation;
  if (!context.existing(table)) return [];
  const drafts: Draft[] = [];
  if (from.nullable && !to.nullable) {
    const answer = context.facts.count(context.unit, { kind: "nulls", table, column: to.name });
    // A rebuild copies NULLs as the new default where the dialect coalesces; elsewhere they fail the change.
    const filled = context.facts.dialect.lint.behaviour.nullsTakeDefault && to.default !== null;
    if (answer?.n !== 0) {
      const count = answer === undefined ? "NULLs" : `${formatCount(answer.n)} NULL${answer.n === 1 ? "" : "s"}`;
      drafts.push(
        filled
          ? draft(
              "DATA_DEPENDENT",
              "warning",
              `Makes ${table}.${to.name} NOT NULL: ${count} there take its default.`,
              FIX_FIRST,
            )
          : draft(
              "DATA_DEPENDENT",
              fails(answer?.n),
              `Makes ${table}.${to.name} NOT NULL: ${count} there ${answer?.n === 1 ? "makes" : "make"} it fail.`,
              FIX_FIRST,
            ),
      );
    }
  }
  const removed = removedEnumValues(from, to);
  if (removed.length > 0) drafts.push(...holdingRemoved(context, table, to.name, removed, `${table}.${to.name}`));
  else if (compareColumnTypes(from, to) === "narrowing") drafts.push(...narrowing(context, table, from, to));
  return drafts;
}

/** Rows holding values a change removes from an enum: they fail it. */
function holdingRemoved(
  context: OperationContext,
  table: string,
  column: string,
  values: string[],
  what: string,
): Draft[] {
  const answer = context.facts.count(context.unit, { kind: "holding", table, column, values });
  if (answer?.n === 0) return [];
  const count =
    answer === undefined
      ? "rows holding a removed value fail it"
      : `${formatCount(answer.n)} row${answer.n === 1 ? " holds" : "s hold"} a removed value and fail it`;
  return [draft("DATA_DEPENDENT", fails(answer?.n), `Removes values from ${what}: ${count}.`, FIX_FIRST)];
}

function narrowing(context: OperationContext, table: string, from: Column, to: Column): Draft[] {
  const name = `${table}.${to.name}`;
  const behaviour = context.facts.dialect.lint.behaviour;
  if (
    to.type.kind === "string" &&
    to.type.length !== undefined &&
    (from.type.kind === "string" || from.type.kind === "enum")
  ) {
    const answer = context.facts.count(context.unit, {
      kind: "longer",
      table,
      column: to.name,
      length: to.type.length,
    });
    if (answer?.n === 0) return [];
    const count =
      answer === undefined
        ? "values longer than that"
        : `${formatCount(answer.n)} value${answer.n === 1 ? " is" : "s are"} longer`;
    return [
      draft(
        "DATA_DEPENDENT",
        behaviour.enforcesLengths ? fails(answer?.n) : "warning",
        `Shortens ${name} to ${to.type.length} characters: ${count}${behaviour.enforcesLengths ? ", which fails the change" : " (SQLite keeps them: it does not enforce lengths)"}.`,
        FIX_FIRST,
      ),
    ];
  }
  if (from.type.kind === "bigInt" && to.type.kind === "int" && !from.array && !to.array) {
    const answer = context.facts.count(context.unit, {
      kind: "outside",
      table,
      column: to.name,
      min: "-2147483648",
      max: "2147483647",
    });
    if (answer?.n === 0) return [];
    const count =
      answer === undefined
        ? "values beyond 32 bits fail it"
        : `${formatCount(answer.n)} value${answer.n === 1 ? " is" : "s are"} beyond 32 bits and fail it`;
    return [draft("DATA_DEPENDENT", fails(answer?.n), `Narrows ${name} to int: ${count}.`, FIX_FIRST)];
  }
  const answer = context.facts.count(context.unit, { kind: "values", table, column: to.name });
  if (answer?.n === 0) return [];
  const count =
    answer === undefined ? "its values are" : `its ${formatCount(answer.n)} value${answer.n === 1 ? " is" : "s are"}`;
  return [
    draft(
      "DATA_DEPENDENT",
      "warning",
      `Converts ${name} to a narrower type: ${count} converted, and one that does not fit fails the change (or is rounded).`,
      "Check the values convert (a SELECT with the same cast), or convert them in a data migration first.",
    ),
  ];
}

function foreignKey(context: OperationContext, operation: OperationOf<"addForeignKey">): Draft[] {
  const { table, foreignKey: key } = operation;
  if (!context.existing(table)) return [];
  const answer = context.facts.count(context.unit, {
    kind: "orphans",
    table,
    columns: key.columns,
    referencedTable: key.referencedTable,
    referencedColumns: key.referencedColumns,
  });
  if (answer?.n === 0) return [];
  const count =
    answer === undefined
      ? `rows whose ${key.columns.join(", ")} match no ${key.referencedTable} row`
      : `${formatCount(answer.n)} row${answer.n === 1 ? "" : "s"} of ${table} match no ${key.referencedTable} row`;
  if (context.hints.notValid) {
    return [
      draft(
        "DATA_DEPENDENT",
        "warning",
        `Adds foreign key ${key.name} NOT VALID: ${count}; VALIDATE CONSTRAINT fails until they are fixed.`,
        FIX_FIRST,
      ),
    ];
  }
  return [
    draft("DATA_DEPENDENT", fails(answer?.n), `Adds foreign key ${key.name}: ${count}, which fails it.`, FIX_FIRST),
  ];
}

function removedValues(context: OperationContext, operation: OperationOf<"alterEnum">): Draft[] {
  const removed = operation.from.filter((value) => !operation.to.includes(value));
  if (removed.length === 0) return [];
  const drafts: Draft[] = [];
  for (const table of context.before.tables) {
    if (!context.existing(table.name)) continue;
    for (const column of table.columns) {
      if (column.type.kind !== "enum" || column.type.name !== operation.name) continue;
      const what = `enum ${operation.name} used by ${table.name}.${column.name}`;
      drafts.push(...holdingRemoved(context, table.name, column.name, removed, what));
    }
  }
  return drafts;
}
