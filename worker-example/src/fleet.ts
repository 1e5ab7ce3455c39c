/**
 * The fleet: the example's migrations applied to every tenant database by a Cloudflare Workflow
 * (`FLEET_WORKFLOW` in wrangler.toml), one durable step per tenant and migration.
 *
 * - `POST /fleet` (JSON body: `{ action?, to?, steps?, dryRun?, canary?, maxFailures?, concurrency?, id? }`)
 *   starts a run and answers 202 `{ id }`; the cron starts one too when `FLEET_ON_CRON` is "true".
 * - `GET /fleet/:id` answers the run's report: its status, its part instances, every tenant's line.
 */
import { WorkflowEntrypoint } from "cloudflare:workers";
import { isVibormError, VibormError } from "viborm";
import {
  createFleetWorkflow,
  type FleetWorkflowOutput,
  type FleetWorkflowParams,
  readFleetWorkflow,
  startFleetWorkflow,
  type WorkflowBindingLike,
  type WorkflowEventLike,
  type WorkflowStepLike,
} from "viborm/fleet/workflow";
import type { Env } from "./env.js";
import { tenantClient, tenantPage } from "./fleet-tenants.js";
import { migrationStorage } from "./storage.js";

/** The Workflow class wrangler.toml names: each run migrates the fleet, or a part of a large one. */
export class FleetWorkflow extends WorkflowEntrypoint<Env, FleetWorkflowParams> {
  run(event: WorkflowEventLike<FleetWorkflowParams>, step: unknown): Promise<FleetWorkflowOutput> {
    return fleetWorkflow(this.env).run(event, step as WorkflowStepLike);
  }
}

/**
 * The fleet over `env`'s tenants and migrations. Retries come from `FLEET_RETRY_LIMIT` and
 * `FLEET_RETRY_DELAY` (default 3 retries, 5 s apart and doubling); `FLEET_MAX_STEPS_PER_INSTANCE`
 * (default 1000, under the Free plan's 1,024; up to 10,000 on Paid) and `FLEET_PARALLEL_INSTANCES`
 * (default 10) shape how a large fleet is split.
 */
export function fleetWorkflow(env: Env) {
  const delay = env.FLEET_RETRY_DELAY ?? "5 seconds";
  return createFleetWorkflow({
    tenants: (cursor, limit) => tenantPage(env, cursor, limit),
    client: (id) => tenantClient(env, id),
    storageDriver: migrationStorage(env),
    binding: requireFleetBinding(env),
    retries: {
      limit: env.FLEET_RETRY_LIMIT === undefined ? 3 : Number(env.FLEET_RETRY_LIMIT),
      // A bare number is milliseconds; text such as "5 seconds" goes to Workflows as it is.
      delay: /^\d+$/.test(delay) ? Number(delay) : delay,
      backoff: "exponential",
    },
    ...(env.FLEET_MAX_STEPS_PER_INSTANCE ? { maxStepsPerInstance: Number(env.FLEET_MAX_STEPS_PER_INSTANCE) } : {}),
    ...(env.FLEET_PARALLEL_INSTANCES ? { parallelInstances: Number(env.FLEET_PARALLEL_INSTANCES) } : {}),
  });
}

/**
 * `POST /fleet` and `GET /fleet/:id`; `undefined` for any other path.
 *
 * @example const response = await handleFleetRequest(request, env); if (response) return response;
 */
export async function handleFleetRequest(request: Request, env: Env): Promise<Response | undefined> {
  const { pathname } = new URL(request.url);
  const match = /^\/fleet(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!match) return undefined;
  try {
    if (request.method === "POST" && match[1] === undefined) {
      const body = (await request.json().catch(() => ({}))) as FleetWorkflowParams & { id?: string };
      const { id, ...params } = body ?? {};
      const started = await startFleetWorkflow(requireFleetBinding(env), params, id === undefined ? {} : { id });
      return Response.json(started, { status: 202 });
    }
    if (request.method === "GET" && match[1] !== undefined) {
      return Response.json(await readFleetWorkflow(requireFleetBinding(env), decodeURIComponent(match[1])));
    }
    return Response.json({ error: { code: "NOT_FOUND", message: "POST /fleet or GET /fleet/:id" } }, { status: 404 });
  } catch (error) {
    return errorResponse(error);
  }
}

/**
 * Starts the fleet run of one cron firing. Its id comes from the scheduled time, so a retried
 * invocation finds the run it started instead of starting a second one.
 */
export async function startFleetFromCron(env: Env, scheduledTime: number): Promise<string> {
  const binding = requireFleetBinding(env);
  const id = `fleet-cron-${scheduledTime}`;
  try {
    await startFleetWorkflow(binding, { action: "apply" }, { id });
  } catch (error) {
    const existing = await binding.get(id).catch(() => undefined);
    if (!existing) throw error;
  }
  return id;
}

// internal

function requireFleetBinding(env: Env): WorkflowBindingLike {
  if (env.FLEET_WORKFLOW) return env.FLEET_WORKFLOW;
  throw new VibormError(
    "CONFIG_ERROR",
    "The Worker has no FLEET_WORKFLOW binding; declare the workflow in wrangler.toml.",
    {
      path: "wrangler.toml",
      problem: "missing FLEET_WORKFLOW binding",
    },
  );
}

function errorResponse(error: unknown): Response {
  if (isVibormError(error)) {
    const status = isVibormError(error, "INVALID_ARGUMENT")
      ? error.meta.problem === "no such fleet run"
        ? 404
        : 400
      : 500;
    return Response.json({ error: { code: error.code, message: error.message, meta: error.meta } }, { status });
  }
  return Response.json({ error: { message: error instanceof Error ? error.message : String(error) } }, { status: 500 });
}
