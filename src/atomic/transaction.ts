/**
 * All-or-nothing by a transaction on one pinned connection (PostgreSQL, PGlite, SQLite): DDL is
 * transactional there, so a failure rolls everything back, the tracking write included.
 *
 * Where the session sends scripts, a unit takes two round trips whatever its length: BEGIN, the lock
 * and the precheck in one (the precheck's rows decide whether to go on, and a lock timeout there is
 * told apart from a DDL statement's), then the statements, the tracking write and COMMIT in one.
 * A failed script names no statement, so after a failure the unit is rolled back and run again
 * statement by statement, which finds the failing one (or succeeds, if the failure was passing):
 * the cost of pinpointing falls on the failure path only.
 */
import type { Dialect } from "../dialects/types.js";
import type { AtomicCapability, Session } from "../drivers/types.js";
import { isVibormError, LockTimeoutError } from "../errors.js";
import { driverErrorCode, lockTimedOut, runStatement, sleep, unitFailed } from "./failure.js";
import { runOutsideTransaction } from "./non-transactional.js";
import { runJoined, type ScriptSession } from "./script.js";
import type { AtomicOutcome, AtomicStrategy, AtomicUnit, StrategyOptions } from "./types.js";

type SessionCapability = Extract<AtomicCapability, { kind: "session" }>;

/** PostgreSQL's lock_not_available, raised when `lock_timeout` expires. */
const PG_LOCK_NOT_AVAILABLE = "55P03";

export function createTransactionStrategy(
  atomic: SessionCapability,
  dialect: Dialect,
  options: StrategyOptions,
): AtomicStrategy {
  return {
    kind: "transaction",
    run: (unit) =>
      atomic.withSession((session) =>
        unit.transactional === false
          ? runOutsideTransaction(session, unit)
          : hasScript(session)
            ? runScripted(session, dialect, options, unit)
            : runInTransaction(session, dialect, options, unit),
      ),
  };
}

// internal

function hasScript(session: Session): session is ScriptSession {
  return typeof session.script === "function";
}

/** The unit in two round trips (one without a precheck or a lock); on failure, {@link pinpoint}. */
async function runScripted(
  session: ScriptSession,
  dialect: Dialect,
  options: StrategyOptions,
  unit: AtomicUnit,
): Promise<AtomicOutcome> {
  const open = [dialect.transaction.begin, ...(dialect.lock?.acquire(options.lockKey, options.lockTimeoutMs) ?? [])];
  const body = [...unit.statements, ...unit.tracking, dialect.transaction.commit];
  let opening = true;
  try {
    if (unit.precheck) {
      const { rows } = await runJoined(session, dialect, [...open, unit.precheck.statement]);
      if (!unit.precheck.shouldRun(rows)) {
        await session.query(dialect.transaction.rollback.sql);
        return { status: "skipped" };
      }
    } else if (dialect.lock) {
      await runJoined(session, dialect, open);
    } else {
      body.unshift(...open);
    }
    opening = false;
    await runJoined(session, dialect, body);
    return { status: "done" };
  } catch (error) {
    await rollbackQuietly(session, dialect, error);
    // Only the opening script takes the lock: its 55P03 is the lock's, not a DDL statement's.
    if (opening && dialect.lock && driverErrorCode(error) === PG_LOCK_NOT_AVAILABLE)
      throw lockTimedOut(options.lockKey, options.lockTimeoutMs, error);
    return pinpoint(session, dialect, options, unit, error);
  }
}

/**
 * Runs the unit again statement by statement after a script failed, so the error names the
 * statement that fails and those not executed (its precheck and busy retry too). A run that cannot
 * even begin (the connection died with the script) reports the script's own failure instead.
 */
async function pinpoint(
  session: Session,
  dialect: Dialect,
  options: StrategyOptions,
  unit: AtomicUnit,
  original: unknown,
): Promise<AtomicOutcome> {
  try {
    return await runInTransaction(session, dialect, options, unit);
  } catch (error) {
    if (isVibormError(error, "MIGRATION_FAILED") || isVibormError(error, "LOCK_TIMEOUT")) throw error;
    throw unitFailed(unit, undefined, original);
  }
}

async function runInTransaction(
  session: Session,
  dialect: Dialect,
  options: StrategyOptions,
  unit: AtomicUnit,
): Promise<AtomicOutcome> {
  await begin(session, dialect, options);
  let index = 0;
  const all = [...unit.statements, ...unit.tracking];
  try {
    if (dialect.lock) {
      try {
        for (const statement of dialect.lock.acquire(options.lockKey, options.lockTimeoutMs)) {
          await session.query(statement.sql, statement.params);
        }
      } catch (error) {
        if (driverErrorCode(error) === PG_LOCK_NOT_AVAILABLE)
          throw lockTimedOut(options.lockKey, options.lockTimeoutMs, error);
        throw error;
      }
    }
    if (unit.precheck) {
      const { rows } = await session.query(unit.precheck.statement.sql, unit.precheck.statement.params);
      if (!unit.precheck.shouldRun(rows)) {
        await session.query(dialect.transaction.rollback.sql);
        return { status: "skipped" };
      }
    }
    for (; index < all.length; index++) {
      await runStatement(session, all[index]!);
    }
    await session.query(dialect.transaction.commit.sql);
    return { status: "done" };
  } catch (error) {
    await rollbackQuietly(session, dialect, error);
    if (error instanceof LockTimeoutError) throw error;
    throw unitFailed(unit, index, error);
  }
}

/**
 * The dialect's BEGIN; SQLite's takes the write lock there, and with busy_timeout 0 a busy database
 * fails at once, so it is retried asynchronously (never blocking the event loop) until the lock timeout.
 */
async function begin(session: Session, dialect: Dialect, options: StrategyOptions): Promise<void> {
  const { begin: open, isBusy } = dialect.transaction;
  const deadline = Date.now() + options.lockTimeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      await session.query(open.sql);
      return;
    } catch (error) {
      if (!isBusy(driverErrorCode(error))) throw error;
      if (Date.now() >= deadline) throw lockTimedOut(options.lockKey, options.lockTimeoutMs, error);
      await sleep(Math.min(5 * 2 ** attempt, 100));
    }
  }
}

async function rollbackQuietly(session: Session, dialect: Dialect, original: unknown): Promise<void> {
  try {
    await session.query(dialect.transaction.rollback.sql);
  } catch (rollbackError) {
    // The original failure is what the user needs; a failed ROLLBACK (e.g. the connection died,
    // which rolls back anyway) is attached to it rather than replacing it.
    if (original instanceof Error && original.cause === undefined) {
      Object.defineProperty(original, "rollbackError", { value: rollbackError });
    }
  }
}
