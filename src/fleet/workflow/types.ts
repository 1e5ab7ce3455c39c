/**
 * Types of the fleet as a Cloudflare Workflow. The Workflows runtime's own types (`WorkflowStep`,
 * `WorkflowEvent`, the binding) are described structurally, so viborm needs neither
 * `cloudflare:workers` nor `@cloudflare/workers-types`: the real objects fit these shapes.
 */
import type { VibormClient } from "../../drivers/client.js";
import type { MigrationStorageDriver } from "../../storage/types.js";
import type { FleetError, FleetReport, FleetSummary } from "../types.js";

/**
 * Steps per instance the fleet plans for: under the Workers Free plan's limit of 1,024 steps per
 * Workflow instance (Paid: 10,000 by default), so a fleet runs on every plan. A larger fleet is
 * split across instances. https://developers.cloudflare.com/workflows/reference/limits/
 */
export const DEFAULT_MAX_STEPS_PER_INSTANCE = 1000;

/** Part instances of a large fleet running at once. */
export const DEFAULT_PARALLEL_INSTANCES = 10;

/** Each step's retries: 3 more attempts, 5 s then 10 s then 20 s apart. */
export const DEFAULT_STEP_RETRIES: WorkflowRetries = { limit: 3, delay: "5 seconds", backoff: "exponential" };

/** A duration as Workflows takes it: milliseconds, or text such as "5 seconds". */
export type WorkflowDuration = number | string;

/** How a step is retried (the shape of Workflows' `WorkflowStepConfig.retries`). */
export interface WorkflowRetries {
  limit: number;
  delay: WorkflowDuration;
  backoff?: "constant" | "linear" | "exponential";
}

/** A step's configuration, as `step.do(name, config, callback)` takes it. */
export interface WorkflowStepConfigLike {
  retries?: WorkflowRetries;
  timeout?: WorkflowDuration;
}

/** What Workflows passes to a step's callback (its attempt, from 1). Older runtimes pass nothing. */
export interface WorkflowStepContextLike {
  attempt?: number;
  config?: { retries?: { limit?: number } };
}

/** The part of Workflows' `WorkflowStep` the fleet uses. */
export interface WorkflowStepLike {
  do<T>(
    name: string,
    config: WorkflowStepConfigLike,
    callback: (context?: WorkflowStepContextLike) => Promise<T>,
  ): Promise<T>;
  sleep(name: string, duration: WorkflowDuration): Promise<void>;
}

/** The part of Workflows' `WorkflowEvent` the fleet uses. */
export interface WorkflowEventLike<P> {
  payload: Readonly<P>;
  instanceId: string;
}

/** `instance.status()`: `status` is "queued" | "running" | "paused" | "errored" | "terminated" | "complete" | "waiting" | …. */
export interface WorkflowInstanceStatusLike {
  status: string;
  output?: unknown;
  error?: unknown;
}

/** The part of a Workflow instance handle the fleet uses. */
export interface WorkflowInstanceLike {
  id: string;
  status(): Promise<WorkflowInstanceStatusLike>;
}

/** The part of a Workflow binding (`env.FLEET_WORKFLOW`) the fleet uses. */
export interface WorkflowBindingLike<P = FleetWorkflowParams> {
  create(options?: { id?: string; params?: P }): Promise<{ id: string }>;
  get(id: string): Promise<WorkflowInstanceLike>;
}

/** One page of tenant ids and where the next starts (absent on the last page). */
export interface TenantPage {
  ids: string[];
  cursor?: string;
}

/**
 * Where the fleet's tenant ids come from: an array, or a function reading one page at a time from a
 * cursor (`undefined` for the first page), so a fleet of any size is listed step by step. A page
 * holds at most `limit` ids; more are refused, since a step's result is limited to 1 MiB.
 */
export type TenantIdSource =
  | readonly string[]
  | ((cursor: string | undefined, limit: number) => TenantPage | Promise<TenantPage>);

/** What `createFleetWorkflow` takes: everything but the run's own choices (those are its params). */
export interface FleetWorkflowOptions {
  tenants: TenantIdSource;
  /**
   * The client of one tenant. Called inside each step that touches the tenant; the client is
   * closed when the step ends (a step may run in another invocation than the last).
   */
  client(id: string): VibormClient | Promise<VibormClient>;
  /** The one migration set every tenant shares (bundle, KV or R2 in a Worker). */
  storageDriver: MigrationStorageDriver;
  /** @default "_viborm_migrations" */
  tableName?: string;
  /** @default 30000 */
  lockTimeoutMs?: number;
  /**
   * This Workflow's own binding: a fleet too large for one instance is split into part instances
   * it starts through it. Without it, such a fleet fails with `INVALID_ARGUMENT` before anything runs.
   */
  binding?: WorkflowBindingLike;
  /** @default DEFAULT_STEP_RETRIES */
  retries?: WorkflowRetries;
  /** Each step's time limit. @default Workflows' own */
  timeout?: WorkflowDuration;
  /** @default DEFAULT_MAX_STEPS_PER_INSTANCE (1000) */
  maxStepsPerInstance?: number;
  /** @default DEFAULT_PARALLEL_INSTANCES (10) */
  parallelInstances?: number;
  /** How long the first instance waits between looks at its parts (doubling up to 60 s). @default 2000 */
  pollMs?: number;
}

/**
 * A fleet run's params (`binding.create({ params })`): JSON, at most 1 MiB like any event payload.
 *
 * @example { action: "apply", canary: 1, maxFailures: 0 }
 */
export interface FleetWorkflowParams {
  /** @default "apply" */
  action?: "apply" | "rollback" | "status";
  /** apply: up to and including this migration; rollback: everything applied after it. */
  to?: string;
  /** rollback: how many migrations each tenant rolls back. @default 1 */
  steps?: number;
  dryRun?: boolean;
  allowOutOfOrder?: boolean;
  /** @default 0 */
  canary?: number;
  /** `null` or absent: no limit (JSON has no Infinity). */
  maxFailures?: number | null;
  /** Tenants migrated at once within one instance. @default 8 */
  concurrency?: number;
  /** Set by the fleet on the part instances it starts; never set it yourself. */
  part?: { root: string; index: number; tenants: string[] };
}

/** What a fleet instance returns (its `status().output`). */
export interface FleetWorkflowOutput {
  /** The tenants this instance migrated itself (a part: its share), plus skipped ones it knew by id. */
  report: FleetReport;
  /** The first instance: the whole fleet, its parts included. A part: its own counts. */
  summary: FleetSummary;
  /** The part instances started (the first instance of a large fleet). */
  parts: string[];
  /** Skipped tenants counted but not listed by id (pages never given to a part). */
  skippedUnlisted: number;
  /** A failure of the whole run before any tenant was touched (a bad `to`, unreadable migrations). */
  error?: FleetError;
}

/** A fleet run as `readFleetWorkflow` reports it: the first instance and its parts, merged. */
export interface FleetWorkflowStatus {
  id: string;
  /** The first instance's status: "running" until every part is done, then "complete". */
  status: string;
  parts: { id: string; status: string }[];
  /** Every tenant reported so far (finished parts), and the counts: the whole fleet once complete. */
  report: FleetReport;
  skippedUnlisted: number;
  error?: FleetError;
}
