/**
 * A tenant in a Workflow: one step that plans (what is pending, or the status), then one step per
 * migration, each retried with backoff by Workflows and kept in the instance's step history, so a
 * restarted run replays finished steps from history and resumes at the first unfinished one.
 */
import type { VibormClient } from "../../drivers/client.js";
import { isVibormError } from "../../errors.js";
import { createMigrationClient } from "../../runtime/client.js";
import type { MigrationClient } from "../../runtime/types.js";
import type { MigrationStorageDriver } from "../../storage/types.js";
import type { FleetOperation, TenantOutcome } from "../operations.js";
import { runOperation } from "../operations.js";
import { toFleetError } from "../tenants.js";
import type { FleetError, FleetTenantReport } from "../types.js";
import type { WorkflowStepConfigLike, WorkflowStepContextLike, WorkflowStepLike } from "./types.js";

/** What every step of one run shares. */
export interface StepSettings {
  step: WorkflowStepLike;
  config: WorkflowStepConfigLike;
  client(id: string): VibormClient | Promise<VibormClient>;
  storage: MigrationStorageDriver;
  clientOptions: { tableName: string; lockTimeoutMs: number };
  operation: FleetOperation;
}

/** A step's result: its value, or the error that ended it (after its retries). */
export type StepResult<T> = { ok: true; value: T } | { ok: false; error: FleetError };

/**
 * Runs `work` as the step `name`. A failure that may pass (a lost connection, a lock, a failed
 * migration the database rolled back) is thrown back to Workflows, which retries it with backoff;
 * on the last attempt, or for a failure that cannot pass (a changed file, a bad option), the error
 * is returned as the step's result, so the tenant is reported failed and the run goes on.
 */
export async function safeStep<T>(
  settings: StepSettings,
  name: string,
  work: () => Promise<T>,
): Promise<StepResult<T>> {
  try {
    return await settings.step.do(name, settings.config, async (context?: WorkflowStepContextLike) => {
      try {
        return { ok: true as const, value: await work() };
      } catch (error) {
        if (retryable(error) && !lastAttempt(context, settings.config)) throw error;
        return { ok: false as const, error: boundedError(toFleetError(error)) };
      }
    });
  } catch (error) {
    // A runtime that passes no attempt number throws the last failure out of step.do.
    return { ok: false, error: boundedError(toFleetError(error)) };
  }
}

/**
 * One tenant's steps: plan, then one per migration; its report line. Never throws.
 *
 * @example const line = await tenantSteps(settings, "acme");
 */
export async function tenantSteps(settings: StepSettings, id: string): Promise<FleetTenantReport> {
  const { operation } = settings;
  const planned = await safeStep(settings, `viborm:${id}:plan`, () =>
    withTenant(settings, id, (m) => plan(m, operation)),
  );
  if (!planned.ok) return { id, state: "failed", applied: [], error: planned.error };
  const { outcome, work } = planned.value;
  if (work.length === 0) return { id, ...outcome };
  const verb = operation.kind === "rollback" ? "rollback" : "apply";
  const done: string[] = [];
  for (const migration of work) {
    const ran = await safeStep(settings, `viborm:${id}:${verb}:${migration}`, () =>
      withTenant(settings, id, (m) => migrateOne(m, operation, migration)),
    );
    if (!ran.ok) return { id, state: "failed", applied: done, error: ran.error };
    done.push(...ran.value);
  }
  if (operation.kind === "rollback")
    return { id, state: done.length > 0 ? "rolled-back" : "up-to-date", applied: done };
  const pending = (outcome.pending ?? []).filter((m) => !done.includes(m));
  return { id, state: done.length > 0 ? "applied" : "up-to-date", applied: done, pending };
}

// internal

/** Opens the tenant's client for one step and closes it after, whatever happens. */
async function withTenant<T>(
  settings: StepSettings,
  id: string,
  fn: (migrations: MigrationClient) => Promise<T>,
): Promise<T> {
  const client = await settings.client(id);
  try {
    return await fn(createMigrationClient(client, { ...settings.clientOptions, storageDriver: settings.storage }));
  } finally {
    await client.$close();
  }
}

/**
 * The tenant's plan: its outcome when the call changes nothing (status, a dry run), else the
 * migrations to run, in order (apply: pending up to `to`; rollback: newest first).
 */
async function plan(
  migrations: MigrationClient,
  operation: FleetOperation,
): Promise<{ outcome: TenantOutcome; work: string[] }> {
  if (operation.kind === "status" || operation.options.dryRun)
    return { outcome: await runOperation(migrations, operation), work: [] };
  if (operation.kind === "apply") {
    const { to, allowOutOfOrder } = operation.options;
    const { pending } = await migrations.apply({
      ...(to === undefined ? {} : { to }),
      allowOutOfOrder: allowOutOfOrder === true,
      dryRun: true,
    });
    const all = pending.map((m) => m.id);
    const work = all.filter((id) => operation.targetId === undefined || id <= operation.targetId);
    return { outcome: { state: "up-to-date", applied: [], pending: all }, work };
  }
  const { steps, to } = operation.options;
  const { rolledBack } = await migrations.rollback({
    ...(steps === undefined ? {} : { steps }),
    ...(to === undefined ? {} : { to }),
    dryRun: true,
  });
  return { outcome: { state: "up-to-date", applied: [] }, work: rolledBack.map((m) => m.id) };
}

/**
 * Runs one migration of the plan, so that running the step twice (a retry, or a replay after the
 * step ran but before its result was saved) does the work once: apply up to it; roll back only
 * while it is still applied.
 */
async function migrateOne(
  migrations: MigrationClient,
  operation: FleetOperation,
  migration: string,
): Promise<string[]> {
  if (operation.kind === "apply") {
    const { applied } = await migrations.apply({
      to: migration,
      allowOutOfOrder: operation.options.allowOutOfOrder === true,
    });
    return applied.map((m) => m.id);
  }
  const applied = (await migrations.status())
    .filter((row) => row.state !== "pending")
    .map((row) => row.id)
    .sort();
  const at = applied.indexOf(migration);
  if (at < 0) return [];
  const before = applied[at - 1];
  const result =
    before === undefined
      ? await migrations.rollback({ steps: applied.length })
      : await migrations.rollback({ to: before });
  return result.rolledBack.map((m) => m.id);
}

/** Failures that a later attempt cannot fix: the same input gives the same error. */
const PERMANENT = new Set([
  "INVALID_ARGUMENT",
  "INVALID_SCHEMA",
  "INVALID_MIGRATION",
  "CHECKSUM_MISMATCH",
  "OUT_OF_ORDER",
  "MIGRATION_NOT_FOUND",
  "MIGRATION_CONFLICT",
  "STORAGE_REQUIRED",
  "STORAGE_READ_ONLY",
  "INVALID_STORAGE_KEY",
  "UNSUPPORTED_OPERATION",
  "DESTRUCTIVE_REJECTED",
]);

function retryable(error: unknown): boolean {
  if (!isVibormError(error)) return true;
  if (PERMANENT.has(error.code)) return false;
  // A MySQL-family migration that could not be fully undone must be looked at, not run again.
  if (isVibormError(error, "MIGRATION_FAILED") && (error.meta.notCompensated?.length ?? 0) > 0) return false;
  return true;
}

function lastAttempt(context: WorkflowStepContextLike | undefined, config: WorkflowStepConfigLike): boolean {
  if (typeof context?.attempt !== "number") return false;
  const limit = context.config?.retries?.limit ?? config.retries?.limit ?? 0;
  // Attempts count from 1; `limit` retries follow the first.
  return context.attempt > limit;
}

/** A step's result is limited to 1 MiB: an error keeps its code and message, and its meta only when small. */
function boundedError(error: FleetError): FleetError {
  const message = error.message.length > 2000 ? `${error.message.slice(0, 2000)}…` : error.message;
  const meta = JSON.stringify(error.meta ?? null);
  return {
    code: error.code,
    message,
    meta: meta.length <= 8000 ? error.meta : { truncated: true, preview: meta.slice(0, 4000) },
  };
}
