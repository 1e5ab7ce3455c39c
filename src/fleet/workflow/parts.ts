/**
 * The part instances of a large fleet: their ids, starting them (idempotently: a step retried after
 * it started some finds them there), looking at them, and merging their outputs into one report.
 */
import { InvalidArgumentError } from "../../errors.js";
import { summarize } from "../report.js";
import type { FleetSummary, FleetTenantReport } from "../types.js";
import type {
  FleetWorkflowOutput,
  FleetWorkflowParams,
  FleetWorkflowStatus,
  WorkflowBindingLike,
  WorkflowInstanceStatusLike,
} from "./types.js";

/** A Workflow instance id: letters, digits, `-` and `_`, at most 64 characters (Workflows' limit). */
const INSTANCE_ID = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

/** Statuses after which an instance never runs again. */
const FINISHED = new Set(["complete", "errored", "terminated"]);

/** The id of part `index` of the fleet run `root`. */
export function partId(root: string, index: number): string {
  return `${root}-p${index}`;
}

/**
 * Checks the id of a fleet run: a valid instance id with room for its parts' suffix.
 *
 * @example checkRunId("fleet-2026-05-01") // → "fleet-2026-05-01"
 */
export function checkRunId(id: string): string {
  if (INSTANCE_ID.test(id) && id.length <= 56) return id;
  throw new InvalidArgumentError(
    `Fleet run id "${id}" must be letters, digits, "-" and "_", at most 56 characters (its parts add "-p<n>").`,
    { argument: "id", value: id, problem: "not a Workflow instance id" },
  );
}

/** Starts part instances (in one step); one that exists already (a retried step) counts as started. */
export async function startParts(
  binding: WorkflowBindingLike,
  parts: { id: string; params: FleetWorkflowParams }[],
): Promise<void> {
  for (const part of parts) {
    try {
      await binding.create({ id: part.id, params: part.params });
    } catch (error) {
      // Workflows refuses a second instance with the same id: it is ours, from an earlier attempt.
      const existing = await binding.get(part.id).catch(() => undefined);
      if (!existing) throw error;
    }
  }
}

/** A part's state as the first instance records it in a step: small, so any number fit. */
export interface PartState {
  id: string;
  status: string;
  tenants: number;
  summary?: FleetSummary;
}

/** Looks at parts; a finished one carries its counts. */
export async function lookAtParts(
  binding: WorkflowBindingLike,
  parts: { id: string; tenants: number }[],
): Promise<PartState[]> {
  return Promise.all(
    parts.map(async (part) => {
      const status = await (await binding.get(part.id)).status();
      const output = asOutput(status);
      const done = FINISHED.has(status.status);
      return {
        id: part.id,
        status: status.status,
        tenants: part.tenants,
        ...(done ? { summary: output?.summary ?? failedSummary(part.tenants) } : {}),
      };
    }),
  );
}

/** True when every part has finished. */
export function allFinished(parts: PartState[]): boolean {
  return parts.every((part) => FINISHED.has(part.status));
}

/**
 * A fleet run as one report: the first instance's output and every part's, read through the
 * binding. While the first instance runs, parts are found by their ids until one is missing.
 *
 * @example const run = await readFleetWorkflow(env.FLEET_WORKFLOW, "fleet-1"); run.report.summary
 */
export async function readFleetWorkflow(binding: WorkflowBindingLike, id: string): Promise<FleetWorkflowStatus> {
  const handle = await binding.get(checkRunId(id)).catch(() => {
    // Workflows answers an unknown id with an error of its own ("instance.not_found").
    throw new InvalidArgumentError(`No fleet run has the id "${id}".`, {
      argument: "id",
      value: id,
      problem: "no such fleet run",
    });
  });
  const root = await handle.status();
  const rootOutput = asOutput(root);
  const partIds = rootOutput?.parts ?? (await probeParts(binding, id));
  const parts = await Promise.all(
    partIds.map(async (part) => ({ id: part, status: await (await binding.get(part)).status() })),
  );
  const tenants: FleetTenantReport[] = [
    ...(rootOutput?.report.tenants ?? []),
    ...parts.flatMap((part) => asOutput(part.status)?.report.tenants ?? []),
  ];
  const skippedUnlisted = rootOutput?.skippedUnlisted ?? 0;
  const summary = rootOutput && FINISHED.has(root.status) ? rootOutput.summary : summarize(tenants);
  return {
    id,
    status: root.status,
    parts: parts.map((part) => ({ id: part.id, status: part.status.status })),
    report: { tenants, summary },
    skippedUnlisted,
    ...(rootOutput?.error ? { error: rootOutput.error } : {}),
  };
}

// internal

async function probeParts(binding: WorkflowBindingLike, root: string): Promise<string[]> {
  const found: string[] = [];
  for (let index = 0; ; index++) {
    const id = partId(root, index);
    const exists = await binding.get(id).then(
      () => true,
      () => false,
    );
    if (!exists) return found;
    found.push(id);
  }
}

function asOutput(status: WorkflowInstanceStatusLike): FleetWorkflowOutput | undefined {
  const output = status.output as Partial<FleetWorkflowOutput> | null | undefined;
  return output && typeof output === "object" && output.report && output.summary
    ? (output as FleetWorkflowOutput)
    : undefined;
}

/** A part that ended without an output (terminated, or errored outside any tenant): its tenants count as failed. */
function failedSummary(tenants: number): FleetSummary {
  return { applied: 0, rolledBack: 0, upToDate: 0, pending: 0, failed: tenants, skipped: 0 };
}
