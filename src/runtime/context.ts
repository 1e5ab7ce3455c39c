/**
 * Everything one migration client works with, resolved once from the user's client and options.
 */
import { selectStrategy } from "../atomic/select.js";
import type { AtomicStrategy } from "../atomic/types.js";
import type { Dialect } from "../dialects/types.js";
import type { VibormClient } from "../drivers/client.js";
import type { Driver } from "../drivers/types.js";
import { InvalidArgumentError, StorageRequiredError } from "../errors.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import { meterDriver } from "./meter.js";
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  DEFAULT_TRACKING_TABLE,
  type MigrationClientOptions,
  type MigrationEvent,
} from "./types.js";

export interface RuntimeContext {
  driver: Driver;
  /** Round trips made through `driver` so far, and the budget `apply` keeps within. */
  meter: { used(): number; budget: number };
  dialect: Dialect;
  strategy: AtomicStrategy;
  /** The schema the user declared. */
  desired: Snapshot;
  tableName: string;
  /** PostgreSQL family: the schema the client lives in (`pgSchema`); introspection reads only it. */
  pgSchema?: string;
  storage: MigrationStorageDriver | undefined;
  now: () => Date;
  emit: (event: MigrationEvent) => void;
}

export function createContext(client: VibormClient, options: MigrationClientOptions): RuntimeContext {
  const given = client?.$driver;
  if (!given || typeof given.query !== "function" || !given.sqlDialect || !client.$snapshot) {
    throw new InvalidArgumentError(
      "createMigrationClient needs a client made by viborm's createClient (e.g. from viborm/pg).",
      { argument: "client" },
    );
  }
  const { tableName, lockTimeoutMs } = checkClientOptions(options);
  const { driver, used, budget } = meterDriver(given, options.queryBudget);
  // The driver's entry brought its own dialect: the runtime imports none, so a bundle holds only that one.
  const dialect = driver.sqlDialect;
  const { pgSchema } = driver;
  // Each schema has its own tracking table, so its own lock: two tenants never wait on each other.
  const lockKey = pgSchema === undefined ? `viborm:${tableName}` : `viborm:${pgSchema}.${tableName}`;
  return {
    driver,
    meter: { used, budget },
    dialect,
    strategy: selectStrategy(driver, dialect, { lockKey, lockTimeoutMs }),
    desired: client.$snapshot,
    tableName,
    ...(pgSchema === undefined ? {} : { pgSchema }),
    storage: options.storageDriver,
    now: options.now ?? (() => new Date()),
    emit(event) {
      // A listener that throws is the caller's bug: it must not fail (or half-finish) the command.
      try {
        options.onEvent?.(event);
      } catch {}
    },
  };
}

/**
 * The tracking table name and lock timeout, checked (`INVALID_ARGUMENT`), with their defaults; the
 * fleet checks them once this way before any tenant starts.
 */
export function checkClientOptions(options: MigrationClientOptions): { tableName: string; lockTimeoutMs: number } {
  const tableName = options.tableName ?? DEFAULT_TRACKING_TABLE;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(tableName)) {
    throw new InvalidArgumentError(
      `tableName "${tableName}" is not a plain identifier (letters, digits, underscores; at most 63).`,
      { argument: "tableName", value: tableName },
    );
  }
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  if (!Number.isFinite(lockTimeoutMs) || lockTimeoutMs < 0) {
    throw new InvalidArgumentError("lockTimeoutMs must be a non-negative number of milliseconds.", {
      argument: "lockTimeoutMs",
      value: lockTimeoutMs,
    });
  }
  return { tableName, lockTimeoutMs };
}

/** The storage driver, or `STORAGE_REQUIRED` for an operation that needs one. */
export function requireStorage(context: RuntimeContext, operation: string): MigrationStorageDriver {
  if (context.storage) return context.storage;
  throw new StorageRequiredError(
    `${operation}() needs migration files: pass storageDriver to createMigrationClient (push works without one).`,
    { operation },
  );
}
