/**
 * `viborm fleet apply | status | rollback`: the config's `fleet.tenants`, all migrated from the
 * config's one migration set, with a live progress line; exit 1 when any tenant failed.
 */
import type { FleetConfig } from "../../config.js";
import {
  createFleet,
  type FleetReport,
  type FleetTenantReport,
  type Tenant,
  type TenantSource,
} from "../../fleet/index.js";
import { DestructiveChangeError, type VibormClient } from "../../index.js";
import { abortedError } from "../decisions.js";
import { EXIT } from "../exit-codes.js";
import { createFleetProgress, duration } from "../fleet-progress.js";
import {
  checkTenantsResult,
  configError,
  displayPath,
  findConfig,
  loadConfigFile,
  resolveStorage,
} from "../load-config.js";
import type { Palette } from "../output.js";
import { plural } from "../render.js";
import type { CommandContext, CommonFlags } from "./shared.js";

/** The flags every fleet command takes. */
export interface FleetFlags extends CommonFlags {
  concurrency?: number;
  canary?: number;
  maxFailures?: number;
}

/** `viborm fleet apply` flags. */
export interface FleetApplyFlags extends FleetFlags {
  to?: string;
  dryRun?: boolean;
  allowOutOfOrder?: boolean;
}

/** `viborm fleet status` flags. */
export interface FleetStatusFlags extends FleetFlags {
  exitCode?: boolean;
}

/** `viborm fleet rollback` flags. */
export interface FleetRollbackFlags extends FleetFlags {
  steps?: number;
  to?: string;
  dryRun?: boolean;
  force?: boolean;
}

/**
 * Runs `viborm fleet apply`; resolves to 0, or 1 when any tenant failed.
 *
 * @example await fleetApplyCommand(context, { canary: 1, maxFailures: 0 });
 */
export function fleetApplyCommand(context: CommandContext, flags: FleetApplyFlags): Promise<number> {
  const options = {
    ...(flags.to === undefined ? {} : { to: flags.to }),
    dryRun: flags.dryRun === true,
    allowOutOfOrder: flags.allowOutOfOrder === true,
  };
  return withFleet(context, flags, "fleet apply", flags.dryRun ? "checking" : "applying", async (fleet) => {
    const report = await fleet.apply(options);
    return { report, dryRun: options.dryRun };
  });
}

/**
 * Runs `viborm fleet status`; resolves to 0, 1 when a tenant could not be read, or 2 with
 * `--exit-code` when any tenant has pending or modified migrations.
 *
 * @example await fleetStatusCommand(context, { exitCode: true });
 */
export function fleetStatusCommand(context: CommandContext, flags: FleetStatusFlags): Promise<number> {
  const given = [flags.canary === undefined ? "" : "--canary", flags.maxFailures === undefined ? "" : "--max-failures"];
  const named = given.filter(Boolean);
  if (named.length > 0) {
    context.output.note(
      context.errorColor.yellow(
        `note: ${named.join(" and ")} ${named.length > 1 ? "shape" : "shapes"} fleet apply and rollback; fleet status reads every tenant and changes nothing, so ${named.length > 1 ? "they change" : "it changes"} nothing here.`,
      ),
    );
  }
  return withFleet(context, flags, "fleet status", "reading", async (fleet) => {
    const report = await fleet.status();
    const behind = report.tenants.some(
      (t) => t.state === "pending" || (t.modified?.length ?? 0) > 0 || (t.missing?.length ?? 0) > 0,
    );
    return { report, dryRun: false, ...(flags.exitCode && behind ? { exitCode: EXIT.pending } : {}) };
  });
}

/**
 * Runs `viborm fleet rollback`; in a terminal it asks first unless `--force` or `--dry-run`.
 *
 * @example await fleetRollbackCommand(context, { steps: 1, force: true });
 */
export function fleetRollbackCommand(context: CommandContext, flags: FleetRollbackFlags): Promise<number> {
  const options = {
    ...(flags.steps === undefined ? {} : { steps: flags.steps }),
    ...(flags.to === undefined ? {} : { to: flags.to }),
    dryRun: flags.dryRun === true,
  };
  const how = flags.to !== undefined ? `everything applied after ${flags.to}` : plural(flags.steps ?? 1, "migration");
  return withFleet(context, flags, "fleet rollback", flags.dryRun ? "checking" : "rolling back", async (fleet) => {
    const { prompter } = context;
    if (!flags.force && !options.dryRun) {
      // As migrate rollback: a person confirms in a terminal; without one, --force is the decision.
      if (!prompter) {
        throw new DestructiveChangeError(
          `Rolling back ${how} on every tenant needs --force without a terminal (e.g. \`viborm fleet rollback --steps 1 --force\`; --dry-run lists the work). Nothing ran.`,
          { changes: [] },
        );
      }
      const question = `Roll back ${how} on every tenant of the fleet (their down.sql drops what those migrations made)?`;
      if (!(await prompter.confirm(question, []))) throw abortedError([], "Fleet rollback aborted at the confirmation");
    }
    return { report: await fleet.rollback(options), dryRun: options.dryRun };
  });
}

// internal

type Run = (
  fleet: ReturnType<typeof createFleet>,
) => Promise<{ report: FleetReport; dryRun: boolean; exitCode?: number }>;

/** Loads the config's fleet, runs `run` with progress, prints the report and closes the clients the config gave. */
async function withFleet(
  context: CommandContext,
  flags: FleetFlags,
  command: string,
  verb: string,
  run: Run,
): Promise<number> {
  const { output } = context;
  const configPath = findConfig(context.cwd, flags.config);
  const config = await loadConfigFile(configPath);
  const fleetConfig: FleetConfig | undefined = config.fleet;
  if (!fleetConfig) {
    throw configError(
      configPath,
      `the config in ${configPath} has no \`fleet\`; add \`fleet: { tenants }\` to use viborm fleet`,
    );
  }
  const migrations = config.migrations ?? {};
  const storage = resolveStorage(context.cwd, configPath, migrations, flags.dir);
  const progress = createFleetProgress(output, context.errorColor, verb);
  const given = new Set<VibormClient>();
  const fleet = createFleet({
    tenants: watchSource(configPath, fleetConfig.tenants, (total) => progress.setTotal(total), given),
    storageDriver: storage.driver,
    ...pick({ tableName: flags.tableName ?? migrations.tableName, lockTimeoutMs: migrations.lockTimeoutMs }),
    ...pick({
      concurrency: flags.concurrency ?? fleetConfig.concurrency,
      canary: flags.canary ?? fleetConfig.canary,
      maxFailures: flags.maxFailures ?? fleetConfig.maxFailures,
    }),
    onEvent: progress.onEvent,
  });
  const started = Date.now();
  try {
    const { report, dryRun, exitCode } = await run(fleet);
    progress.finish();
    const failed = report.tenants.filter((tenant) => tenant.state === "failed");
    if (output.json) {
      output.printJson({ ok: failed.length === 0, command, dryRun, ...report, failed: failed.map((t) => t.id) });
    } else {
      printReport(context, { command, configPath }, report, dryRun, Date.now() - started);
    }
    return failed.length > 0 ? EXIT.failure : (exitCode ?? EXIT.ok);
  } finally {
    progress.finish();
    // Clients given as objects are the fleet's caller's: here the CLI, which loaded them.
    await Promise.all([...given].map((client) => client.$close().catch(() => undefined)));
  }
}

/**
 * The config's tenants as the fleet reads them, noting the total when it is known (an array) and
 * the clients given as objects (to close at the end). Still read lazily. What a tenants function
 * returns is checked here: anything but a list is the config's error (`CONFIG_ERROR`).
 */
function watchSource(
  configPath: string,
  source: TenantSource,
  onTotal: (total: number) => void,
  given: Set<VibormClient>,
): TenantSource {
  const note = (tenant: unknown) => {
    const client = (tenant as Partial<Tenant> | null)?.client;
    if (client && typeof client === "object") given.add(client);
    return tenant as Tenant;
  };
  return async () => {
    const list = typeof source === "function" ? checkTenantsResult(configPath, await source()) : source;
    if (Array.isArray(list)) {
      onTotal(list.length);
      return list.map(note);
    }
    return (async function* () {
      if (Symbol.asyncIterator in list) {
        for await (const tenant of list as AsyncIterable<unknown>) yield note(tenant);
      } else {
        for (const tenant of list as Iterable<unknown>) yield note(tenant);
      }
    })();
  };
}

function printReport(
  context: CommandContext,
  run: { command: string; configPath: string },
  report: FleetReport,
  dryRun: boolean,
  ms: number,
): void {
  const { output } = context;
  const { color } = output;
  const { summary } = report;
  const { command } = run;
  if (report.tenants.length === 0) {
    const where = displayPath(context.cwd, run.configPath);
    output.print(`${color.yellow("!")} ${command}: no tenants (fleet.tenants in ${where} lists none), so nothing ran.`);
    return;
  }
  const counts = [
    summary.applied > 0 ? `${summary.applied} applied` : "",
    summary.rolledBack > 0 ? `${summary.rolledBack} rolled back` : "",
    summary.upToDate > 0 ? `${summary.upToDate} up to date` : "",
    summary.pending > 0 ? `${summary.pending} ${dryRun ? "with work to do" : "pending"}` : "",
    summary.failed > 0 ? color.red(`${summary.failed} failed`) : "",
    summary.skipped > 0 ? color.yellow(`${summary.skipped} skipped`) : "",
  ].filter(Boolean);
  const total = report.tenants.length;
  const mark = summary.failed > 0 ? color.red("✖") : color.green("✓");
  const rate = ms > 0 ? ` · ${((total * 1000) / ms).toFixed(1)}/s` : "";
  output.print(
    `${mark} ${command}${dryRun ? " (dry run: nothing ran)" : ""}: ${plural(total, "tenant")} in ${duration(ms / 1000)}${rate}${counts.length > 0 ? ` — ${counts.join(", ")}` : ""}`,
  );
  for (const line of workLines(report.tenants, color, output.verbose)) output.print(line);
  const failed = report.tenants.filter((tenant) => tenant.state === "failed");
  if (failed.length === 0) return;
  context.output.note(context.errorColor.red(`✖ ${plural(failed.length, "tenant")} failed:`));
  for (const tenant of failed) {
    context.output.note(
      `  ${tenant.id}  ${context.errorColor.bold(tenant.error?.code ?? "")}  ${tenant.error?.message ?? ""}`,
    );
  }
  if (summary.skipped > 0) {
    context.output.note(
      `  ${plural(summary.skipped, "tenant")} skipped (never started): run again once the failures are fixed.`,
    );
  }
}

/** Tenants grouped by the work they have (or did): "12 tenants  ↑ 20260101000001_init, …". */
function workLines(tenants: readonly FleetTenantReport[], color: Palette, verbose: boolean): string[] {
  if (verbose) {
    return tenants.map((t) => `  ${t.id}  ${t.state}${workOf(t).length > 0 ? `  ${workOf(t).join(", ")}` : ""}`);
  }
  const groups = new Map<string, number>();
  for (const tenant of tenants) {
    const work = workOf(tenant);
    if (work.length === 0 || tenant.state === "failed") continue;
    const key = `${tenant.state}: ${work.join(", ")}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const lines = [...groups].slice(0, 10).map(([key, count]) => `  ${color.dim(plural(count, "tenant"))}  ${key}`);
  if (groups.size > 10) lines.push(color.dim(`  … and ${groups.size - 10} more groups (--verbose lists every tenant)`));
  return lines;
}

function workOf(tenant: FleetTenantReport): string[] {
  const extra = [
    ...(tenant.modified ?? []).map((id) => `${id} (modified)`),
    ...(tenant.missing ?? []).map((id) => `${id} (missing)`),
  ];
  return [...(tenant.applied.length > 0 ? tenant.applied : (tenant.pending ?? [])), ...extra];
}

/** The entries of `values` that are set. */
function pick<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
