/**
 * The fleet's scheduler: reads tenants one at a time and keeps at most `concurrency` running;
 * canaries first, then the rest only if every canary succeeded; no new start once more than
 * `maxFailures` tenants have failed. A tenant never started is `skipped`, untouched.
 */
import { FleetSourceFailedError, isVibormError } from "../errors.js";
import { summarize } from "./report.js";
import {
  checkTenant,
  duplicateTenant,
  listTenants,
  readTenants,
  type TenantList,
  thrownMessage,
  toFleetError,
} from "./tenants.js";
import type { FleetTenantReport, Tenant, TenantSource } from "./types.js";

/** How the scheduler starts tenants. */
export interface SchedulePolicy {
  concurrency: number;
  canary: number;
  maxFailures: number;
}

/** Migrates one tenant; never rejects (a failure is a `"failed"` line). */
export type RunTenant = (tenant: Tenant, index: number) => Promise<FleetTenantReport>;

/**
 * Every tenant's line, in the source's order. A source function that returns no list is
 * `INVALID_ARGUMENT`, and a viborm error it throws is thrown as it is, both before any tenant
 * starts. A source that fails while being read stops new starts; the tenants already running
 * finish, then `FLEET_SOURCE_FAILED` carries what was done.
 *
 * @example const lines = await schedule(tenants, { concurrency: 8, canary: 1, maxFailures: 0 }, run);
 */
export async function schedule(
  source: TenantSource,
  policy: SchedulePolicy,
  run: RunTenant,
): Promise<FleetTenantReport[]> {
  const state = createState(policy, run);
  let list: TenantList;
  try {
    list = await listTenants(source);
  } catch (error) {
    if (isVibormError(error)) throw error;
    throw sourceFailed(error, 0, []);
  }
  const iterator = readTenants(list)[Symbol.asyncIterator]();
  let index = 0;
  try {
    for (; ; index++) {
      // Wait for a free slot before reading the next tenant, so only running tenants are held.
      await state.slot();
      if (index === policy.canary) await state.drain();
      const next = await iterator.next();
      if (next.done) break;
      state.admit(next.value, index);
    }
  } catch (error) {
    await state.drain();
    throw sourceFailed(
      error,
      index,
      state.lines.filter((line) => line !== undefined),
    );
  }
  await state.drain();
  return state.lines;
}

// internal

function createState(policy: SchedulePolicy, run: RunTenant) {
  const lines: FleetTenantReport[] = [];
  const running = new Set<Promise<void>>();
  const seen = new Set<string>();
  let failed = 0;
  let canaryFailed = false;
  const stopped = () => canaryFailed || failed > policy.maxFailures;
  const record = (index: number, line: FleetTenantReport) => {
    lines[index] = line;
    if (line.state !== "failed") return;
    failed += 1;
    if (index < policy.canary) canaryFailed = true;
  };
  return {
    lines,
    async slot(): Promise<void> {
      while (running.size >= policy.concurrency) await Promise.race(running);
    },
    async drain(): Promise<void> {
      while (running.size > 0) await Promise.race(running);
    },
    admit(value: unknown, index: number): void {
      const checked = checkTenant(value, index);
      const { id } = checked;
      if (stopped()) {
        lines[index] = { id, state: "skipped", applied: [] };
        return;
      }
      const error = checked.error ?? (seen.has(id) ? duplicateTenant(id) : undefined);
      seen.add(id);
      const { tenant } = checked;
      if (error || !tenant) {
        record(index, { id, state: "failed", applied: [], ...(error ? { error } : {}) });
        return;
      }
      // `run` never rejects by contract; should it, the tenant still gets its line (failed), so the
      // report lists every tenant once and the run goes on.
      const task = Promise.resolve()
        .then(() => run(tenant, index))
        .then(
          (line) => record(index, line),
          (error: unknown) => record(index, { id, state: "failed", applied: [], error: toFleetError(error) }),
        );
      const tracked = task.finally(() => running.delete(tracked));
      running.add(tracked);
    },
  };
}

function sourceFailed(error: unknown, read: number, lines: FleetTenantReport[]): FleetSourceFailedError {
  const problem = thrownMessage(error);
  return new FleetSourceFailedError(
    `Reading the fleet's tenants failed after ${read} tenants: ${problem}; the tenants already read finished (meta.report), the rest never started.`,
    { problem, tenantsRead: read, report: { tenants: lines, summary: { ...summarize(lines) } } },
    { cause: error },
  );
}
