/**
 * Reading the tenant source one tenant at a time, checking each tenant, and opening (and closing)
 * the clients the fleet owns.
 */
import type { VibormClient } from "../drivers/client.js";
import { InvalidArgumentError, isVibormError } from "../errors.js";
import type { FleetError, Tenant, TenantSource } from "./types.js";

/** What a tenant source yields its tenants from, once a function source has been called. */
export type TenantList = Iterable<unknown> | AsyncIterable<unknown>;

/**
 * `INVALID_ARGUMENT` naming `tenants` unless `source` is one: an array (or another iterable), an
 * async iterable, or a function returning one. Checked by `createFleet`, before anything runs.
 */
export function checkSource(source: unknown): void {
  if (typeof source === "function" || isList(source)) return;
  throw new InvalidArgumentError(
    `createFleet needs tenants: an array of { id, client }, an async iterable of them, or a function returning either; it was given ${describe(source)}.`,
    { argument: "tenants", problem: `got ${describe(source)}` },
  );
}

/**
 * The tenants of `source` as a list to read: a function is called, and what it returns must be a
 * list (else `INVALID_ARGUMENT` naming `tenants`). What the function throws is thrown as it is.
 */
export async function listTenants(source: TenantSource): Promise<TenantList> {
  if (typeof source !== "function") return source;
  const value: unknown = await source();
  if (isList(value)) return value;
  throw new InvalidArgumentError(
    `The tenants function returned ${describe(value)}; it must return an array of { id, client } or an async iterable of them.`,
    { argument: "tenants", problem: `the function returned ${describe(value)}` },
  );
}

/** The tenants of `list`, one at a time: an async iterable is read lazily, so only the tenants being migrated are held. */
export async function* readTenants(list: TenantList): AsyncGenerator<unknown> {
  if (isAsyncIterable(list)) {
    for await (const tenant of list) yield tenant;
  } else {
    for (const tenant of list) yield tenant;
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
  if (typeof value !== "object" || value === null) {
    return { id, error: invalidTenant(id, "id", `it is ${describe(value)}, not { id, client }`) };
  }
  if (!hasId) {
    const given = "id" in candidate ? describe(candidate.id) : "none";
    return { id, error: invalidTenant(id, "id", `its id must be a non-empty string (it has ${given})`) };
  }
  const client: unknown = candidate.client;
  if (typeof client !== "function" && !isClient(client)) {
    return {
      id,
      error: invalidTenant(
        id,
        "client",
        `its client must be a viborm client or a function returning one, not ${describe(client)}`,
      ),
    };
  }
  return { id, tenant: candidate as Tenant };
}

/** A duplicate id in one run: reported as failed, never started. */
export function duplicateTenant(id: string): FleetError {
  return invalidTenant(id, "id", "its id appears more than once; each tenant must be listed once");
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
    const reason = thrownMessage(error);
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
  const message = thrownMessage(error);
  return { code: "UNKNOWN_ERROR", message, meta: { name: error instanceof Error ? error.name : typeof error } };
}

/** A thrown value's message: an Error's own, else the value as text (even one `String` cannot convert). */
export function thrownMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

// internal

/** The tenant's INVALID_ARGUMENT, naming it: `Tenant "acme": …`, or `Tenant #3: …` by position when it has no id. */
function invalidTenant(id: string, argument: string, problem: string): FleetError {
  const name = id.startsWith("#") ? id : JSON.stringify(id);
  return toFleetError(
    new InvalidArgumentError(`Tenant ${name}: ${problem}.`, { argument: `tenants.${argument}`, value: id, problem }),
  );
}

function isClient(value: unknown): value is VibormClient {
  const candidate = value as Partial<VibormClient> | null;
  return typeof candidate === "object" && candidate !== null && !!candidate.$driver && !!candidate.$snapshot;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof (value as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function";
}

/** An array, another iterable (not a string), or an async iterable. */
function isList(value: unknown): value is TenantList {
  if (typeof value !== "object" || value === null) return false;
  return isAsyncIterable(value) || typeof (value as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** What a value is, for messages: "null", "an array", "an object", "the number 42", "a string". */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "number":
    case "boolean":
      return `the ${typeof value} ${String(value)}`;
    case "string":
      return "a string";
    case "function":
      return "a function";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}
