/**
 * Checks what `createFleetWorkflow` is given, before any run: the tenant ids, the client function
 * and the storage driver; and each page of ids a tenants function returns.
 */
import { InvalidArgumentError, StorageRequiredError } from "../../errors.js";
import { checkCallbacks } from "../../runtime/client.js";
import type { FleetWorkflowOptions } from "./types.js";

/**
 * `INVALID_ARGUMENT` naming the option for tenants that are neither ids nor a page function, a
 * client that is no function or a storage driver without its methods; `STORAGE_REQUIRED` without one.
 *
 * @example checkWorkflowOptions({ tenants: ["acme"], client, storageDriver });
 */
export function checkWorkflowOptions(options: FleetWorkflowOptions): void {
  const given = (options ?? {}) as Partial<FleetWorkflowOptions>;
  const { tenants } = given;
  if (Array.isArray(tenants)) checkTenantIds(tenants, "tenants");
  else if (typeof tenants !== "function") {
    throw new InvalidArgumentError(
      "createFleetWorkflow needs tenants: an array of tenant ids, or a function (cursor, limit) returning a page { ids, cursor? }.",
      { argument: "tenants", problem: tenants === undefined ? "missing" : `got ${typeof tenants}` },
    );
  }
  if (typeof given.client !== "function") {
    throw new InvalidArgumentError(
      "createFleetWorkflow needs client: a function (id) returning the tenant's viborm client, called in each step.",
      { argument: "client", problem: given.client === undefined ? "missing" : `got ${typeof given.client}` },
    );
  }
  if (!given.storageDriver) {
    throw new StorageRequiredError("createFleetWorkflow needs storageDriver: the migration set every tenant shares.", {
      operation: "createFleetWorkflow",
    });
  }
  checkCallbacks({ storageDriver: given.storageDriver });
}

/**
 * `INVALID_ARGUMENT` naming `tenants` (and the id) unless every id is a non-empty string, listed
 * once: a repeated id would share its steps' names, so the second would replay the first's results.
 */
export function checkTenantIds(ids: readonly unknown[], where: string): void {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (typeof id !== "string" || id === "") {
      throw new InvalidArgumentError(
        `${where} holds ${typeof id === "string" ? "an empty id" : `a ${typeof id}`} at position ${index}; every tenant id must be a non-empty string.`,
        { argument: "tenants", value: id, problem: "not a non-empty string" },
      );
    }
    if (seen.has(id)) {
      throw new InvalidArgumentError(`${where} lists tenant "${id}" more than once; each tenant must be listed once.`, {
        argument: "tenants",
        value: id,
        problem: "repeated id",
      });
    }
    seen.add(id);
  }
}
