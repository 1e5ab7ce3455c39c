import type { Dialect } from "../dialects/types.js";
import type { Driver } from "../drivers/types.js";
import { assertNever } from "../util/assert-never.js";
import { createBatchStrategy } from "./batch.js";
import { createCompensatingStrategy } from "./compensating.js";
import { createTransactionStrategy } from "./transaction.js";
import type { AtomicStrategy, StrategyOptions } from "./types.js";

/**
 * The one place that decides how a driver runs a unit all-or-nothing:
 * a batch driver (D1, Neon HTTP) sends one batch; a session driver with transactional DDL
 * (PostgreSQL, SQLite) wraps a transaction; a session driver whose DDL commits implicitly
 * (MySQL family) runs statement by statement and undoes what finished on failure.
 */
export function selectStrategy(driver: Driver, dialect: Dialect, options: StrategyOptions): AtomicStrategy {
  const atomic = driver.atomic;
  switch (atomic.kind) {
    case "batch":
      return createBatchStrategy(driver, atomic, dialect);
    case "session":
      return dialect.transactionalDdl
        ? createTransactionStrategy(atomic, dialect, options)
        : createCompensatingStrategy(atomic, dialect, options);
    default:
      return assertNever(atomic, "atomic capability");
  }
}
