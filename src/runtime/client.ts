import type { VibormClient } from "../drivers/client.js";
import { InvalidArgumentError } from "../errors.js";
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
  checkCallbacks(options);
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

// internal

const STORAGE_METHODS = ["get", "put", "delete", "list"] as const;

/**
 * What JavaScript callers (or a config read as JSON) can get wrong in ways types would have caught:
 * a storage driver without its four methods, a clock or an event callback that is not a function.
 * Refused here, before any command, rather than as a TypeError in the middle of one.
 */
export function checkCallbacks(options: MigrationClientOptions): void {
  const storage = options.storageDriver as unknown;
  if (storage !== undefined) {
    const missing = STORAGE_METHODS.filter(
      (method) => typeof (storage as Record<string, unknown> | null)?.[method] !== "function",
    );
    if (missing.length > 0)
      throw new InvalidArgumentError(
        `storageDriver must be a migration storage driver (get, put, delete and list; e.g. createFsStorageDriver("migrations")); ${typeof storage === "object" && storage !== null ? `it has no ${missing.join(", ")}` : `it was given a ${typeof storage}`}.`,
        { argument: "storageDriver", problem: `missing ${missing.join(", ")}` },
      );
  }
  for (const name of ["now", "onEvent"] as const) {
    const value = options[name] as unknown;
    if (value !== undefined && typeof value !== "function")
      throw new InvalidArgumentError(`${name} must be a function; it was given a ${typeof value}.`, {
        argument: name,
        problem: "not a function",
      });
  }
}
