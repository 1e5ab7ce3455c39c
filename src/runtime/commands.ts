/**
 * The migration client's runtime commands one at a time, for bundles that need only those: a
 * Worker's cron that applies migrations imports `applyMigrations` and carries what applying needs,
 * where `createMigrationClient` brings every command along (push, generate, lint and the differ
 * behind them), because a bundler cannot drop the methods of an object.
 */
import type { VibormClient } from "../drivers/client.js";
import { apply } from "./apply.js";
import { createContext } from "./context.js";
import { rollback } from "./rollback.js";
import { status } from "./status.js";
import type {
  ApplyOptions,
  ApplyResult,
  MigrationClientOptions,
  MigrationStatus,
  RollbackOptions,
  RollbackResult,
} from "./types.js";

/**
 * Applies pending migrations, as `createMigrationClient(client, options).apply(applyOptions)` does.
 *
 * @example
 * const { applied, pending } = await applyMigrations(client, { storageDriver: createBundleStorageDriver(files) });
 */
export function applyMigrations(
  client: VibormClient,
  options: MigrationClientOptions = {},
  applyOptions: ApplyOptions = {},
): Promise<ApplyResult> {
  return apply(createContext(client, options), applyOptions);
}

/**
 * Each migration's state, as `createMigrationClient(client, options).status()` reports it.
 *
 * @example const rows = await migrationStatus(client, { storageDriver }); // → [{ id, name, state, appliedAt? }, …]
 */
export function migrationStatus(
  client: VibormClient,
  options: MigrationClientOptions = {},
): Promise<MigrationStatus[]> {
  return status(createContext(client, options));
}

/**
 * Runs down migrations, as `createMigrationClient(client, options).rollback(rollbackOptions)` does.
 *
 * @example const { rolledBack } = await rollbackMigrations(client, { storageDriver }, { steps: 1 });
 */
export function rollbackMigrations(
  client: VibormClient,
  options: MigrationClientOptions = {},
  rollbackOptions: RollbackOptions = {},
): Promise<RollbackResult> {
  return rollback(createContext(client, options), rollbackOptions);
}
