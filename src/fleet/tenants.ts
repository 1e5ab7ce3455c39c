/**
 * Reading the tenant source one tenant at a time, checking each tenant, and opening (and closing)
 * the clients the fleet owns.
 */
import type { VibormClient } from "../drivers/client.js";
import { InvalidArgumentError, isVibormError } from "../errors.js";
import type { FleetError, Tenant, TenantSource } from "./types.js";

/**
 * The tenants of `source`, one at a time: a function is called first; an async iterable is read
 * lazily, so only the tenants being migrated are held. Yields the raw values, checked by {@link checkTenant}.
 */
export async function* readTenants(source: TenantSource): AsyncGenerator<unknown> {
  const value: unknown = typeof source === "function" ? await source() : source;
  if (isAsyncIterable(value)) {
    for await (const tenant of value) yield tenant;
  } else if (isIterable(value)) {
    for (const tenant of value) yield tenant;
  } else {
    throw new InvalidArgumentError(
      "tenants must be an array of { id, client }, an async iterable of them, or a function returning either.",
      { argument: "tenants", problem: `got ${describe(value)}` },
    );
  }
}

/**
 * The tenant as given, or the `INVALID_ARGUMENT` error (as data) saying what is wrong with it. The
 * id is what the report shows: the tenant's own id, else its position.
 */
export function checkTenant(value: unknown, index: number): { id: string; tenant?: Tenant; error?: FleetError } {
  const candidate = (typeof value === "object" && value !== null ? value : {}) as Partial<Tenant>;
  const hasId = typeof candidate.id === "string" && candidate.id !== "";
  const id = hasId ? (candidate.id as string) : `#${index}`;
  const client = candidate.client;
  if (!hasId) return { id, error: invalidTenant(id, "id", "a tenant needs a non-empty string id") };
  if (typeof client !== "function" && !isClient(client)) {
    return { id, error: invalidTenant(id, "client", "client must be a viborm client or a function returning one") };
  }
  return { id, tenant: candidate as Tenant };
}

/** A duplicate id in one run: reported as failed, never started. */
export function duplicateTenant(id: string): FleetError {
  return invalidTenant(id, "id", `tenant id "${id}" appears more than once; each tenant must be listed once`);
}

/**
 * The tenant's client, and whether the fleet owns it (made by the tenant's function, so the fleet
 * closes it). A function that throws or returns something else is `INVALID_ARGUMENT`.
 */
export async function openClient(tenant: Tenant): Promise<{ client: VibormClient; owned: boolean }> {
  if (typeof tenant.client !== "function") return { client: tenant.client, owned: false };
  let made: unknown;
  try {
    made = await tenant.client();
  } catch (error) {
    if (isVibormError(error)) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(`The client function of tenant "${tenant.id}" failed: ${reason}`, {
      argument: "client",
      value: tenant.id,
      problem: reason,
    });
  }
  if (!isClient(made)) {
    throw new InvalidArgumentError(
      `The client function of tenant "${tenant.id}" returned ${describe(made)}, not a viborm client.`,
      { argument: "client", value: tenant.id, problem: "not a viborm client" },
    );
  }
  return { client: made, owned: true };
}

/** A thrown value as report data: a viborm error's code, message and meta; anything else as UNKNOWN_ERROR. */
export function toFleetError(error: unknown): FleetError {
  if (isVibormError(error)) return { code: error.code, message: error.message, meta: error.meta };
  const message = error instanceof Error ? error.message : String(error);
  return { code: "UNKNOWN_ERROR", message, meta: { name: error instanceof Error ? error.name : typeof error } };
}

// internal

function invalidTenant(id: string, argument: string, problem: string): FleetError {
  return toFleetError(
    new InvalidArgumentError(`Tenant ${id}: ${problem}.`, { argument: `tenants.${argument}`, value: id, problem }),
  );
}

function isClient(value: unknown): value is VibormClient {
  const candidate = value as Partial<VibormClient> | null;
  return typeof candidate === "object" && candidate !== null && !!candidate.$driver && !!candidate.$snapshot;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function";
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value !== "string" && typeof (value as Iterable<unknown> | null)?.[Symbol.iterator] === "function";
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}
