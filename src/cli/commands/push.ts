/**
 * `viborm push`: diff the live database against the schema and run the difference; or, with
 * `--plan FILE`, run a plan saved from `push --dry-run --json` after review, exactly, or nothing.
 */
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { InvalidArgumentError } from "../../index.js";
import type { MigrationClient, PushPlan, PushResult } from "../../runtime/index.js";
import { createDecisionRecord, type DecisionRecord } from "../decisions.js";
import { EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";
import { decisionLines, groupPlan, planLines, plural, sqlLines } from "../render.js";
import {
  type CommandContext,
  type CommonFlags,
  type DecisionOptions,
  decisionsJson,
  previewThenRun,
  toDecisionFlags,
  withMigrations,
} from "./shared.js";

/** `viborm push` flags. */
export interface PushFlags extends CommonFlags, DecisionOptions {
  dryRun?: boolean;
  /** `--plan FILE`: a saved plan (the `--json` document of `push --dry-run`, or its `plan`). */
  plan?: string;
}

/**
 * Runs `viborm push`; resolves to the exit code.
 *
 * @example await pushCommand(context, { dryRun: true, renames: [], noRename: false });
 */
export async function pushCommand(context: CommandContext, flags: PushFlags): Promise<number> {
  if (flags.plan !== undefined) return pushSavedPlan(context, flags, flags.plan);
  const decisionFlags = toDecisionFlags(flags);
  const dryRun = flags.dryRun === true;
  const { output } = context;
  return withMigrations(context, flags, async (migrations) => {
    let started = Date.now();
    const { preview, result, record } = await previewThenRun<PushResult>(context, decisionFlags, dryRun, {
      preview: (resolve) => migrations.push({ dryRun: true, resolve }),
      hasWork: (plan) => plan.statements.length > 0,
      show: (plan, decided) => showPlan(output, plan, decided, dryRun),
      confirmation: (plan) => ({
        message: `Run these ${plural(plan.statements.length, "statement")} on the database?`,
        sql: plan.statements,
      }),
      // The plan confirmed is the plan that runs: push re-reads the database once and runs
      // nothing (PLAN_STALE) if it changed since the preview, e.g. a teammate's push in between.
      run: (_resolve, previewed) => {
        started = Date.now();
        return migrations.push({ plan: previewed.plan });
      },
    });
    report(output, { dryRun, result, final: result ?? preview, decisions: decisionsJson(record), started });
    return EXIT.ok;
  });
}

// internal

/** `push --plan FILE`: the plan's own decisions; no flag decides anything, nothing is asked. */
async function pushSavedPlan(context: CommandContext, flags: PushFlags, file: string): Promise<number> {
  if (flags.force || flags.acceptDataLoss || flags.renames.length > 0 || flags.noRename) {
    throw new InvalidArgumentError(
      "--plan runs the decisions the plan was made with; pass --force, --rename or --no-rename when making it (push --dry-run --json), not with it.",
      { argument: "--plan", value: file, problem: "not combined with decision flags" },
    );
  }
  const plan = await readPlanFile(resolvePath(context.cwd, file));
  const dryRun = flags.dryRun === true;
  const { output } = context;
  return withMigrations(context, flags, async (migrations: MigrationClient) => {
    const started = Date.now();
    const outcome = await migrations.push({ plan, dryRun });
    showPlan(output, outcome, recordOf(outcome), dryRun);
    const decisions = outcome.plan.decisions.map(({ change, decision, by }) => ({ ...change, decision, by }));
    report(output, { dryRun, result: dryRun ? undefined : outcome, final: outcome, decisions, started });
    return EXIT.ok;
  });
}

function showPlan(output: Output, plan: PushResult, decided: DecisionRecord, dryRun: boolean): void {
  const { color } = output;
  if (plan.statements.length === 0) return;
  output.print(color.bold(`Plan: ${plural(plan.statements.length, "statement")}`));
  for (const line of planLines(groupPlan(plan.operations, plan.changes), color)) output.print(line);
  if (decided.decisions.size > 0) {
    output.print(color.bold("Decisions:"));
    for (const line of decisionLines(decided, color)) output.print(line);
  }
  if (output.verbose || dryRun) {
    output.print(color.bold("SQL:"));
    for (const line of sqlLines(plan.statements, color)) output.print(line);
  }
}

interface Outcome {
  dryRun: boolean;
  /** What ran, or `undefined` when nothing was run (dry run, declined, nothing to do). */
  result: PushResult | undefined;
  final: PushResult;
  decisions: unknown[];
  started: number;
}

function report(output: Output, { dryRun, result, final, decisions, started }: Outcome): void {
  const { color } = output;
  if (output.json) {
    output.printJson({
      ok: true,
      command: "push",
      dryRun,
      applied: result?.applied ?? false,
      outline: groupPlan(final.operations, final.changes),
      plan: final.plan,
      operations: final.operations,
      statements: final.statements,
      changes: decisions,
    });
  } else if (final.statements.length === 0) {
    output.print(`${color.green("✓")} The database already matches the schema: nothing to push.`);
  } else if (dryRun) {
    output.print(`Dry run: nothing ran. Run without --dry-run to apply.`);
  } else {
    output.print(
      `${color.green("✓")} Pushed ${plural(final.statements.length, "statement")} in ${Date.now() - started} ms.`,
    );
  }
}

/** A saved plan's decisions as the record the decision lines render (no "(flag)" marks). */
function recordOf(outcome: PushResult): DecisionRecord {
  const record = createDecisionRecord();
  outcome.plan.decisions.forEach(({ change, decision }, index) => {
    record.decisions.set(String(index), { change, decision, by: "prompt" });
  });
  return record;
}

/** Reads `push --dry-run --json`'s document (its `plan`) or a bare plan from a file. */
async function readPlanFile(path: string): Promise<PushPlan> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const problem = error instanceof SyntaxError ? "not JSON" : "cannot be read";
    throw new InvalidArgumentError(`--plan ${path} ${problem}: save one with \`viborm push --dry-run --json\`.`, {
      argument: "--plan",
      value: path,
      problem,
    });
  }
  const document = parsed as { command?: unknown; plan?: unknown };
  // The runtime checks the plan itself (format, version, dialect, checksum).
  return (document?.command === "push" && document.plan !== undefined ? document.plan : parsed) as PushPlan;
}
