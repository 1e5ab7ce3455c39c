/**
 * The fleet report's counts.
 */
import type { FleetReport, FleetSummary, FleetTenantReport } from "./types.js";

/**
 * How many tenants ended in each state.
 *
 * @example summarize([{ id: "a", state: "applied", applied: ["…"] }]) // → { applied: 1, rolledBack: 0, … }
 */
export function summarize(tenants: readonly FleetTenantReport[]): FleetSummary {
  const summary: FleetSummary = { applied: 0, rolledBack: 0, upToDate: 0, pending: 0, failed: 0, skipped: 0 };
  for (const tenant of tenants) summary[SUMMARY_KEY[tenant.state]] += 1;
  return summary;
}

/** The report of a fleet call from its tenant lines. */
export function toReport(tenants: FleetTenantReport[]): FleetReport {
  return { tenants, summary: summarize(tenants) };
}

// internal

const SUMMARY_KEY = {
  applied: "applied",
  "rolled-back": "rolledBack",
  "up-to-date": "upToDate",
  pending: "pending",
  failed: "failed",
  skipped: "skipped",
} as const satisfies Record<FleetTenantReport["state"], keyof FleetSummary>;
