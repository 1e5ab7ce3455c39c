/**
 * `createFleet`: one migration set, many databases. Each tenant is migrated by the migration client
 * with its own atomic strategy, lock and tracking table, so a failure stays inside its tenant.
 */
import { InvalidArgumentError, StorageRequiredError } from "../errors.js";
import { checkCallbacks, createMigrationClient } from "../runtime/client.js";
import { checkClientOptions } from "../runtime/context.js";
import { loadMigrations } from "../runtime/journal.js";
import { findMigration } from "../runtime/target.js";
import type { MigrationClientOptions, MigrationEvent } from "../runtime/types.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import { type FleetOperation, runOperation } from "./operations.js";
import { toReport } from "./report.js";
import { type RunTenant, type SchedulePolicy, schedule } from "./schedule.js";
import { memoizeStorage } from "./storage.js";
import { checkSource, openClient, toFleetError } from "./tenants.js";
import {
  DEFAULT_FLEET_CONCURRENCY,
  type Fleet,
  type FleetEvent,
  type FleetOptions,
  type FleetReport,
  type FleetTenantReport,
  type Tenant,
  type TenantSource,
} from "./types.js";

/**
 * A fleet over `tenants`, all migrated from one `storageDriver`.
 *
 * @example
 * import { createFleet } from "viborm/fleet";
 * const fleet = createFleet({ tenants, storageDriver, concurrency: 16, canary: 1, maxFailures: 0 });
 * const report = await fleet.apply();
 * if (report.summary.failed > 0) console.error(report.tenants.filter((t) => t.state === "failed"));
 */
export function createFleet(options: FleetOptions): Fleet {
  const settings = checkOptions(options);
  const all: SchedulePolicy = { ...settings.policy, canary: 0, maxFailures: Number.POSITIVE_INFINITY };
  return {
    apply: (applyOptions = {}) => runFleet(settings, { kind: "apply", options: applyOptions }, settings.policy),
    // Reading changes nothing: every tenant is read, with no canary and no stop on failures.
    status: () => runFleet(settings, { kind: "status" }, all),
    rollback: (rollbackOptions = {}) =>
      runFleet(settings, { kind: "rollback", options: rollbackOptions }, settings.policy),
  };
}

/**
 * Migrates one tenant with `operation` and returns its report line (never throws). Its client, if
 * made by the tenant's function, is closed after.
 */
export async function migrateTenant(
  settings: FleetSettings,
  storage: MigrationStorageDriver,
  operation: FleetOperation,
  tenant: Tenant,
  index: number,
): Promise<FleetTenantReport> {
  const { id } = tenant;
  const started = Date.now();
  const applied: string[] = [];
  settings.emit({ type: "tenant:start", tenant: id, index });
  let opened: Awaited<ReturnType<typeof openClient>> | undefined;
  try {
    opened = await openClient(tenant);
    const migrations = createMigrationClient(opened.client, {
      ...settings.clientOptions,
      storageDriver: storage,
      // What finished before a failure is known from the events: the failed line lists it.
      onEvent: (event: MigrationEvent) => {
        if (event.type === "migration:done") applied.push(event.migration.id);
      },
    });
    const outcome = await runOperation(migrations, operation);
    settings.emit({
      type: "tenant:done",
      tenant: id,
      index,
      state: outcome.state,
      applied: outcome.applied,
      ms: ms(started),
    });
    return { id, ...outcome };
  } catch (thrown) {
    const error = toFleetError(thrown);
    settings.emit({ type: "tenant:failed", tenant: id, index, error, ms: ms(started) });
    return { id, state: "failed", applied, error };
  } finally {
    // The tenant's outcome is decided; a failure to close its connection (a rejection, a throw, no
    // $close at all) cannot change it.
    const made = opened?.owned ? opened.client : undefined;
    if (made)
      await Promise.resolve()
        .then(() => made.$close())
        .catch(() => undefined);
  }
}

/** The options of a fleet, checked and with their defaults. */
export interface FleetSettings {
  tenants: FleetOptions["tenants"];
  storageDriver: MigrationStorageDriver;
  policy: SchedulePolicy;
  clientOptions: { tableName: string; lockTimeoutMs: number; now?: () => Date };
  emit: (event: FleetEvent) => void;
}

/**
 * Checks `createFleet`'s options: `INVALID_ARGUMENT` for a bad value, `STORAGE_REQUIRED` without a
 * storage driver; nothing is read or run before they pass.
 */
export function checkOptions(options: FleetOptions): FleetSettings {
  const given = (options ?? {}) as Partial<FleetOptions>;
  checkSource(given.tenants);
  if (!given.storageDriver) {
    throw new StorageRequiredError("createFleet needs storageDriver: the migration set every tenant shares.", {
      operation: "createFleet",
    });
  }
  // The migration client's own checks: a storage driver with its four methods; a clock and a listener that are functions.
  checkCallbacks(given as unknown as MigrationClientOptions);
  const { tableName, lockTimeoutMs } = checkClientOptions({
    tableName: given.tableName,
    lockTimeoutMs: given.lockTimeoutMs,
  });
  return {
    tenants: given.tenants as TenantSource,
    storageDriver: given.storageDriver,
    policy: {
      concurrency: count("concurrency", given.concurrency ?? DEFAULT_FLEET_CONCURRENCY, 1),
      canary: count("canary", given.canary ?? 0, 0),
      maxFailures:
        given.maxFailures === undefined || given.maxFailures === Number.POSITIVE_INFINITY
          ? Number.POSITIVE_INFINITY
          : count("maxFailures", given.maxFailures, 0),
    },
    clientOptions: { tableName, lockTimeoutMs, ...(given.now ? { now: given.now } : {}) },
    emit(event) {
      // A listener that throws is the caller's bug: it must not stop a tenant or lose its line (as
      // in the migration client, which ignores it too).
      try {
        given.onEvent?.(event);
      } catch {}
    },
  };
}

/**
 * Reads the shared migration set once and checks the call's options against it, so a broken
 * folder or an unknown `to` fails here (`INVALID_MIGRATION`, `MIGRATION_NOT_FOUND`,
 * `INVALID_ARGUMENT`) before any tenant is touched. Returns the operation with `to` resolved.
 */
export async function preflight(storage: MigrationStorageDriver, operation: FleetOperation): Promise<FleetOperation> {
  const stored = await loadMigrations(storage);
  if (operation.kind === "status") return operation;
  const { to } = operation.options;
  if (operation.kind === "rollback") {
    const { steps } = operation.options;
    if (steps !== undefined && to !== undefined) {
      throw new InvalidArgumentError("rollback takes steps or to, not both.", { argument: "steps", value: steps });
    }
    if (steps !== undefined) count("steps", steps, 1);
  }
  if (to === undefined) return operation;
  const targetId = findMigration(stored, to).migration.id;
  return operation.kind === "apply" ? { ...operation, targetId } : operation;
}

// internal

async function runFleet(
  settings: FleetSettings,
  operation: FleetOperation,
  policy: SchedulePolicy,
): Promise<FleetReport> {
  const storage = memoizeStorage(settings.storageDriver);
  const resolved = await preflight(storage, operation);
  const run: RunTenant = (tenant, index) => migrateTenant(settings, storage, resolved, tenant, index);
  return toReport(await schedule(settings.tenants, policy, run));
}

function count(argument: string, value: unknown, minimum: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= minimum) return value;
  throw new InvalidArgumentError(`${argument} must be a whole number of at least ${minimum}, not ${String(value)}.`, {
    argument,
    value,
  });
}

function ms(started: number): number {
  return Date.now() - started;
}
