/**
 * `up.sql` / `down.sql` text: written from statements, read back into statements.
 */
import type { Statement } from "../dialects/types.js";
import { splitSqlStatements } from "../util/sql-split.js";
import type { RuntimeContext } from "./context.js";
import type { InverseEntry, StoredMigration } from "./journal.js";
import { NO_TRANSACTION_DIRECTIVE } from "./journal.js";

/** The file text: optional leading comment lines, then each statement ended by `;` and a blank line. */
export function renderSql(statements: Statement[], comments: string[] = []): string {
  const header = comments.map((line) => `-- ${line}\n`).join("");
  const body = statements.map((statement) => `${statement.sql.trim()};\n`).join("\n");
  return `${header}${header && body ? "\n" : ""}${body}`;
}

/**
 * The statements of a stored migration, in order, with the inverses recorded at generation
 * attached to the statements still exactly as generated (a hand-edited one has none).
 */
export function readStatements(
  context: RuntimeContext,
  stored: StoredMigration,
  direction: "up" | "down",
): Statement[] {
  const text = direction === "up" ? stored.up : stored.down;
  const inverses = new Map<string, InverseEntry>();
  for (const entry of stored.meta.inverses?.[direction] ?? []) inverses.set(normalise(entry.sql), entry);
  return splitSqlStatements(text, context.dialect.name)
    .filter((sql) => normalise(sql) !== normalise(NO_TRANSACTION_DIRECTIVE))
    .map((sql) => {
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

/** What a generated migration records about each statement's inverse (MySQL family only). */
export function inverseEntries(statements: Statement[]): InverseEntry[] {
  return statements.map((statement) => ({
    sql: statement.sql.trim(),
    inverse: statement.inverse ?? null,
    ...(statement.irreversible ? { irreversible: statement.irreversible } : {}),
    ...(statement.lossy ? { lossy: statement.lossy } : {}),
  }));
}

// internal

function normalise(sql: string): string {
  return sql.trim().replace(/;$/, "").replace(/\s+/g, " ");
}
