import type { VibormClient } from "../drivers/client.js";
import { apply } from "./apply.js";
import { baseline } from "./baseline.js";
import { check } from "./check.js";
import { createContext } from "./context.js";
import { generate } from "./generate.js";
import { lint } from "./lint/lint.js";
import { pull } from "./pull.js";
import { push } from "./push.js";
import { reset } from "./reset.js";
import { resolve } from "./resolve.js";
import { rollback } from "./rollback.js";
import { status } from "./status.js";
import type { MigrationClient, MigrationClientOptions } from "./types.js";

/**
 * The migration client over a viborm client: `push` for development, and the versioned workflow
 * (`generate`, `apply`, `status`, `rollback`, `reset`) over a storage driver.
 *
 * @example
 * const migrations = createMigrationClient(client, { storageDriver: createFsStorageDriver("migrations") });
 * await migrations.apply();
 */
export function createMigrationClient(client: VibormClient, options: MigrationClientOptions = {}): MigrationClient {
  const context = createContext(client, options);
  return {
    push: (pushOptions) => push(context, pushOptions),
    generate: (generateOptions) => generate(context, generateOptions),
    apply: (applyOptions) => apply(context, applyOptions),
    status: () => status(context),
    rollback: (rollbackOptions) => rollback(context, rollbackOptions),
    reset: (resetOptions) => reset(context, resetOptions),
    resolve: (resolveOptions) => resolve(context, resolveOptions),
    baseline: (baselineOptions) => baseline(context, baselineOptions),
    check: () => check(context),
    pull: () => pull(context),
    lint: (lintOptions) => lint(context, lintOptions),
  };
}
