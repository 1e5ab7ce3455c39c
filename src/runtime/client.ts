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
    push: async (pushOptions) => push(context, checkFlags("push", pushOptions, ["dryRun", "force"])),
    generate: async (generateOptions) =>
      generate(context, checkFlags("generate", generateOptions, ["dryRun", "force"])),
    apply: async (applyOptions) => apply(context, checkFlags("apply", applyOptions, ["dryRun", "allowOutOfOrder"])),
    status: () => status(context),
    rollback: async (rollbackOptions) => rollback(context, checkFlags("rollback", rollbackOptions, ["dryRun"])),
    reset: async (resetOptions) => reset(context, checkFlags("reset", resetOptions, ["dryRun"])),
    resolve: (resolveOptions) => resolve(context, resolveOptions),
    baseline: (baselineOptions) => baseline(context, baselineOptions),
    check: () => check(context),
    pull: () => pull(context),
    lint: (lintOptions) => lint(context, lintOptions),
  };
}

// internal

/**
 * A command's options as given, once they are an object whose flags are true or false: a flag
 * read from the environment is a string, and `force: "false"` would otherwise accept data loss.
 */
function checkFlags<T extends object>(
  command: string,
  options: T | undefined,
  flags: readonly string[],
): T | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(
      `${command}() takes an object of options, e.g. { dryRun: true }; it was given ${Array.isArray(options) ? "a list" : String(options) === "null" ? "null" : `a ${typeof options}`}.`,
      { argument: "options", value: options },
    );
  }
  for (const flag of flags) {
    const value = (options as Record<string, unknown>)[flag];
    if (value !== undefined && typeof value !== "boolean") {
      throw new InvalidArgumentError(
        `${command}() option ${flag} must be true or false, not ${typeof value === "string" ? JSON.stringify(value) : String(value)}.`,
        {
          argument: flag,
          value,
        },
      );
    }
  }
  return options;
}

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
