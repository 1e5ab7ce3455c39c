/**
 * Counts the round trips a migration client makes through its driver, so `apply` can stay within
 * a per-invocation budget (D1 in a Worker: 50 queries on the Free plan).
 */
import type { Driver, Session } from "../drivers/types.js";
import { InvalidArgumentError } from "../errors.js";

/** A driver that counts its round trips, and the count. */
export interface MeteredDriver {
  driver: Driver;
  /** Round trips made so far. */
  used(): number;
  /** The budget (`Infinity` when none). */
  budget: number;
}

/**
 * Wraps `driver` so every `query`, `queryAll`, batch, session statement and session script counts one round trip.
 *
 * @example const { driver, used } = meterDriver(client.$driver, options.queryBudget);
 */
export function meterDriver(driver: Driver, queryBudget: number | undefined): MeteredDriver {
  const budget = checkBudget(queryBudget ?? driver.queryBudget ?? Number.POSITIVE_INFINITY);
  let count = 0;
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A) => {
      count += 1;
      return fn(...args);
    };
  const { atomic } = driver;
  const metered: Driver = {
    ...driver,
    query: counted((sql: string, params?: unknown[]) => driver.query(sql, params)),
    queryAll: counted((statements) => driver.queryAll(statements)),
    atomic:
      atomic.kind === "batch"
        ? { kind: "batch", batch: counted((statements) => atomic.batch(statements)) }
        : {
            kind: "session",
            withSession: (fn) =>
              atomic.withSession((session: Session) => {
                const { script } = session;
                return fn({
                  query: counted((sql: string, params?: unknown[]) => session.query(sql, params)),
                  // A script is one round trip, however many statements it holds.
                  ...(script ? { script: counted((statements: readonly string[]) => script(statements)) } : {}),
                });
              }),
          },
    close: () => driver.close(),
  };
  return { driver: metered, used: () => count, budget };
}

function checkBudget(budget: number): number {
  if (budget === Number.POSITIVE_INFINITY || (Number.isInteger(budget) && budget >= 1)) return budget;
  throw new InvalidArgumentError("queryBudget must be a whole number of round trips, at least 1 (or Infinity).", {
    argument: "queryBudget",
    value: budget,
  });
}
