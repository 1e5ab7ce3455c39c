/**
 * Keys: primary keys, uniques, indexes and foreign keys, each change as ONE multi-clause
 * `ALTER TABLE`, which InnoDB applies atomically. Besides its own clause, a key change
 *
 * - MODIFYs the columns whose definition follows from the keys (TEXT ↔ VARCHAR(191), AUTO_INCREMENT);
 * - adds or drops the own index of each foreign key that the change leaves without, or gives, a
 *   serving key (see `keys.ts`), so an index a foreign key needs is never dropped from under it.
 *
 * Clause order inside the statement: foreign-key drops, index drops, MODIFYs, index adds,
 * foreign-key adds.
 */
import type { OperationOf } from "../../../diff/operations.js";
import { UnsupportedOperationError } from "../../../errors.js";
import type { ForeignKey, Index, ReferentialAction, Table } from "../../../schema/snapshot.js";
import { quoteBacktick as q } from "../../quote.js";
import type { DdlContext } from "../../types.js";
import { foreignKeysNeedingIndex, isDefaultIndexType, sameList } from "../keys.js";
import { mysqlColumnType, needsExpressionDefault } from "../type-map.js";
import { alterTable, modifyClauses, tableIn } from "./columns.js";

/** The clauses a key operation contributes itself. */
interface KeyClauses {
  dropForeignKeys?: string[];
  drops?: string[];
  adds?: string[];
  addForeignKeys?: string[];
}

/**
 * The one ALTER TABLE for a change of keys on `table`, with the column MODIFYs and foreign-key
 * own indexes that the change between `context.before` and `context.after` implies.
 */
export function keyChangeSql(table: string, context: DdlContext, own: KeyClauses): string {
  const before = tableIn(context.before, table);
  const after = tableIn(context.after, table);
  const ownBefore = foreignKeysNeedingIndex(before);
  const ownAfter = foreignKeysNeedingIndex(after);
  const has = (list: ForeignKey[], fk: ForeignKey) =>
    list.some((other) => other.name === fk.name && sameList(other.columns, fk.columns));
  const indexDrops = ownBefore.filter((fk) => !has(ownAfter, fk)).map((fk) => `DROP INDEX ${q(fk.name)}`);
  const indexAdds = ownAfter.filter((fk) => !has(ownBefore, fk)).map((fk) => `ADD ${foreignKeyIndexClause(fk)}`);
  return alterTable(table, [
    ...(own.dropForeignKeys ?? []),
    ...indexDrops,
    ...(own.drops ?? []),
    ...modifyClauses(before, after),
    ...(own.adds ?? []),
    ...indexAdds,
    ...(own.addForeignKeys ?? []),
  ]);
}

/** The SQL of one key operation. */
export function keyOperationSql(
  op: OperationOf<
    | "addPrimaryKey"
    | "dropPrimaryKey"
    | "addUnique"
    | "dropUnique"
    | "createIndex"
    | "dropIndex"
    | "addForeignKey"
    | "dropForeignKey"
  >,
  context: DdlContext,
): string {
  switch (op.kind) {
    case "addPrimaryKey":
      return keyChangeSql(op.table, context, { adds: [`ADD PRIMARY KEY (${columnList(op.primaryKey.columns)})`] });
    case "dropPrimaryKey":
      return keyChangeSql(op.table, context, { drops: ["DROP PRIMARY KEY"] });
    case "addUnique":
      return keyChangeSql(op.table, context, {
        adds: [`ADD UNIQUE INDEX ${q(op.unique.name)} (${columnList(op.unique.columns)})`],
      });
    case "dropUnique":
      return keyChangeSql(op.table, context, { drops: [`DROP INDEX ${q(op.unique.name)}`] });
    case "createIndex":
      return keyChangeSql(op.table, context, {
        adds: [`ADD ${indexClause(op.index, tableIn(context.after, op.table))}`],
      });
    case "dropIndex":
      return keyChangeSql(op.table, context, { drops: [`DROP INDEX ${q(op.index.name)}`] });
    case "addForeignKey":
      return keyChangeSql(op.table, context, { addForeignKeys: [`ADD ${foreignKeyClause(op.foreignKey, op.table)}`] });
    case "dropForeignKey":
      return keyChangeSql(op.table, context, { dropForeignKeys: [`DROP FOREIGN KEY ${q(op.foreignKey.name)}`] });
  }
}

/**
 * `[UNIQUE|FULLTEXT|SPATIAL] INDEX name (columns)`, for CREATE TABLE and ADD, on `owner` (the
 * table as it is with the index). Partial indexes, operator classes, access methods MySQL does not
 * have, and a whole BLOB/TEXT/JSON or over-long column in a plain index are refused.
 */
export function indexClause(index: Index, owner: Table): string {
  const table = owner.name;
  const unsupported = (detail: string, message: string) =>
    new UnsupportedOperationError(message, { dialect: "mysql", operation: "createIndex", table, detail });
  if (index.where) {
    throw unsupported(
      `where ${index.where}`,
      `Index ${index.name} on ${table} is partial (WHERE ${index.where}), which MySQL cannot express; drop the condition or index a generated column instead.`,
    );
  }
  const opclass = Object.entries(index.columnOptions ?? {}).find(([, options]) => options.opclass !== undefined);
  if (opclass) {
    throw unsupported(
      `opclass ${opclass[1].opclass}`,
      `Index ${index.name} on ${table} gives ${opclass[0]} an operator class, which is PostgreSQL's; MySQL has none.`,
    );
  }
  const type = index.type?.toLowerCase();
  let kind = index.unique ? "UNIQUE INDEX" : "INDEX";
  if (type === "fulltext" || type === "spatial") {
    if (index.unique)
      throw unsupported(`unique ${type}`, `Index ${index.name} on ${table} cannot be both unique and ${type}.`);
    kind = `${type.toUpperCase()} INDEX`;
  } else if (type !== undefined && !isDefaultIndexType(type)) {
    throw unsupported(
      `type ${index.type}`,
      `Index ${index.name} on ${table} uses the ${index.type} access method, which MySQL does not have; use btree, fulltext or spatial.`,
    );
  }
  const whole =
    index.unique || kind !== "INDEX" ? undefined : index.columns.find((name) => tooLongForKey(owner, index, name));
  if (whole !== undefined) {
    throw unsupported(
      whole,
      `Index ${index.name} on ${table} covers the whole of ${whole}, whose type MySQL indexes only by a prefix; give it one, e.g. { field: "${whole}", length: 191 }.`,
    );
  }
  return `${kind} ${q(index.name)} (${indexColumnList(index)})`;
}

/** The columns of an index with their options: `a`, `b`(64), `c` DESC (MariaDB 10.8+ and MySQL 8 keep DESC). */
export function indexColumnList(index: Index): string {
  return index.columns
    .map((column) => {
      const options = index.columnOptions?.[column];
      const length = options?.length !== undefined ? `(${options.length})` : "";
      return `${q(column)}${length}${options?.order === "desc" ? " DESC" : ""}`;
    })
    .join(", ");
}

/** `CONSTRAINT name FOREIGN KEY (…) REFERENCES t (…) ON DELETE … ON UPDATE …`. */
export function foreignKeyClause(foreignKey: ForeignKey, table: string): string {
  return (
    `CONSTRAINT ${q(foreignKey.name)} FOREIGN KEY (${columnList(foreignKey.columns)}) ` +
    `REFERENCES ${q(foreignKey.referencedTable)} (${columnList(foreignKey.referencedColumns)}) ` +
    `ON DELETE ${actionSql(foreignKey.onDelete, foreignKey, table)} ON UPDATE ${actionSql(foreignKey.onUpdate, foreignKey, table)}`
  );
}

/** The own index of a foreign key that no other key serves: `INDEX fk_name (fk columns)`. */
export function foreignKeyIndexClause(foreignKey: ForeignKey): string {
  return `INDEX ${q(foreignKey.name)} (${columnList(foreignKey.columns)})`;
}

/** Quoted, comma-separated column names. */
export function columnList(columns: readonly string[]): string {
  return columns.map(q).join(", ");
}

// internal

/**
 * InnoDB keys hold at most 3,072 bytes (768 utf8mb4 characters): a BLOB, TEXT or JSON column, or a
 * longer string, can be indexed only by a prefix. MySQL 8 refuses a plain index over the whole
 * column; MariaDB quietly indexes a prefix it chooses, which the schema then never matches.
 * A unique one is fine on MariaDB, which hashes it (and a FULLTEXT index takes whole columns).
 */
function tooLongForKey(table: Table, index: Index, name: string): boolean {
  const column = table.columns.find((candidate) => candidate.name === name);
  if (column === undefined || index.columnOptions?.[name]?.length !== undefined) return false;
  const sqlType = mysqlColumnType(column, true);
  const length = /^(?:VAR)?CHAR\((\d+)\)/i.exec(sqlType)?.[1];
  return needsExpressionDefault(sqlType) || Number(length) > MAX_KEY_CHARACTERS;
}

/** 3,072 bytes over utf8mb4's 4 bytes a character. */
const MAX_KEY_CHARACTERS = 768;

function actionSql(action: ReferentialAction, foreignKey: ForeignKey, table: string): string {
  switch (action) {
    case "cascade":
      return "CASCADE";
    case "restrict":
      return "RESTRICT";
    case "noAction":
      return "NO ACTION";
    case "setNull":
      return "SET NULL";
    // InnoDB parses SET DEFAULT but rejects it (MySQL 8) or silently makes it RESTRICT (MariaDB 10.11).
    case "setDefault":
      throw new UnsupportedOperationError(
        `Foreign key ${foreignKey.name} on ${table} uses SET DEFAULT, which InnoDB does not implement; use SET NULL, CASCADE or RESTRICT.`,
        { dialect: "mysql", operation: "addForeignKey", table, detail: "setDefault" },
      );
  }
}
