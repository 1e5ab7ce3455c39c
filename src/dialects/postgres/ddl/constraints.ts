/**
 * DDL for primary keys, unique constraints and foreign keys.
 */
import type { Check, ForeignKey, ReferentialAction, Unique } from "../../../schema/snapshot.js";
import { quoteDoubleQuoted as q, quoteStringLiteral } from "../../quote.js";
import type { Statement } from "../../types.js";

/** `("a", "b")`: identifiers, each quoted. */
export function identifierList(names: readonly string[]): string {
  return `(${names.map(q).join(", ")})`;
}

/** `CONSTRAINT "name" FOREIGN KEY (…) REFERENCES "table" (…) ON DELETE … ON UPDATE …`. */
export function foreignKeyClause(foreignKey: ForeignKey): string {
  return [
    `CONSTRAINT ${q(foreignKey.name)} FOREIGN KEY ${identifierList(foreignKey.columns)}`,
    `REFERENCES ${q(foreignKey.referencedTable)} ${identifierList(foreignKey.referencedColumns)}`,
    `ON DELETE ${ACTIONS[foreignKey.onDelete]} ON UPDATE ${ACTIONS[foreignKey.onUpdate]}`,
  ].join(" ");
}

/** Unnamed, so PostgreSQL picks `<table>_pkey` or, when a renamed table still holds that name, a free variant. */
/** `CONSTRAINT "name" CHECK (expression)`: the expression is SQL the schema's author wrote. */
export function checkClause(check: Check): string {
  return `CONSTRAINT ${q(check.name)} CHECK (${check.expression})`;
}

/** The comment on a CHECK constraint: this prefix, then the expression as the author wrote it. */
export const CHECK_COMMENT_PREFIX = "viborm:check:";

/**
 * PostgreSQL stores a check rewritten (`price > 0` comes back as `(price > (0)::numeric)`), so the
 * author's text goes in the constraint's comment, read back by introspection; it lives and dies
 * with the constraint.
 */
export function checkCommentStatement(table: string, check: Check): Statement {
  return {
    sql: `COMMENT ON CONSTRAINT ${q(check.name)} ON ${q(table)} IS ${quoteStringLiteral(CHECK_COMMENT_PREFIX + check.expression)}`,
  };
}

/** `ALTER TABLE … ADD CONSTRAINT … CHECK`, and its comment. */
export function addCheckStatements(table: string, check: Check): Statement[] {
  return [{ sql: `ALTER TABLE ${q(table)} ADD ${checkClause(check)}` }, checkCommentStatement(table, check)];
}

export function addPrimaryKeyStatements(table: string, columns: readonly string[]): Statement[] {
  return [{ sql: `ALTER TABLE ${q(table)} ADD PRIMARY KEY ${identifierList(columns)}` }];
}

/**
 * Drops the table's primary key whatever its name: a key created elsewhere, or kept by a table
 * since renamed (PostgreSQL does not rename `<old>_pkey`), has a name the snapshot does not hold.
 * The name is looked up in the same statement, so the SQL needs nothing read beforehand.
 */
export function dropPrimaryKeyStatements(table: string): Statement[] {
  const relation = quoteStringLiteral(q(table));
  const body = [
    "DECLARE pk name;",
    "BEGIN",
    `  SELECT conname INTO STRICT pk FROM pg_catalog.pg_constraint WHERE conrelid = ${relation}::regclass AND contype = 'p';`,
    `  EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${relation}::regclass, pk);`,
    "END",
  ].join("\n");
  return [{ sql: `DO ${dollarQuote(body)}` }];
}

/** `ALTER TABLE … ADD CONSTRAINT … UNIQUE (…)`; duplicates already in the table make it fail. */
export function addUniqueStatements(table: string, unique: Unique): Statement[] {
  return [{ sql: `ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(unique.name)} UNIQUE ${identifierList(unique.columns)}` }];
}

/** Drops a named constraint (unique or foreign key). */
export function dropConstraintStatements(table: string, name: string): Statement[] {
  return [{ sql: `ALTER TABLE ${q(table)} DROP CONSTRAINT ${q(name)}` }];
}

/** `ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY`, checked against the rows already there. */
export function addForeignKeyStatements(table: string, foreignKey: ForeignKey): Statement[] {
  return [{ sql: `ALTER TABLE ${q(table)} ADD ${foreignKeyClause(foreignKey)}` }];
}

/**
 * `$tag$body$tag$` with a tag the body does not contain, so no name inside can end the quoting.
 *
 * @example dollarQuote("BEGIN NULL; END") // → "$viborm$BEGIN NULL; END$viborm$"
 */
export function dollarQuote(body: string): string {
  let tag = "$viborm$";
  for (let n = 1; body.includes(tag); n++) tag = `$viborm${n}$`;
  return `${tag}\n${body}\n${tag}`;
}

// internal

const ACTIONS: Record<ReferentialAction, string> = {
  cascade: "CASCADE",
  restrict: "RESTRICT",
  noAction: "NO ACTION",
  setNull: "SET NULL",
  setDefault: "SET DEFAULT",
};
