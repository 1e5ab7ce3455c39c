/**
 * All-or-nothing by one batch in one round trip (D1 `batch()`, D1's HTTP batch, Neon's
 * `sql.transaction([...])`): the database runs the whole batch in one transaction.
 *
 * Nothing can be read mid-batch, so concurrency rests on the tracking table's unique key: the
 * tracking insert goes first, a concurrent loser's whole batch fails on it, and after any failure
 * the applier re-reads the tracking row to tell "someone else did it" from a real failure.
 */
import type { Dialect } from "../dialects/types.js";
import type { AtomicCapability, Driver } from "../drivers/types.js";
import { unitFailed } from "./failure.js";
import { runOutsideTransaction } from "./non-transactional.js";
import type { AtomicStrategy } from "./types.js";

type BatchCapability = Extract<AtomicCapability, { kind: "batch" }>;

export function createBatchStrategy(driver: Driver, atomic: BatchCapability, _dialect: Dialect): AtomicStrategy {
  return {
    kind: "batch",
    async run(unit) {
      // A driver's plain query is a one-statement session, which is all a non-transactional unit needs.
      if (unit.transactional === false) return runOutsideTransaction(driver, unit);
      const statements = [...unit.tracking, ...unit.statements];
      if (statements.length === 0) return { status: "done" };
      try {
        // A check statement's rows arrive after the batch committed, so batches rely on checks that
        // fail the batch themselves (SQLite's deferred foreign keys fail the commit on a violation).
        await atomic.batch(statements);
        return { status: "done" };
      } catch (error) {
        if (unit.precheck) {
          const { rows } = await driver.query(unit.precheck.statement.sql, unit.precheck.statement.params);
          if (!unit.precheck.shouldRun(rows)) return { status: "skipped" };
        }
        const index = failedIndex(error);
        // Report indexes as the unit lists them (statements first, tracking after).
        const unitIndex =
          index === undefined
            ? undefined
            : index < unit.tracking.length
              ? unit.statements.length + index
              : index - unit.tracking.length;
        throw unitFailed(unit, unitIndex, error);
      }
    },
  };
}

// internal

/** Drivers that know which batch statement failed attach `statementIndex` to their error. */
function failedIndex(error: unknown): number | undefined {
  const index = (error as { statementIndex?: unknown } | null)?.statementIndex;
  return typeof index === "number" ? index : undefined;
}
