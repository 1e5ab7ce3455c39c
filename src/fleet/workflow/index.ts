/**
 * @module viborm/fleet/workflow: the fleet as a Cloudflare Workflow. One step per tenant to plan
 * and one per tenant and migration, retried with backoff and kept in the step history, so a run
 * survives Worker restarts and resumes where it stopped; a fleet larger than one instance's step
 * budget is split across part instances. Imports nothing from `cloudflare:*`: call it from your
 * own `WorkflowEntrypoint` subclass.
 */
export { checkRunId, readFleetWorkflow } from "./parts.js";
export { checkParams, createFleetWorkflow, type FleetWorkflow } from "./run.js";
export { startFleetWorkflow } from "./start.js";
export type * from "./types.js";
export {
  DEFAULT_MAX_STEPS_PER_INSTANCE,
  DEFAULT_PARALLEL_INSTANCES,
  DEFAULT_STEP_RETRIES,
} from "./types.js";
