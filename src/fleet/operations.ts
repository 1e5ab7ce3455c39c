/**
 * What the fleet does to one tenant: the migration client's apply, status or rollback, turned into
 * the tenant's line of the report.
 */
import type { MigrationClient } from "../runtime/types.js";
import type { FleetApplyOptions, FleetRollbackOptions, FleetTenantReport } from "./types.js";

/** One fleet call's work, the same for every tenant. `targetId` is `to` resolved once, up front. */
export type FleetOperation =
  | { kind: "apply"; options: FleetApplyOptions; targetId?: string }
  | { kind: "status" }
  | { kind: "rollback"; options: FleetRollbackOptions };

/** A tenant's report line without its id. */
export type TenantOutcome = Omit<FleetTenantReport, "id">;

/**
 * Runs `operation` on one tenant's migration client. Throws what the migration client throws; the
 * fleet turns that into a failed line.
 *
 * @example await runOperation(migrations, { kind: "status" }) // → { state: "pending", applied: [], pending: [...] }
 */
export async function runOperation(migrations: MigrationClient, operation: FleetOperation): Promise<TenantOutcome> {
  switch (operation.kind) {
    case "apply":
      return apply(migrations, operation.options, operation.targetId);
    case "status":
      return status(migrations);
    case "rollback":
      return rollback(migrations, operation.options);
  }
}

// internal

async function apply(
  migrations: MigrationClient,
  options: FleetApplyOptions,
  targetId: string | undefined,
): Promise<TenantOutcome> {
  const runOptions = {
    ...(options.to === undefined ? {} : { to: options.to }),
    allowOutOfOrder: options.allowOutOfOrder === true,
  };
  if (options.dryRun) {
    // A dry run lists everything pending; the work is what `to` reaches.
    const { pending } = await migrations.apply({ ...runOptions, dryRun: true });
    const work = pending.map((m) => m.id).filter((id) => targetId === undefined || id <= targetId);
    return { state: work.length > 0 ? "pending" : "up-to-date", applied: [], pending: work };
  }
  const result = await migrations.apply(runOptions);
  const applied = result.applied.map((m) => m.id);
  return {
    state: applied.length > 0 ? "applied" : "up-to-date",
    applied,
    pending: result.pending.map((m) => m.id),
  };
}

async function status(migrations: MigrationClient): Promise<TenantOutcome> {
  const rows = await migrations.status();
  const ids = (state: string) => rows.filter((row) => row.state === state).map((row) => row.id);
  const [pending, modified, missing] = [ids("pending"), ids("modified"), ids("missing")];
  return {
    state: pending.length > 0 ? "pending" : "up-to-date",
    applied: [],
    pending,
    ...(modified.length > 0 ? { modified } : {}),
    ...(missing.length > 0 ? { missing } : {}),
  };
}

async function rollback(migrations: MigrationClient, options: FleetRollbackOptions): Promise<TenantOutcome> {
  const runOptions = {
    ...(options.steps === undefined ? {} : { steps: options.steps }),
    ...(options.to === undefined ? {} : { to: options.to }),
  };
  if (options.dryRun) {
    const { rolledBack } = await migrations.rollback({ ...runOptions, dryRun: true });
    const work = rolledBack.map((m) => m.id);
    return { state: work.length > 0 ? "pending" : "up-to-date", applied: [], pending: work };
  }
  const { rolledBack } = await migrations.rollback(runOptions);
  const ids = rolledBack.map((m) => m.id);
  return { state: ids.length > 0 ? "rolled-back" : "up-to-date", applied: ids };
}
