/**
 * All-or-nothing for the MySQL family, where every DDL statement commits implicitly and a
 * transaction cannot undo it (https://dev.mysql.com/doc/refman/8.0/en/implicit-commit.html).
 *
 * Statements run one by one on a pinned connection holding a session lock (`GET_LOCK`). *Before*
 * each one runs, it is recorded with its inverse in the dialect's progress table: a client
 * killed mid-statement leaves the server to finish it, so only a record written first covers it.
 * Where the session takes scripts (mysql2 with `multipleStatements`), the record and its statement
 * travel in one round trip, the record first; the server runs them in that order.
 * On failure the finished statements are undone in reverse with their inverses, so the schema ends
 * as it began. A run that died half-way leaves its rows behind, and the next command that touches
 * the database (apply, rollback, reset, push: {@link AtomicStrategy.recover}) undoes them first,
 * under the lock — which the dead client's session holds until the server has finished its last
 * statement. An inverse that finds the schema already as before (its statement never took effect)
 * counts as undone. Whatever cannot be undone (no inverse, or the inverse failed) is said in the error.
 */
import type { Dialect, ProgressSql, Row, Statement } from "../dialects/types.js";
import type { AtomicCapability, Session } from "../drivers/types.js";
import { isVibormError, MigrationFailedError, UnsupportedOperationError } from "../errors.js";
import { driverErrorCode, lockTimedOut, runStatement, unitFailed } from "./failure.js";
import { runJoined, type ScriptSession } from "./script.js";
import type { AtomicOutcome, AtomicStrategy, AtomicUnit, StrategyOptions, UnfinishedUnit } from "./types.js";

type SessionCapability = Extract<AtomicCapability, { kind: "session" }>;

export function createCompensatingStrategy(
  atomic: SessionCapability,
  dialect: Dialect,
  options: StrategyOptions,
): AtomicStrategy {
  const progress = dialect.progress;
  if (!progress) {
    throw new UnsupportedOperationError(`The ${dialect.name} dialect keeps no progress table to undo DDL with.`, {
      dialect: dialect.name,
      operation: "compensating strategy",
    });
  }
  return {
    kind: "compensating",
    run: (unit) =>
      atomic.withSession((session) =>
        withLock(session, dialect, options, () => runUnit(session, dialect, progress, options, unit)),
      ),
    // One lock-free read when nothing is left over (the usual case); the lock only to undo.
    recover: () =>
      atomic.withSession(async (session) => {
        const rows = await readProgress(session.query, progress, options);
        if (rows === undefined || rows.length === 0) return;
        await withLock(session, dialect, options, () => recoverUnfinished(session, progress, options));
      }),
    async unfinished(query) {
      const rows = await readProgress(query, progress, options);
      return rows === undefined ? [] : summarize(rows);
    },
  };
}

// internal

async function runUnit(
  session: Session,
  dialect: Dialect,
  progress: ProgressSql,
  options: StrategyOptions,
  unit: AtomicUnit,
): Promise<AtomicOutcome> {
  // Only versioned migrations (units with a tracking write) persist their progress; a push keeps it
  // in memory, so pushing never leaves a bookkeeping table in a development database.
  const persist = unit.tracking.length > 0;
  if (persist) await recoverUnfinished(session, progress, options);
  if (unit.precheck) {
    const { rows } = await session.query(unit.precheck.statement.sql, unit.precheck.statement.params);
    if (!unit.precheck.shouldRun(rows)) return { status: "skipped" };
  }
  const finished: Statement[] = [];
  for (let index = 0; index < unit.statements.length; index++) {
    const statement = unit.statements[index]!;
    try {
      if (persist) {
        const inverse = statement.inverse ? JSON.stringify(statement.inverse) : null;
        const record = progress.insert(options.lockKey, unit.label, index, statement.sql, inverse);
        // One round trip for both where the session takes scripts: the server runs them in order,
        // and the record commits (autocommit, and the DDL's own implicit commit before it starts)
        // before the statement begins, so a client killed mid-statement still left it behind.
        await runInOrder(session, dialect, [record, statement]);
      } else {
        await runStatement(session, statement);
      }
      finished.push(statement);
    } catch (error) {
      // A statement the server refused did not take effect; after a lost connection nobody knows,
      // and its recorded inverse (tolerant of "already as before") undoes it either way.
      const lost = isVibormError(error, "CONNECTION_FAILED");
      const undo = await compensate(session, progress, lost ? [...finished, statement] : finished);
      const cleared = persist ? await clearQuietly(session, progress, options) : true;
      throw unitFailed(unit, index, error, { ...undo, deferred: lost && !cleared });
    }
  }
  if (!persist) return { status: "done" };
  // DML is transactional in InnoDB: the tracking write and the progress cleanup commit together.
  try {
    const clear = progress.clear(options.lockKey);
    await runInOrder(session, dialect, [
      dialect.transaction.begin,
      ...unit.tracking,
      clear,
      dialect.transaction.commit,
    ]);
  } catch (error) {
    await session.query(dialect.transaction.rollback.sql).catch(() => undefined);
    const undo = await compensate(session, progress, finished);
    const cleared = await clearQuietly(session, progress, options);
    throw unitFailed(unit, unit.statements.length, error, { ...undo, deferred: !cleared });
  }
  return { status: "done" };
}

/** Statements in order: as scripts where the session sends them, else one round trip each. */
async function runInOrder(session: Session, dialect: Dialect, statements: Statement[]): Promise<void> {
  if (session.script) {
    await runJoined(session as ScriptSession, dialect, statements);
    return;
  }
  for (const statement of statements) await runStatement(session, statement);
}

interface UndoReport {
  compensated: string[];
  notCompensated: { sql: string; reason: string }[];
  dataLost: { sql: string; reason: string }[];
}

/** Undoes statements newest first; reports what was and was not undone. */
async function compensate(session: Session, progress: ProgressSql, statements: Statement[]): Promise<UndoReport> {
  const report: UndoReport = { compensated: [], notCompensated: [], dataLost: [] };
  for (const statement of [...statements].reverse()) {
    if (!statement.inverse) {
      report.notCompensated.push({
        sql: statement.sql,
        reason:
          statement.irreversible ??
          "no recorded inverse (a statement written or edited by hand cannot be undone automatically)",
      });
      continue;
    }
    try {
      let changed = false;
      for (const inverse of statement.inverse) {
        try {
          await session.query(inverse.sql, inverse.params);
          changed = true;
        } catch (error) {
          if (!progress.alreadyUndone(driverErrorCode(error))) throw error;
        }
      }
      report.compensated.push(statement.sql);
      if (changed && statement.lossy) report.dataLost.push({ sql: statement.sql, reason: statement.lossy });
    } catch (error) {
      report.notCompensated.push({ sql: statement.sql, reason: `its inverse failed: ${(error as Error).message}` });
    }
  }
  return report;
}

/** The progress rows under the lock key, or `undefined` when the table does not exist yet. */
async function readProgress(
  query: Session["query"],
  progress: ProgressSql,
  options: StrategyOptions,
): Promise<Row[] | undefined> {
  const select = progress.select(options.lockKey);
  try {
    return (await query(select.sql, select.params)).rows;
  } catch (error) {
    if (progress.isMissingTable(driverErrorCode(error))) return undefined;
    throw error;
  }
}

function summarize(rows: Row[]): UnfinishedUnit[] {
  const byLabel = new Map<string, number>();
  for (const row of rows) byLabel.set(String(row.label), (byLabel.get(String(row.label)) ?? 0) + 1);
  return [...byLabel].map(([label, statements]) => ({ label, statements }));
}

/**
 * Undoes what an earlier, killed run left in the progress table. The table is read first and
 * created only when missing (then nothing can be left over): it exists on every run but the first,
 * and over HTTP (PlanetScale) every statement is a round trip.
 */
async function recoverUnfinished(
  session: Session,
  progress: ProgressSql,
  options: StrategyOptions,
): Promise<UnfinishedUnit[]> {
  const rows = await readProgress(session.query, progress, options);
  if (rows === undefined) {
    await session.query(progress.create().sql);
    return [];
  }
  if (rows.length === 0) return [];
  const statements = rows.map((row) => ({
    sql: String(row.sql_text),
    inverse: row.inverse == null ? null : (JSON.parse(String(row.inverse)) as Statement[]),
  }));
  const undo = await compensate(session, progress, statements);
  const clear = progress.clear(options.lockKey);
  await session.query(clear.sql, clear.params);
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
  return summarize(rows);
}

/**
 * After a failure the undo report is what the user needs; a cleanup that fails too (the connection
 * died) must not replace it: the rows left behind are undone by the next command. False then.
 */
async function clearQuietly(session: Session, progress: ProgressSql, options: StrategyOptions): Promise<boolean> {
  const clear = progress.clear(options.lockKey);
  return session.query(clear.sql, clear.params).then(
    () => true,
    () => false,
  );
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
