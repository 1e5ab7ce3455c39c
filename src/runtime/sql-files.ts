/**
 * `up.sql` / `down.sql` text: written from statements, read back into statements.
 */
import type { Statement } from "../dialects/types.js";
import { InvalidMigrationError } from "../errors.js";
import { splitSqlStatements } from "../util/sql-split.js";
import type { RuntimeContext } from "./context.js";
import type { InverseEntry, StoredMigration } from "./journal.js";
import { hasNoTransactionDirective } from "./journal.js";

/** The file text: optional leading comment lines, then each statement ended by `;` and a blank line. */
export function renderSql(statements: Statement[], comments: string[] = []): string {
  const header = comments.map((line) => `-- ${line}\n`).join("");
  const body = statements.map((statement) => `${statement.sql.trim()};\n`).join("\n");
  return `${header}${header && body ? "\n" : ""}${body}`;
}

/**
 * The statements of a stored migration, in order, with the inverses recorded at generation
 * attached to the statements still exactly as generated (a hand-edited one has none). Throws the
 * {@link transactionControl} refusal.
 */
export function readStatements(
  context: RuntimeContext,
  stored: StoredMigration,
  direction: "up" | "down",
): Statement[] {
  const refusal = transactionControl(context, stored, direction);
  if (refusal) throw refusal;
  const inverses = new Map<string, InverseEntry>();
  for (const entry of stored.meta.inverses?.[direction] ?? []) inverses.set(normalise(entry.sql), entry);
  const statements = splitSqlStatements(direction === "up" ? stored.up : stored.down, context.dialect.name);
  return statements.map((sql) => {
    const entry = inverses.get(normalise(sql));
    if (!entry) return { sql };
    return {
      sql,
      inverse: entry.inverse,
      ...(entry.irreversible ? { irreversible: entry.irreversible } : {}),
      ...(entry.lossy ? { lossy: entry.lossy } : {}),
    };
  });
}

/**
 * `INVALID_MIGRATION` for a file that runs in viborm's unit (no `-- viborm:no-transaction`) yet
 * begins, ends or undoes a transaction itself: its COMMIT would keep the statements before it
 * without their tracking row, its ROLLBACK would undo them with the unit going on. Savepoints nest
 * inside the unit, and MariaDB's `BEGIN NOT ATOMIC` is a block, so neither counts.
 */
export function transactionControl(
  context: RuntimeContext,
  stored: StoredMigration,
  direction: "up" | "down",
): InvalidMigrationError | undefined {
  const text = direction === "up" ? stored.up : stored.down;
  if (hasNoTransactionDirective(text)) return;
  const statements = splitSqlStatements(text, context.dialect.name);
  const statement = statements.findIndex(isTransactionControl);
  if (statement < 0) return;
  const migration = stored.migration.id;
  const file = `${migration}/${direction}.sql`;
  return new InvalidMigrationError(
    `Statement ${statement + 1} of ${file} (${statements[statement]}) ends or starts a transaction, which would split the migration from its tracking row: remove it, or put -- viborm:no-transaction on the file's first line.`,
    { migration, file, statement, problem: "transaction control" },
  );
}

/** What a generated migration records about each statement's inverse (MySQL family only). */
export function inverseEntries(statements: Statement[]): InverseEntry[] {
  return statements.map((statement) => ({
    sql: statement.sql.trim(),
    inverse: statement.inverse ?? null,
    ...(statement.irreversible ? { irreversible: statement.irreversible } : {}),
    ...(statement.lossy ? { lossy: statement.lossy } : {}),
  }));
}

/**
 * Whether a statement begins, ends or undoes a transaction (not a savepoint, not MariaDB's
 * `BEGIN NOT ATOMIC` block).
 *
 * @example isTransactionControl("ROLLBACK TO SAVEPOINT a") // → false
 */
export function isTransactionControl(sql: string): boolean {
  return /^(begin|commit|rollback|end|abort|start\s+transaction)\b(?!\s+((work|transaction)\s+)?(to|not\s+atomic)\b)/i.test(
    sql,
  );
}

// internal

function normalise(sql: string): string {
  return sql.trim().replace(/;$/, "").replace(/\s+/g, " ");
}
