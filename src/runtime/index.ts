/**
 * @module viborm/migrations: the migration client (push, generate, apply, status, rollback, reset),
 * and its runtime commands one at a time (`applyMigrations`, `migrationStatus`, `rollbackMigrations`)
 * for a bundle that needs only those, such as a Worker's cron.
 */

export type {
  AmbiguousChange,
  AmbiguousDecision,
  Change,
  DestructiveChange,
  DestructiveDecision,
  Operation,
  ResolveFn,
} from "../diff/operations.js";
export type { MigrationStorageDriver } from "../storage/types.js";
export { createMigrationClient } from "./client.js";
export { applyMigrations, migrationStatus, rollbackMigrations } from "./commands.js";
export type { EmptyFact } from "./facts.js";
export type { PlanFingerprint } from "./fingerprint.js";
export type * from "./lint/types.js";
export { LINT_CODES } from "./lint/types.js";
export { MANIFEST_FILE, renderManifest, type WriteManifestResult, writeManifest } from "./manifest.js";
export type { PlanDecision, PushPlan } from "./push-plan.js";
export type * from "./types.js";
export { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_TRACKING_TABLE } from "./types.js";
