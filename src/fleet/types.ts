/**
 * Public types of the fleet: one migration set applied to many databases (tenants).
 */
import type { VibormClient } from "../drivers/client.js";
import type { MigrationStorageDriver } from "../storage/types.js";

/** The default number of tenants migrated at once. */
export const DEFAULT_FLEET_CONCURRENCY = 8;

/**
 * One database of the fleet. `client` given as an object is yours: the fleet never closes it.
 * Given as a function, it is called when the tenant's turn comes and the client it returns is
 * closed when the tenant is done, so at most `concurrency` clients (connections) are open at once.
 *
 * @example { id: "acme", client: () => createClient({ schema, databaseUrl, pgSchema: "tenant_acme" }) }
 */
export interface Tenant {
  /** Names the tenant in reports and events; unique within the fleet. */
  id: string;
  client: VibormClient | (() => VibormClient | Promise<VibormClient>);
}

/**
 * Where the tenants come from: an array, or a function returning an array or an async iterable
 * (read lazily, one tenant at a time, so a list of 100,000 is never held at once), or an async
 * iterable itself. A function is called again by every `apply`, `status` and `rollback`; an async
 * iterable given directly can be read only once (pass a function returning it to run twice).
 */
export type TenantSource =
  | readonly Tenant[]
  | AsyncIterable<Tenant>
  | (() =>
      | readonly Tenant[]
      | Iterable<Tenant>
      | AsyncIterable<Tenant>
      | Promise<readonly Tenant[] | Iterable<Tenant> | AsyncIterable<Tenant>>);

/** What `createFleet` takes. */
export interface FleetOptions {
  tenants: TenantSource;
  /** The one migration set every tenant shares. */
  storageDriver: MigrationStorageDriver;
  /** Each tenant's tracking table. @default "_viborm_migrations" */
  tableName?: string;
  /** How long each tenant waits for its own migration lock. @default 30000 */
  lockTimeoutMs?: number;
  /** Tenants migrated at once (and so, with clients given as functions, connections open at once). @default 8 */
  concurrency?: number;
  /**
   * The first `canary` tenants, in the given order, go first; the others start only if every
   * canary succeeded (else they are `skipped`). Not used by `status`. @default 0
   */
  canary?: number;
  /**
   * Once more than `maxFailures` tenants have failed, no new tenant starts (the rest are
   * `skipped`); `0` stops at the first failure. Tenants already running finish. Not used by
   * `status`. @default Infinity
   */
  maxFailures?: number;
  /** Progress per tenant (the fleet never prints). */
  onEvent?: (event: FleetEvent) => void;
  /** The clock, for `appliedAt` (tests pass a fixed one). @default () => new Date() */
  now?: () => Date;
}

/** `fleet.apply` options: as `migrations.apply`, for every tenant. */
export interface FleetApplyOptions {
  /** Apply up to and including this migration (id or name). */
  to?: string;
  /** Report what each tenant would apply (`pending`); run nothing. @default false */
  dryRun?: boolean;
  /** @default false */
  allowOutOfOrder?: boolean;
}

/** `fleet.rollback` options: as `migrations.rollback`, for every tenant. */
export interface FleetRollbackOptions {
  /** How many applied migrations each tenant rolls back, newest first. @default 1 */
  steps?: number;
  /** Roll back every migration applied after this one (id or name). */
  to?: string;
  /** Report what each tenant would roll back (`pending`); run nothing. @default false */
  dryRun?: boolean;
}

/** What happened to one tenant in one call. */
export type FleetTenantState = "applied" | "rolled-back" | "up-to-date" | "pending" | "failed" | "skipped";

/** A tenant's error as data: a viborm error's `code`, `message` and `meta`. */
export interface FleetError {
  code: string;
  message: string;
  meta: unknown;
}

/** One tenant's line of a {@link FleetReport}. */
export interface FleetTenantReport {
  id: string;
  state: FleetTenantState;
  /** Migration ids applied (or rolled back) by this call, in the order they ran. */
  applied: string[];
  /**
   * The work left: after `apply`, what is still pending; from `status`, what is pending; in a dry
   * run, what would be applied (or rolled back).
   */
  pending?: string[];
  /** From `status`: applied migrations whose files changed since (apply refuses them). */
  modified?: string[];
  /** From `status`: applied migrations whose files are gone. */
  missing?: string[];
  /** Set when `state` is `"failed"`. */
  error?: FleetError;
}

/** How many tenants ended in each state. */
export interface FleetSummary {
  applied: number;
  rolledBack: number;
  upToDate: number;
  pending: number;
  failed: number;
  skipped: number;
}

/** The result of `apply`, `status` or `rollback`: every tenant, in the order given, and the counts. */
export interface FleetReport {
  tenants: FleetTenantReport[];
  summary: FleetSummary;
}

/** Progress per tenant. `index` is the tenant's position in the given order (0-based). */
export type FleetEvent =
  | { type: "tenant:start"; tenant: string; index: number }
  | { type: "tenant:done"; tenant: string; index: number; state: FleetTenantState; applied: string[]; ms: number }
  | { type: "tenant:failed"; tenant: string; index: number; error: FleetError; ms: number };

/** The fleet: the migration client's versioned workflow, across every tenant. */
export interface Fleet {
  apply(options?: FleetApplyOptions): Promise<FleetReport>;
  /** Reads every tenant's status; changes nothing, starts every tenant (no canary, no maxFailures). */
  status(): Promise<FleetReport>;
  rollback(options?: FleetRollbackOptions): Promise<FleetReport>;
}
