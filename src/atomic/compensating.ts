/**
 * All-or-nothing for the MySQL family, where every DDL statement commits implicitly and a
 * transaction cannot undo it (https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html).
 *
 * Statements run one by one on a pinned connection holding a session lock (`GET_LOCK`). After each
 * one, its inverse is recorded in `_viborm_progress`; on failure the finished statements are undone
 * in reverse with their inverses, so the schema ends as it began. A run that died half-way (process
 * killed) leaves its progress rows behind, and the next run undoes them before doing anything else.
 * Whatever cannot be undone (no inverse, or the inverse failed) is said in the error.
 */
import type { Dialect, Row, Statement } from "../dialects/types.js";
import type { AtomicCapability, Session } from "../drivers/types.js";
import { MigrationFailedError } from "../errors.js";
import { driverErrorCode, lockTimedOut, runStatement, unitFailed } from "./failure.js";
import type { AtomicOutcome, AtomicStrategy, AtomicUnit, StrategyOptions } from "./types.js";

type SessionCapability = Extract<AtomicCapability, { kind: "session" }>;

/** Bookkeeping of statements done in an unfinished unit (one row per finished statement). */
export const PROGRESS_TABLE = "_viborm_progress";

export function createCompensatingStrategy(
  atomic: SessionCapability,
  dialect: Dialect,
  options: StrategyOptions,
): AtomicStrategy {
  return {
    kind: "compensating",
    run: (unit) =>
      atomic.withSession((session) =>
        withLock(session, dialect, options, () => runUnit(session, dialect, options, unit)),
      ),
  };
}

// internal

interface Finished {
  statement: Statement;
}

async function runUnit(
  session: Session,
  dialect: Dialect,
  options: StrategyOptions,
  unit: AtomicUnit,
): Promise<AtomicOutcome> {
  const q = dialect.quote;
  // Only versioned migrations (units with a tracking write) persist their progress; a push keeps it
  // in memory, so pushing never leaves a bookkeeping table in a development database.
  const persist = unit.tracking.length > 0;
  if (persist) await recoverUnfinished(session, dialect, options);
  if (unit.precheck) {
    const { rows } = await session.query(unit.precheck.statement.sql, unit.precheck.statement.params);
    if (!unit.precheck.shouldRun(rows)) return { status: "skipped" };
  }
  const finished: Finished[] = [];
  for (let index = 0; index < unit.statements.length; index++) {
    const statement = unit.statements[index]!;
    try {
      await runStatement(session, statement);
      finished.push({ statement });
      if (persist) {
        await session.query(
          `INSERT INTO ${q(PROGRESS_TABLE)} (${q("lock_key")}, ${q("label")}, ${q("step")}, ${q("sql_text")}, ${q("inverse")}) VALUES (?, ?, ?, ?, ?)`,
          [
            options.lockKey,
            unit.label,
            index,
            statement.sql,
            statement.inverse ? JSON.stringify(statement.inverse) : null,
          ],
        );
      }
    } catch (error) {
      const undo = await compensate(session, finished);
      if (persist) await clearProgressQuietly(session, dialect, options);
      throw unitFailed(unit, index, error, undo);
    }
  }
  if (!persist) return { status: "done" };
  // DML is transactional in InnoDB: the tracking write and the progress cleanup commit together.
  try {
    await session.query("BEGIN");
    for (const statement of unit.tracking) await runStatement(session, statement);
    await session.query(`DELETE FROM ${q(PROGRESS_TABLE)} WHERE ${q("lock_key")} = ?`, [options.lockKey]);
    await session.query("COMMIT");
  } catch (error) {
    await session.query("ROLLBACK").catch(() => undefined);
    const undo = await compensate(session, finished);
    await clearProgressQuietly(session, dialect, options);
    throw unitFailed(unit, unit.statements.length, error, undo);
  }
  return { status: "done" };
}

/** Undoes finished statements newest first; reports what was and was not undone. */
async function compensate(
  session: Session,
  finished: Finished[],
): Promise<{
  compensated: string[];
  notCompensated: { sql: string; reason: string }[];
  dataLost: { sql: string; reason: string }[];
}> {
  const compensated: string[] = [];
  const notCompensated: { sql: string; reason: string }[] = [];
  const dataLost: { sql: string; reason: string }[] = [];
  for (const { statement } of [...finished].reverse()) {
    if (!statement.inverse) {
      notCompensated.push({
        sql: statement.sql,
        reason:
          statement.irreversible ??
          "no recorded inverse (a statement written or edited by hand cannot be undone automatically)",
      });
      continue;
    }
    try {
      for (const inverse of statement.inverse) await session.query(inverse.sql, inverse.params);
      compensated.push(statement.sql);
      if (statement.lossy) dataLost.push({ sql: statement.sql, reason: statement.lossy });
    } catch (error) {
      notCompensated.push({ sql: statement.sql, reason: `its inverse failed: ${(error as Error).message}` });
    }
  }
  return { compensated, notCompensated, dataLost };
}

/**
 * Undoes what an earlier, killed run left in the progress table. The table is read first and
 * created only when missing (then nothing can be left over): it exists on every run but the first,
 * and over HTTP (PlanetScale) every statement is a round trip.
 */
async function recoverUnfinished(session: Session, dialect: Dialect, options: StrategyOptions): Promise<void> {
  const q = dialect.quote;
  let rows: Row[];
  try {
    ({ rows } = await session.query(
      `SELECT ${q("step")}, ${q("sql_text")}, ${q("inverse")} FROM ${q(PROGRESS_TABLE)} WHERE ${q("lock_key")} = ? ORDER BY ${q("step")}`,
      [options.lockKey],
    ));
  } catch (error) {
    const code = driverErrorCode(error);
    if (code !== "ER_NO_SUCH_TABLE" && code !== "1146") throw error;
    await session.query(
      `CREATE TABLE IF NOT EXISTS ${q(PROGRESS_TABLE)} (${q("lock_key")} VARCHAR(191) NOT NULL, ${q("label")} VARCHAR(255) NOT NULL, ${q("step")} INT NOT NULL, ${q("sql_text")} LONGTEXT NOT NULL, ${q("inverse")} LONGTEXT NULL, PRIMARY KEY (${q("lock_key")}, ${q("step")}))`,
    );
    return;
  }
  if (rows.length === 0) return;
  const finished = rows.map((row) => ({
    statement: {
      sql: String(row.sql_text),
      inverse: row.inverse == null ? null : (JSON.parse(String(row.inverse)) as Statement[]),
    },
  }));
  const undo = await compensate(session, finished);
  await clearProgress(session, dialect, options);
  if (undo.notCompensated.length > 0) {
    throw new MigrationFailedError(
      `An earlier migration run stopped half-way and ${undo.notCompensated.length} of its statements could not be undone; repair the schema by hand (see meta.notCompensated) before migrating again.`,
      {
        applied: [],
        failed: null,
        notExecuted: [],
        compensated: undo.compensated,
        notCompensated: undo.notCompensated,
      },
    );
  }
}

/**
 * After a failure the undo report is what the user needs; a cleanup that fails too (the connection
 * died) must not replace it. Rows left behind are undone again by the next run's recovery.
 */
async function clearProgressQuietly(session: Session, dialect: Dialect, options: StrategyOptions): Promise<void> {
  await clearProgress(session, dialect, options).catch(() => undefined);
}

async function clearProgress(session: Session, dialect: Dialect, options: StrategyOptions): Promise<void> {
  await session.query(`DELETE FROM ${dialect.quote(PROGRESS_TABLE)} WHERE ${dialect.quote("lock_key")} = ?`, [
    options.lockKey,
  ]);
}

async function withLock<T>(
  session: Session,
  dialect: Dialect,
  options: StrategyOptions,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = dialect.lock;
  if (!lock) return fn();
  let rows: Record<string, unknown>[] = [];
  for (const statement of lock.acquire(options.lockKey, options.lockTimeoutMs)) {
    rows = (await session.query(statement.sql, statement.params)).rows;
  }
  if (!lock.acquired(rows)) throw lockTimedOut(options.lockKey, options.lockTimeoutMs);
  try {
    return await fn();
  } finally {
    for (const statement of lock.release(options.lockKey)) {
      await session.query(statement.sql, statement.params).catch(() => undefined);
    }
  }
}
