/**
 * The fleet run inside a Workflow instance. The first instance plans in one step, lists tenants a
 * page per step, runs the canaries itself, and either migrates the rest itself (a fleet that fits
 * in one instance's step budget) or hands each page to a part instance, a wave at a time, looking
 * at the parts between sleeps. Tenants start in batches of `concurrency`; the canary and failure
 * rules are checked between batches and between waves, so a replay decides exactly as the run did.
 */
import { InvalidArgumentError } from "../../errors.js";
import { checkClientOptions } from "../../runtime/context.js";
import { preflight } from "../fleet.js";
import type { FleetOperation } from "../operations.js";
import { summarize } from "../report.js";
import { memoizeStorage } from "../storage.js";
import { toFleetError } from "../tenants.js";
import { DEFAULT_FLEET_CONCURRENCY, type FleetSummary, type FleetTenantReport } from "../types.js";
import { checkTenantIds, checkWorkflowOptions } from "./options.js";
import { allFinished, checkRunId, lookAtParts, type PartState, partId, startParts } from "./parts.js";
import { type StepSettings, safeStep, tenantSteps } from "./steps.js";
import {
  DEFAULT_MAX_STEPS_PER_INSTANCE,
  DEFAULT_PARALLEL_INSTANCES,
  DEFAULT_STEP_RETRIES,
  type FleetWorkflowOptions,
  type FleetWorkflowOutput,
  type FleetWorkflowParams,
  type TenantPage,
  type WorkflowEventLike,
  type WorkflowStepLike,
} from "./types.js";

/** A fleet Workflow's `run`, to call from your `WorkflowEntrypoint` subclass. */
export interface FleetWorkflow {
  run(event: WorkflowEventLike<FleetWorkflowParams>, step: WorkflowStepLike): Promise<FleetWorkflowOutput>;
}

/**
 * The fleet as a Cloudflare Workflow: one step per tenant to plan and one per tenant and migration,
 * each retried with backoff, the results kept in the step history.
 *
 * @example
 * import { WorkflowEntrypoint } from "cloudflare:workers";
 * export class FleetWorkflow extends WorkflowEntrypoint<Env, FleetWorkflowParams> {
 *   run(event, step) {
 *     return createFleetWorkflow({ tenants, client: (id) => createClient({ schema, database: this.env[id] }), storageDriver, binding: this.env.FLEET }).run(event, step);
 *   }
 * }
 */
export function createFleetWorkflow(options: FleetWorkflowOptions): FleetWorkflow {
  checkWorkflowOptions(options);
  const clientOptions = checkClientOptions({ tableName: options.tableName, lockTimeoutMs: options.lockTimeoutMs });
  const maxSteps = whole("maxStepsPerInstance", options.maxStepsPerInstance ?? DEFAULT_MAX_STEPS_PER_INSTANCE, 20);
  const parallel = whole("parallelInstances", options.parallelInstances ?? DEFAULT_PARALLEL_INSTANCES, 1);
  const config = {
    retries: options.retries ?? DEFAULT_STEP_RETRIES,
    ...(options.timeout ? { timeout: options.timeout } : {}),
  };
  return {
    async run(event, step) {
      const params = checkParams(event.payload ?? {});
      const settings: StepSettings = {
        step,
        config,
        client: options.client,
        storage: memoizeStorage(options.storageDriver),
        clientOptions,
        operation: { kind: "status" },
      };
      const planned = await safeStep(settings, "viborm:plan", async () => {
        const operation = await preflight(settings.storage, toOperation(params));
        return {
          operation,
          migrations: (await settings.storage.list()).filter((key) => key.endsWith("/up.sql")).length,
        };
      });
      if (!planned.ok) return { ...emptyOutput(), error: planned.error };
      settings.operation = planned.value.operation;
      // Steps per tenant: one plan, and at most one per migration.
      const perTenant = 1 + (params.action === "status" || params.dryRun ? 0 : planned.value.migrations);
      const pageSize = Math.max(1, Math.floor((maxSteps - 10) / perTenant));
      const run = {
        params,
        settings,
        pageSize,
        maxSteps,
        parallel,
        options,
        id: event.instanceId,
        pollMs: options.pollMs ?? 2000,
      };
      return params.part ? runPart(run, params.part.tenants) : runFirst(run);
    },
  };
}

// internal

/** Tenant ids of one page, and where the next page starts. */
interface Page {
  ids: string[];
  cursor: string | undefined;
}

/** What the step starting a wave records: its parts and the page after them. */
interface WaveStart {
  parts: { id: string; tenants: number }[];
  next: Page | null;
}

interface Run {
  id: string;
  params: FleetWorkflowParams;
  settings: StepSettings;
  pageSize: number;
  maxSteps: number;
  parallel: number;
  pollMs: number;
  options: FleetWorkflowOptions;
}

async function runPart(run: Run, tenants: string[]): Promise<FleetWorkflowOutput> {
  const lines = await runBatches(run, tenants, 0, budget(run.params));
  return { ...emptyOutput(), report: { tenants: lines, summary: summarize(lines) }, summary: summarize(lines) };
}

async function runFirst(run: Run): Promise<FleetWorkflowOutput> {
  const { params } = run;
  const first = await readPage(run, undefined, "viborm:tenants");
  if (!first.ok) return { ...emptyOutput(), error: first.error };
  const canary = Math.min(params.canary ?? 0, first.value.ids.length);
  const canaries = await runBatches(run, first.value.ids.slice(0, canary), 0, budget(params));
  const rest = first.value.ids.slice(canary);
  const canaryFailed = canaries.some((line) => line.state === "failed");
  if (canaryFailed || first.value.cursor === undefined) {
    const lines = canaryFailed ? skip(rest) : await runBatches(run, rest, countFailed(canaries), budget(params));
    const tenants = [...canaries, ...lines];
    const skippedUnlisted = canaryFailed ? await countRest(run, first.value.cursor) : 0;
    return finish(tenants, [], skippedUnlisted);
  }
  checkRunId(run.id);
  if (!run.options.binding) {
    const error = toFleetError(
      new InvalidArgumentError(
        `The fleet has more than ${run.pageSize} tenants, more than one Workflow instance can migrate within ${run.maxSteps} steps; pass this Workflow's binding as \`binding\` so it can split the fleet across instances.`,
        { argument: "binding", problem: "missing for a fleet larger than one instance" },
      ),
    );
    return { ...finish(canaries, [], 0), error };
  }
  return runWaves(run, canaries, rest, first.value.cursor);
}

/** Hands pages to part instances, a wave of `parallel` at a time, until the tenants end or too many failed. */
async function runWaves(
  run: Run,
  canaries: FleetTenantReport[],
  firstRest: string[],
  cursor: string | undefined,
): Promise<FleetWorkflowOutput> {
  const { params, settings } = run;
  const binding = run.options.binding!;
  const limit = budget(params);
  let failed = countFailed(canaries);
  let next: Page | undefined = { ids: firstRest, cursor };
  let index = 0;
  const done: PartState[] = [];
  for (let wave = 0; next && failed <= limit; wave++) {
    const remaining = limit - failed;
    const start = index;
    const from: Page = next;
    const started = await safeStep(settings, `viborm:wave:${wave}:start`, async (): Promise<WaveStart> => {
      const parts: { id: string; tenants: string[] }[] = [];
      let page: Page | undefined = from;
      while (page && parts.length < run.parallel) {
        if (page.ids.length > 0) parts.push({ id: partId(run.id, start + parts.length), tenants: page.ids });
        page = page.cursor === undefined ? undefined : await listPage(run, page.cursor);
      }
      await startParts(
        binding,
        parts.map((part) => ({
          id: part.id,
          params: {
            ...withoutPart(params),
            canary: 0,
            maxFailures: finite(remaining),
            part: { root: run.id, index: start, tenants: part.tenants },
          },
        })),
      );
      return { parts: parts.map((part) => ({ id: part.id, tenants: part.tenants.length })), next: page ?? null };
    });
    if (!started.ok) return { ...finish(canaries, done, 0), error: started.error };
    index += started.value.parts.length;
    const states = await waitForParts(run, wave, started.value.parts);
    done.push(...states);
    failed += states.reduce((sum, part) => sum + (part.summary?.failed ?? 0), 0);
    next = started.value.next ?? undefined;
  }
  const skippedUnlisted = next ? next.ids.length + (await countRest(run, next.cursor)) : 0;
  return finish(canaries, done, skippedUnlisted);
}

/** Sleeps and looks until every part of the wave has finished; the pause doubles up to 60 s. */
async function waitForParts(run: Run, wave: number, parts: { id: string; tenants: number }[]): Promise<PartState[]> {
  const binding = run.options.binding!;
  for (let look = 0; ; look++) {
    await run.settings.step.sleep(
      `viborm:wave:${wave}:sleep:${look}`,
      Math.min(60_000, run.pollMs * 2 ** Math.min(look, 5)),
    );
    const seen = await safeStep(run.settings, `viborm:wave:${wave}:look:${look}`, () => lookAtParts(binding, parts));
    if (seen.ok && allFinished(seen.value)) return seen.value;
  }
}

/** Tenants in batches of `concurrency`: a batch starts only while no more than `limit` have failed. */
async function runBatches(run: Run, ids: string[], failedBefore: number, limit: number): Promise<FleetTenantReport[]> {
  const size = run.params.concurrency ?? DEFAULT_FLEET_CONCURRENCY;
  const lines: FleetTenantReport[] = [];
  let failed = failedBefore;
  for (let at = 0; at < ids.length; at += size) {
    const batch = ids.slice(at, at + size);
    if (failed > limit) {
      lines.push(...skip(batch));
      continue;
    }
    const done = await Promise.all(batch.map((id) => tenantSteps(run.settings, id)));
    failed += countFailed(done);
    lines.push(...done);
  }
  return lines;
}

/** A full page of tenant ids from `cursor` (the first when undefined), as a step. */
async function readPage(run: Run, cursor: string | undefined, name: string) {
  return safeStep(run.settings, name, (): Promise<Page> => fillPage(run, cursor));
}

/**
 * Up to `pageSize` ids from `cursor` on, read inside the calling step: the source's own pages are
 * joined until the page is full or the source ends, so a short source page (the last bindings
 * before the API's databases) does not cost a part instance of its own.
 */
async function fillPage(run: Run, cursor: string | undefined): Promise<Page> {
  const ids: string[] = [];
  let at = cursor;
  do {
    const page = await pageOf(run, at, run.pageSize - ids.length);
    ids.push(...page.ids);
    at = page.cursor;
  } while (at !== undefined && ids.length < run.pageSize);
  return { ids, cursor: at };
}

/** One page, read inside the calling step. */
async function listPage(run: Run, cursor: string): Promise<Page> {
  return fillPage(run, cursor);
}

async function pageOf(run: Run, cursor: string | undefined, limit: number): Promise<TenantPage> {
  const source = run.options.tenants;
  if (typeof source !== "function") {
    const start = cursor === undefined ? 0 : Number(cursor);
    const ids = source.slice(start, start + limit);
    const end = start + ids.length;
    return end < source.length ? { ids: [...ids], cursor: String(end) } : { ids: [...ids] };
  }
  const page = await source(cursor, limit);
  if (!Array.isArray(page?.ids) || page.ids.length > limit) {
    throw new InvalidArgumentError(
      `A tenants page must be { ids, cursor? } with at most ${limit} (the limit asked) non-empty string ids.`,
      {
        argument: "tenants",
        problem: "bad page",
      },
    );
  }
  checkTenantIds(page.ids, "A tenants page");
  return page.cursor === undefined || page.cursor === "" ? { ids: page.ids } : { ids: page.ids, cursor: page.cursor };
}

/** Counts the tenants of the pages from `cursor` on (skipped, never listed by id), a page per step. */
async function countRest(run: Run, cursor: string | undefined): Promise<number> {
  let count = 0;
  for (let index = 0; cursor !== undefined; index++) {
    const page = await readPage(run, cursor, `viborm:skipped:${index}`);
    if (!page.ok) break;
    count += page.value.ids.length;
    cursor = page.value.cursor;
  }
  return count;
}

function finish(own: FleetTenantReport[], parts: PartState[], skippedUnlisted: number): FleetWorkflowOutput {
  const summary: FleetSummary = summarize(own);
  for (const part of parts) {
    for (const key of Object.keys(summary) as (keyof FleetSummary)[]) summary[key] += part.summary?.[key] ?? 0;
  }
  summary.skipped += skippedUnlisted;
  return {
    report: { tenants: own, summary: summarize(own) },
    summary,
    parts: parts.map((part) => part.id),
    skippedUnlisted,
  };
}

function emptyOutput(): FleetWorkflowOutput {
  return { report: { tenants: [], summary: summarize([]) }, summary: summarize([]), parts: [], skippedUnlisted: 0 };
}

function skip(ids: string[]): FleetTenantReport[] {
  return ids.map((id) => ({ id, state: "skipped", applied: [] }));
}

function countFailed(lines: FleetTenantReport[]): number {
  return lines.filter((line) => line.state === "failed").length;
}

function budget(params: FleetWorkflowParams): number {
  return params.maxFailures === undefined || params.maxFailures === null
    ? Number.POSITIVE_INFINITY
    : params.maxFailures;
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function withoutPart(params: FleetWorkflowParams): FleetWorkflowParams {
  const { part: _part, ...rest } = params;
  return rest;
}

function toOperation(params: FleetWorkflowParams): FleetOperation {
  const pick = <K extends keyof FleetWorkflowParams>(...keys: K[]) =>
    Object.fromEntries(keys.filter((key) => params[key] !== undefined).map((key) => [key, params[key]]));
  switch (params.action ?? "apply") {
    case "status":
      return { kind: "status" };
    case "rollback":
      return { kind: "rollback", options: pick("steps", "to", "dryRun") };
    default:
      return { kind: "apply", options: pick("to", "dryRun", "allowOutOfOrder") };
  }
}

/**
 * Checks a run's params (`INVALID_ARGUMENT` for a bad value), so a mistyped `POST /fleet` fails
 * before anything runs.
 */
export function checkParams(value: unknown): FleetWorkflowParams {
  const params = (typeof value === "object" && value !== null ? value : {}) as FleetWorkflowParams;
  if (params.action !== undefined && !["apply", "rollback", "status"].includes(params.action)) {
    throw new InvalidArgumentError(
      `action must be "apply", "rollback" or "status", not ${JSON.stringify(params.action)}.`,
      {
        argument: "action",
        value: params.action,
      },
    );
  }
  if (params.canary !== undefined) whole("canary", params.canary, 0);
  if (params.concurrency !== undefined) whole("concurrency", params.concurrency, 1);
  if (params.maxFailures !== undefined && params.maxFailures !== null) whole("maxFailures", params.maxFailures, 0);
  if (params.steps !== undefined) whole("steps", params.steps, 1);
  if (params.part !== undefined) checkRunId(params.part.root);
  return params;
}

function whole(argument: string, value: unknown, minimum: number): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= minimum) return value;
  throw new InvalidArgumentError(`${argument} must be a whole number of at least ${minimum}, not ${String(value)}.`, {
    argument,
    value,
  });
}
