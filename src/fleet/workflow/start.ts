/**
 * Starting a fleet run from a Worker's `fetch` or `scheduled` handler.
 */
import { checkRunId } from "./parts.js";
import { checkParams } from "./run.js";
import type { FleetWorkflowParams, WorkflowBindingLike } from "./types.js";

/**
 * Checks `params` and starts the fleet run as a new Workflow instance; resolves to its id (yours,
 * or `fleet-<time>-<random>`), for `readFleetWorkflow`. Bad params are `INVALID_ARGUMENT` and
 * start nothing.
 *
 * @example const { id } = await startFleetWorkflow(env.FLEET_WORKFLOW, { action: "apply", canary: 1 });
 */
export async function startFleetWorkflow(
  binding: WorkflowBindingLike,
  params: FleetWorkflowParams = {},
  options: { id?: string } = {},
): Promise<{ id: string }> {
  const checked = checkParams(params);
  const { part: _part, ...rest } = checked;
  const id = checkRunId(options.id ?? `fleet-${Date.now()}-${crypto.randomUUID().slice(0, 8)}`);
  const instance = await binding.create({ id, params: rest });
  return { id: instance.id };
}
