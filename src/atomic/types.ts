/**
 * The atomic seam: run a list of statements all-or-nothing, with the tracking write inside the
 * same unit. The runtime never knows which strategy ran.
 */
import type { Row, Statement } from "../dialects/types.js";
import type { Session } from "../drivers/types.js";

export interface AtomicUnit {
  /** What the unit is, for errors and events: a migration id, or "push". */
  label: string;
  /** The work, in order. */
  statements: Statement[];
  /** The tracking write (insert or delete of the migration's row), part of the same unit. */
  tracking: Statement[];
  /**
   * Re-checks, under the lock, that the unit is still to be done (another applier may have done
   * it meanwhile). Batch strategies cannot read mid-batch: they run it after a failed batch instead.
   */
  precheck?: { statement: Statement; shouldRun(rows: Row[]): boolean };
  /**
   * False for a migration that declared itself non-transactional (e.g. `CREATE INDEX CONCURRENTLY`):
   * its statements run one by one outside a transaction, and a failure leaves the finished ones in place.
   * @default true
   */
  transactional?: boolean;
}

export type AtomicOutcome =
  /** The statements and the tracking write ran, all of them. */
  | { status: "done" }
  /** The precheck found the unit already done by another applier; nothing ran. */
  | { status: "skipped" };

export interface AtomicStrategy {
  /** Which strategy this is, for events and tests. */
  kind: "transaction" | "batch" | "compensating";
  /** Runs the unit all-or-nothing; throws `MigrationFailedError` or `LockTimeoutError`, leaving the database as it was. */
  run(unit: AtomicUnit): Promise<AtomicOutcome>;
  /**
   * Finishes what a killed run left (strategies that keep progress outside a transaction): every
   * command that touches the database calls it first, so it starts from "before" or "after".
   */
  recover?(): Promise<void>;
  /** Read-only: the units a killed run left unfinished (for `status`), without undoing them. */
  unfinished?(query: Session["query"]): Promise<UnfinishedUnit[]>;
}

/** A unit a killed run left half-done: its label (a migration id) and how many statements it recorded. */
export interface UnfinishedUnit {
  label: string;
  statements: number;
}

export interface StrategyOptions {
  /** Key of the migration lock (derived from the tracking table's name). */
  lockKey: string;
  /** How long to wait for the lock before `LOCK_TIMEOUT`. */
  lockTimeoutMs: number;
}
