/**
 * Public types of the migration client.
 */
import type { Change, DestructiveChange, Operation, ResolveFn } from "../diff/operations.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import type { Finding, LintOptions, LintResult } from "./lint/types.js";
import type { PushPlan } from "./push-plan.js";

/** The default name of the tracking table. */
export const DEFAULT_TRACKING_TABLE = "_viborm_migrations";

/** How long `apply`, `rollback` and `reset` wait for another process's migration lock. */
export const DEFAULT_LOCK_TIMEOUT_MS = 30_000;

export interface MigrationClientOptions {
  /** Where migration folders live. Needed by everything but `push` (`STORAGE_REQUIRED`). */
  storageDriver?: MigrationStorageDriver;
  /** @default "_viborm_migrations" */
  tableName?: string;
  /** @default 30000 */
  lockTimeoutMs?: number;
  /** The clock, for migration ids and `appliedAt` (tests pass a fixed one). @default () => new Date() */
  now?: () => Date;
  /** Progress reports (the core never prints); the CLI renders them. */
  onEvent?: (event: MigrationEvent) => void;
  /**
   * How many round trips one `apply` may make: it stops between migrations before passing it,
   * leaving the rest pending for the next run (a Worker's per-invocation subrequest limit).
   * `Infinity` lifts it. @default the driver's own cap (the D1 binding: 50), else none
   */
  queryBudget?: number;
}

/** One migration as stored: the folder `<id>/` with `up.sql`, `down.sql` and `migration.json`. */
export interface Migration {
  /** `<yyyymmddhhmmss>_<name>`: unique, sorts in creation order. */
  id: string;
  /** Kebab-case, e.g. `add-users`. */
  name: string;
  /** SHA-256 (hex) of the stored `up.sql` and `down.sql`. */
  checksum: string;
  /** False when `up.sql` starts with the `-- viborm:no-transaction` directive. */
  transactional: boolean;
}

export type MigrationState = "applied" | "pending" | "modified" | "missing";

export interface MigrationStatus {
  id: string;
  name: string;
  state: MigrationState;
  /** ISO-8601, for applied, modified and missing migrations. */
  appliedAt?: string;
  /**
   * A run applying or rolling back this migration was killed half-way (MySQL family, where DDL
   * cannot be rolled back): the next apply, rollback, reset or push undoes what it left first.
   */
  interrupted?: true;
}

export type MigrationEvent =
  | { type: "migration:start"; direction: "up" | "down"; migration: Migration }
  | { type: "migration:done"; direction: "up" | "down"; migration: Migration; ms: number }
  | { type: "migration:skipped"; migration: Migration; reason: "applied-concurrently" }
  | { type: "push:start"; statements: number }
  | { type: "push:done"; statements: number; ms: number };

export interface PushOptions {
  /** Decides destructive and ambiguous changes; without it they fail with `DESTRUCTIVE_REJECTED`. */
  resolve?: ResolveFn;
  /** Proceed with destructive changes; a possible rename is treated as add + drop. @default false */
  force?: boolean;
  /** Plan and return the statements; touch nothing. With `plan`: check the plan against the database, run nothing. @default false */
  dryRun?: boolean;
  /**
   * A plan from an earlier `push({ dryRun: true })` (as JSON, parsed back): re-reads the database
   * and runs exactly the plan's statements, or nothing and `PLAN_STALE` if the database changed
   * since. Not combined with `resolve` or `force`: the plan holds its decisions.
   */
  plan?: PushPlan;
}

export interface PushResult {
  operations: Operation[];
  /** The SQL that ran (or would run, with `dryRun`). */
  statements: string[];
  /** The changes that needed a decision, as decided. */
  changes: Change[];
  applied: boolean;
  /** What lint finds in these statements (see `lint()`), with row counts from the database. */
  findings: Finding[];
  /** The plan as plain JSON: store or print it, and pass it back as `push({ plan })` to run exactly it. */
  plan: PushPlan;
}

export interface GenerateOptions {
  /** The migration's name (made kebab-case); derived from the changes when omitted. */
  name?: string;
  resolve?: ResolveFn;
  force?: boolean;
  /** Return what would be written; write nothing. @default false */
  dryRun?: boolean;
}

export interface GenerateResult {
  /** The new migration, or `null` when the schema has not changed. */
  migration: Migration | null;
  up: string[];
  down: string[];
  warnings: string[];
  /** What lint finds in `up` (see `lint()`), with row counts when the database can be reached. */
  findings: Finding[];
}

export interface ApplyOptions {
  /** Apply up to and including this migration (id or name). */
  to?: string;
  dryRun?: boolean;
  /** Apply pending migrations that sort before the last applied one (a merged branch). @default false */
  allowOutOfOrder?: boolean;
}

export interface ApplyResult {
  applied: Migration[];
  /** What is still pending after the call (with `dryRun`, everything that was pending). */
  pending: Migration[];
  /**
   * Present when apply stopped early to stay within `queryBudget`: the round trips it had used
   * and the budget. `pending` holds the rest; the next run continues with them.
   */
  stoppedAtBudget?: { used: number; budget: number };
}

export interface RollbackOptions {
  /** How many applied migrations to roll back, newest first. @default 1 */
  steps?: number;
  /** Roll back every migration applied after this one (id or name); it stays applied. */
  to?: string;
  dryRun?: boolean;
}

export interface RollbackResult {
  rolledBack: Migration[];
  /**
   * With `dryRun`: the data the down migrations would destroy (tables and columns dropped, types
   * narrowed), each with the `rows` and `values` it holds now. Read from the migrations' operations,
   * so a statement added to `down.sql` by hand is not listed.
   */
  changes?: DestructiveChange[];
}

export interface ResetOptions {
  dryRun?: boolean;
}

export interface ResetResult {
  /** Views, routines and other objects migrations made by hand, then tables and PostgreSQL enum types, dropped. */
  dropped: string[];
  applied: Migration[];
  /** With `dryRun`: each table (and enum type) dropped, with the `rows` each table holds now. */
  changes?: DestructiveChange[];
}

/** One thing `check` found out of step. */
export interface CheckProblem {
  code: "SCHEMA_AHEAD" | "BRANCH_CONFLICT" | "MODIFIED" | "MISSING" | "PENDING" | "DRIFT";
  message: string;
  /** The migrations concerned (ids). */
  migrations?: string[];
  /** The differences, in a few words each (e.g. "addColumn user.name"): SCHEMA_AHEAD and DRIFT. */
  changes?: string[];
}

export interface CheckResult {
  /** True when there is no problem. */
  ok: boolean;
  problems: CheckProblem[];
  /** Whether the database was reached (MODIFIED, MISSING, PENDING and DRIFT need it). */
  database: boolean;
}

export interface PullResult {
  /** A TypeScript module exporting each model and `schema`, formatted. */
  source: string;
  /** What the code cannot say exactly, e.g. a default only the database computes. */
  warnings: string[];
}

export interface BaselineOptions {
  /** The migration's name. @default "baseline" */
  name?: string;
}

export interface BaselineResult {
  /** The migration written and recorded as applied (it did not run). */
  migration: Migration;
  /** Its up.sql statements: what builds the same schema on an empty database. */
  up: string[];
  down: string[];
  /** Objects the baseline leaves out (e.g. a PostgreSQL aggregate, a MySQL event: the database cannot print them). */
  warnings: string[];
}

/** Exactly one repair of the history; each names a migration storage holds (id or name). */
export type ResolveOptions =
  /** Record it as applied without running it (its schema is already in the database). */
  | { applied: string; rolledBack?: undefined; acceptChecksum?: undefined }
  /** Forget it: it failed, or was undone by hand. */
  | { rolledBack: string; applied?: undefined; acceptChecksum?: undefined }
  /** Accept its files as they are now (e.g. a comment added after it was applied). */
  | { acceptChecksum: string; applied?: undefined; rolledBack?: undefined };

export interface ResolveResult {
  migration: Migration;
  action: "applied" | "rolledBack" | "acceptChecksum";
  /** False when the history already said so (nothing was written). */
  changed: boolean;
}

export interface MigrationClient {
  push(options?: PushOptions): Promise<PushResult>;
  generate(options?: GenerateOptions): Promise<GenerateResult>;
  apply(options?: ApplyOptions): Promise<ApplyResult>;
  status(): Promise<MigrationStatus[]>;
  rollback(options?: RollbackOptions): Promise<RollbackResult>;
  reset(options?: ResetOptions): Promise<ResetResult>;
  /**
   * Adopts a database built by push or another tool: writes a migration of its live schema and
   * records it applied without running it. Needs a database and storage with no history.
   */
  baseline(options?: BaselineOptions): Promise<BaselineResult>;
  /** The live database as viborm schema code (models, relations from foreign keys). Writes nothing. */
  pull(): Promise<PullResult>;
  /** The CI gate: what is out of step between schema, folders and database. Writes nothing. */
  check(): Promise<CheckResult>;
  /** Repairs the tracking table without running a migration: see {@link ResolveOptions}. */
  resolve(options: ResolveOptions): Promise<ResolveResult>;
  /** The risks of migrations before they run (pending ones by default); writes nothing. */
  lint(options?: LintOptions): Promise<LintResult>;
}
