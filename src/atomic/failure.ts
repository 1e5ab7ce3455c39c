/**
 * Shared pieces of the strategies: running one statement with its check, and describing a failure.
 */
import type { Statement } from "../dialects/types.js";
import type { QueryResult, Session } from "../drivers/types.js";
import { isVibormError, LockTimeoutError, MigrationFailedError, QueryFailedError } from "../errors.js";
import type { AtomicUnit } from "./types.js";

/** Runs one statement on a session; a check statement that returns rows is a failure. */
export async function runStatement(session: Session, statement: Statement): Promise<void> {
  checkRows(statement, await session.query(statement.sql, statement.params));
}

/** Throws when `statement` is a check (`expectNoRows`) and `result` holds violations. */
export function checkRows(statement: Statement, result: QueryResult): void {
  if (statement.expectNoRows && result.rows.length > 0) {
    throw new QueryFailedError(
      `Check failed: ${statement.sql} returned ${result.rows.length} violation(s), e.g. ${JSON.stringify(result.rows[0])}`,
      { sql: statement.sql },
    );
  }
}

/** The error for a unit whose statement `index` failed, after everything it ran was undone. */
export function unitFailed(
  unit: AtomicUnit,
  /** Which statement failed (statements first, then tracking); undefined when the driver cannot say. */
  index: number | undefined,
  cause: unknown,
  extra: {
    compensated?: string[];
    notCompensated?: { sql: string; reason: string }[];
    dataLost?: { sql: string; reason: string }[];
    kept?: string[];
    /** The connection was lost before the undo finished: the next command completes it. */
    deferred?: boolean;
  } = {},
): MigrationFailedError {
  const all = [...unit.statements, ...unit.tracking];
  const failed = index === undefined ? undefined : all[index];
  const label = unit.label === "push" ? "push" : `migration ${unit.label}`;
  const reason =
    cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  const undone = extra.deferred
    ? " The connection was lost before its finished statements could all be undone: the next apply, rollback, reset or push undoes them first."
    : extra.notCompensated && extra.notCompensated.length > 0
      ? ` ${extra.notCompensated.length} finished statement(s) could not be undone: see meta.notCompensated.`
      : extra.kept && extra.kept.length > 0
        ? ` It is not transactional: the ${extra.kept.length} statement(s) before it stay applied.`
        : extra.dataLost && extra.dataLost.length > 0
          ? ` The schema was restored, but data removed by ${extra.dataLost.length} statement(s) could not be brought back: see meta.dataLost.`
          : extra.compensated && extra.compensated.length > 0
            ? ` The ${extra.compensated.length} statement(s) it had run were undone: the schema is as before.`
            : " Nothing was changed.";
  return new MigrationFailedError(
    `The ${label} failed${index === undefined ? "" : ` at statement ${index + 1} of ${all.length}`}: ${reason}.${undone}`,
    {
      migration: unit.label === "push" ? undefined : unit.label,
      applied: extra.kept ?? [],
      failed: failed && index !== undefined ? { migration: unit.label, statementIndex: index, sql: failed.sql } : null,
      // A batch that cannot say which statement failed ran none of them, as far as anyone can tell.
      notExecuted: all.slice(index === undefined ? 0 : index + 1).map((statement) => statement.sql),
      ...(extra.compensated ? { compensated: extra.compensated } : {}),
      ...(extra.notCompensated ? { notCompensated: extra.notCompensated } : {}),
      ...(extra.dataLost && extra.dataLost.length > 0 ? { dataLost: extra.dataLost } : {}),
    },
    { cause },
  );
}

/** The driver's own error code (SQLSTATE, errno name…) behind a wrapped error. */
export function driverErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    // Any viborm error is a wrapper (its code is viborm's), also one from another copy of the
    // package: a CLI installed globally over a project's own viborm, whose drivers throw theirs.
    if (!isVibormError(current) && typeof current === "object") {
      const code = (current as { code?: unknown }).code;
      if (typeof code === "string") return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The error for a lock not taken within the timeout. */
export function lockTimedOut(lock: string, timeoutMs: number, cause?: unknown): LockTimeoutError {
  return new LockTimeoutError(
    `Could not take the migration lock "${lock}" within ${timeoutMs} ms: another process is migrating this database; retry when it is done or raise lockTimeoutMs.`,
    { lock, timeoutMs },
    cause === undefined ? undefined : { cause },
  );
}

/** Waits `ms` without blocking the event loop. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
