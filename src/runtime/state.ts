/**
 * The schema a migrations folder produces: the one state `generate` diffs the declared schema
 * against (and `check` compares with the live database).
 *
 * Each migration's `migration.json` lists the operations its `up.sql` was generated from; they
 * describe the generated statements exactly (enum types, lengths SQLite keeps only in the
 * snapshot…). But `up.sql` is what runs, and a reviewer may edit it. So each migration is read
 * statement by statement:
 * - a statement still exactly as generated stands for its operation (whitespace aside);
 * - any other statement (added or edited by hand) is read by the dialect's parser into operations
 *   against the state just before it;
 * - an operation whose statements are no longer all there is not applied: the folder no longer
 *   does it, so the next `generate` emits it again.
 *
 * A statement the parser does not understand changes nothing and is reported. If such a statement
 * stands in a migration whose generated statements were edited, it may be the edit, so the edited
 * operations are kept as generated (the state before hand-written SQL was read) and the report says so.
 */

import type { Dialect, ParsedStatement } from "../dialects/types.js";
import { applyOperation, applyOperationWith } from "../diff/apply.js";
import type { Operation } from "../diff/operations.js";
import { InvalidMigrationError, VibormError } from "../errors.js";
import { emptySnapshot, type Snapshot } from "../schema/snapshot.js";
import { splitSqlStatements } from "../util/sql-split.js";
import { META_FILE, type StoredMigration, touchedTables } from "./journal.js";

/** What the folder's migrations produce, and how each statement was read. */
export interface FolderState {
  /** The schema after every migration, in id order (not dialect-normalised). */
  snapshot: Snapshot;
  migrations: MigrationReading[];
  /** Every statement that could not be read, in order. */
  notUnderstood: NotUnderstood[];
}

/** One migration, read. */
export interface MigrationReading {
  id: string;
  before: Snapshot;
  after: Snapshot;
  statements: StatementReading[];
  /** Operations of `migration.json` kept although `up.sql` no longer holds their statements (see the module comment). */
  assumed: Operation[];
}

/** One statement of `up.sql`, read. */
export interface StatementReading {
  /** 0-based, in `up.sql`. */
  index: number;
  sql: string;
  /** `generated`: exactly as generate wrote it for one of the migration's operations. */
  origin: "generated" | "written";
  /** For a written statement, what the parser read; for a generated one, its operations. */
  parsed: ParsedStatement;
  /** The operations that take effect at this statement (none for a generated statement after an operation's first). */
  operations: Operation[];
  /** The schema just before this statement. */
  before: Snapshot;
}

/** A statement whose effect on the schema is unknown. */
export interface NotUnderstood {
  migration: string;
  statement: number;
  sql: string;
  reason: string;
}

/**
 * Reads every stored migration, in id order, into the schema they produce. Throws
 * `MIGRATION_CONFLICT` for sibling migrations that collide and `INVALID_MIGRATION` for a
 * `migration.json` whose operations do not fit the migrations before it.
 *
 * @example const { snapshot, notUnderstood } = readFolderState(context.dialect, await loadMigrations(storage));
 */
export function readFolderState(dialect: Dialect, stored: StoredMigration[]): FolderState {
  let state = emptySnapshot();
  const migrations: MigrationReading[] = [];
  const notUnderstood: NotUnderstood[] = [];
  for (const migration of stored) {
    const reading = readMigration(dialect, state, migration, stored);
    migrations.push(reading);
    for (const statement of reading.statements) {
      if (statement.parsed.kind === "unknown") {
        notUnderstood.push({
          migration: migration.migration.id,
          statement: statement.index,
          sql: statement.sql,
          reason: statement.parsed.reason,
        });
      }
    }
    state = reading.after;
  }
  return { snapshot: state, migrations, notUnderstood };
}

// internal

interface Generated {
  /** Each operation's statements, normalised for comparison. */
  statements: string[][];
}

function readMigration(
  dialect: Dialect,
  before: Snapshot,
  stored: StoredMigration,
  all: StoredMigration[],
): MigrationReading {
  const operations = stored.meta.operations;
  const generated = generatedStatements(dialect, before, stored, all);
  const written = splitSqlStatements(stored.up, dialect.name);
  const owner = matchStatements(written.map(normalise), generated);
  const first = replay(dialect, before, stored, written, owner, generated, false);
  const incomplete = operations.some((_, k) => !isComplete(owner, generated, k));
  if (!incomplete || !first.statements.some((statement) => statement.parsed.kind === "unknown")) return first;
  return replay(dialect, before, stored, written, owner, generated, true);
}

/** The statements generate writes for each operation, from the state before the migration. */
function generatedStatements(
  dialect: Dialect,
  before: Snapshot,
  stored: StoredMigration,
  all: StoredMigration[],
): Generated {
  const statements: string[][] = [];
  let state = before;
  for (const operation of stored.meta.operations) {
    let after: Snapshot;
    try {
      after = applyOperation(state, operation);
    } catch (error) {
      throw foldError(stored, all, error);
    }
    statements.push(dialect.ddl(operation, { before: state, after }).map((statement) => normalise(statement.sql)));
    state = after;
  }
  return { statements };
}

/**
 * For each written statement, the operation whose generated statement it is (or -1). Statements
 * are matched in order within an operation; a statement an operation already started claims first.
 */
function matchStatements(written: string[], generated: Generated): number[] {
  const next = generated.statements.map(() => 0);
  return written.map((sql) => {
    const fits = (k: number) => generated.statements[k]![next[k]!] === sql;
    const started = next.findIndex((position, k) => position > 0 && fits(k));
    const k = started >= 0 ? started : next.findIndex((position, k) => position === 0 && fits(k));
    if (k < 0) return -1;
    next[k]!++;
    return k;
  });
}

function isComplete(owner: number[], generated: Generated, k: number): boolean {
  return owner.filter((o) => o === k).length === generated.statements[k]!.length;
}

/**
 * Replays the migration statement by statement. Operations apply at their first statement; one
 * without statements of its own (an enum on SQLite) right after the operation before it.
 * With `assume`, incomplete operations apply too (at their first remaining statement, or in order).
 */
function replay(
  dialect: Dialect,
  before: Snapshot,
  stored: StoredMigration,
  written: string[],
  owner: number[],
  generated: Generated,
  assume: boolean,
): MigrationReading {
  const operations = stored.meta.operations;
  const included = operations.map((_, k) => assume || isComplete(owner, generated, k));
  const position = anchorPositions(owner, included);
  const order = operations
    .map((_, k) => k)
    .filter((k) => included[k])
    .sort((a, b) => position[a]! - position[b]! || a - b);
  let state = before;
  let cursor = 0;
  const applyUpTo = (limit: number, inclusive: boolean, into: Operation[]) => {
    while (cursor < order.length) {
      const k = order[cursor]!;
      if (position[k]! > limit || (!inclusive && position[k]! === limit)) break;
      state = applyGenerated(state, operations[k]!, stored);
      into.push(operations[k]!);
      cursor++;
    }
  };
  const statements: StatementReading[] = [];
  written.forEach((sql, index) => {
    applyUpTo(index, false, []);
    const at = state;
    const k = owner[index]!;
    if (k >= 0 && included[k]) {
      const applied: Operation[] = [];
      applyUpTo(index, true, applied);
      statements.push(generatedReading(index, sql, applied, at));
      return;
    }
    const { parsed, next } = applyWritten(dialect, state, sql);
    state = next;
    statements.push({
      index,
      sql,
      origin: "written",
      parsed,
      operations: parsed.kind === "schema" ? parsed.operations : [],
      before: at,
    });
  });
  applyUpTo(Number.POSITIVE_INFINITY, true, []);
  const assumed = assume ? operations.filter((_, k) => !isComplete(owner, generated, k)) : [];
  return { id: stored.migration.id, before, after: state, statements, assumed };
}

/**
 * Where each included operation applies: at its first statement, or (with none) just after the
 * operation before it; -1 means before the first statement.
 */
function anchorPositions(owner: number[], included: boolean[]): number[] {
  const positions: number[] = [];
  let previous = -1;
  included.forEach((_, k) => {
    const first = owner.indexOf(k);
    // Chained after the previous operation, by a fraction that keeps meta order among equals.
    const position = first >= 0 ? first : previous + 0.001;
    positions.push(position);
    if (included[k]) previous = position;
  });
  return positions;
}

function generatedReading(index: number, sql: string, applied: Operation[], before: Snapshot): StatementReading {
  return {
    index,
    sql,
    origin: "generated",
    parsed: { kind: "schema", operations: applied, hints: {} },
    operations: applied,
    before,
  };
}

function applyGenerated(state: Snapshot, operation: Operation, stored: StoredMigration): Snapshot {
  try {
    return applyOperationWith(state, operation, { references: false });
  } catch (error) {
    throw new InvalidMigrationError(
      `Migration ${stored.migration.id}'s ${META_FILE} does not fit the statements written by hand before it: ${(error as Error).message}.`,
      {
        migration: stored.migration.id,
        file: `${stored.migration.id}/${META_FILE}`,
        problem: "operations do not fold",
      },
      { cause: error },
    );
  }
}

/** A written statement, parsed and applied; one that does not fit the state is not understood and changes nothing. */
function applyWritten(dialect: Dialect, state: Snapshot, sql: string): { parsed: ParsedStatement; next: Snapshot } {
  const parsed = dialect.parse(sql, state);
  if (parsed.kind !== "schema") return { parsed, next: state };
  let next = state;
  try {
    for (const operation of parsed.operations) next = applyOperation(next, operation);
  } catch {
    // The strict check failed (say, a dependency a database keeps on its own terms): apply as a database would.
    try {
      next = state;
      for (const operation of parsed.operations) next = applyOperationWith(next, operation, { references: false });
    } catch (error) {
      return { parsed: { kind: "unknown", reason: (error as Error).message }, next: state };
    }
  }
  return { parsed, next };
}

function foldError(stored: StoredMigration, all: StoredMigration[], error: unknown): VibormError {
  const id = stored.migration.id;
  const siblings = all.filter((other) => other !== stored && other.meta.parents.join() === stored.meta.parents.join());
  if (siblings.length > 0) {
    const ids = [...siblings.map((s) => s.migration.id), id];
    return new VibormError(
      "MIGRATION_CONFLICT",
      `Migrations ${ids.join(" and ")} were generated from the same parent and collide (${(error as Error).message}); delete one and generate again.`,
      { migrations: ids, tables: touchedTables(stored.meta.operations) },
      { cause: error },
    );
  }
  return new InvalidMigrationError(
    `Migration ${id}'s ${META_FILE} does not fit the migrations before it: ${(error as Error).message}.`,
    { migration: id, file: `${id}/${META_FILE}`, problem: "operations do not fold" },
    { cause: error },
  );
}

/** Statement text compared whitespace-insensitively (a reviewer's re-indent is not an edit). */
function normalise(sql: string): string {
  return sql.trim().replace(/;$/, "").replace(/\s+/g, " ");
}
