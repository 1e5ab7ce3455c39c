/**
 * @module viborm/fleet: one migration set applied to many databases (database-per-tenant, or a
 * PostgreSQL schema per tenant with `pgSchema`), with bounded concurrency, canaries, a failure
 * budget and a per-tenant report. Runtime-agnostic: it runs in Node and in Workers alike.
 */
export { createFleet } from "./fleet.js";
export type * from "./types.js";
export { DEFAULT_FLEET_CONCURRENCY } from "./types.js";
