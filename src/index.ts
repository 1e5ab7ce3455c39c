/**
 * @module viborm: the schema builder `s`, `createClient` over any driver, and the error classes.
 */
export { createClient, type VibormClient } from "./drivers/client.js";
export type { AtomicCapability, Driver, DriverTarget, QueryResult, Session } from "./drivers/types.js";
export * from "./errors.js";
export * from "./schema/index.js";
export type * from "./schema/snapshot.js";
