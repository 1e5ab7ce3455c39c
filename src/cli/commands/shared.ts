/**
 * What every command shares: the run's context, the common flags, opening the migration client
 * from the config, and the preview → decide → confirm → run flow of push and generate.
 */
import { DestructiveChangeError, isVibormError } from "../../index.js";
import { createMigrationClient, type MigrationClient, type ResolveFn } from "../../runtime/index.js";
import {
  abortedError,
  createDecisionRecord,
  type DecisionFlags,
  type DecisionRecord,
  parseRenameFlag,
  recordingResolver,
  replayResolver,
} from "../decisions.js";
import { type ConfigFlags, loadSetup, type Setup } from "../load-config.js";
import type { Output, Palette } from "../output.js";
import { createProgress, type Progress } from "../progress.js";
import type { Prompter } from "../prompt.js";
import { plural } from "../render.js";

/** One run of the CLI: where it is, where it writes, whom it may ask. */
export interface CommandContext {
  cwd: string;
  output: Output;
  /** Colours for stderr. */
  errorColor: Palette;
  /** Present only when a person can answer (see `Output.interactive`). */
  prompter: Prompter | undefined;
}

/** Flags every command takes. */
export interface CommonFlags extends ConfigFlags {
  json?: boolean;
  verbose?: boolean;
}

/** The decision flags as commander hands them over. */
export interface DecisionOptions {
  force?: boolean;
  acceptDataLoss?: boolean;
  /** Every `--rename` value, in order. */
  renames: string[];
  noRename: boolean;
}

/** Parses the decision flags (a malformed `--rename` is `INVALID_ARGUMENT`). */
export function toDecisionFlags(options: DecisionOptions): DecisionFlags {
  return {
    force: options.force === true || options.acceptDataLoss === true,
    renames: options.renames.map(parseRenameFlag),
    noRename: options.noRename,
  };
}

/**
 * Loads the config, opens the migration client (progress wired to stderr), runs `fn` and closes
 * the client whatever happens.
 */
export async function withMigrations(
  context: CommandContext,
  flags: CommonFlags,
  fn: (migrations: MigrationClient, setup: Setup, progress: Progress) => Promise<number>,
): Promise<number> {
  const setup = await loadSetup(context.cwd, flags);
  try {
    const progress = createProgress(context.output, context.errorColor);
    const migrations = createMigrationClient(setup.client, { ...setup.options, onEvent: progress.onEvent });
    return await fn(migrations, setup, progress);
  } finally {
    await setup.client.$close();
  }
}

/** The steps of a command that needs decisions (push, generate). */
export interface DecidedSteps<R> {
  /** Runs the command with `dryRun: true` and the given resolver. */
  preview(resolve: ResolveFn): Promise<R>;
  /** True when the preview found work to do. */
  hasWork(preview: R): boolean;
  /** Prints the preview (the plan) for people. */
  show(preview: R, record: DecisionRecord): void;
  /** The one confirmation question, and the SQL shown on request. */
  confirmation(preview: R): { message: string; sql: string[] };
  /**
   * Runs the command for real: push runs the confirmed preview's plan; generate runs again with the
   * given resolver, which replays the decisions taken.
   */
  run(resolve: ResolveFn, preview: R): Promise<R>;
  /**
   * Runs the command for real at once, for when nobody can be asked (no terminal): a preview would
   * only repeat the same work, since flags decide everything and nothing is confirmed. It must
   * write nothing when a change is left undecided (generate refuses before writing).
   */
  direct?: (resolve: ResolveFn) => Promise<R>;
}

/**
 * Previews with `dryRun: true`, deciding each change by flags or (in a terminal) by prompt; then,
 * unless it is a dry run or there is nothing to do, confirms once (when anything was asked) and
 * runs for real what was previewed. Returns the preview and the real result. With no terminal to
 * ask and a `direct` step, runs once for real instead (the result is then both).
 */
export async function previewThenRun<R>(
  context: CommandContext,
  flags: DecisionFlags,
  dryRun: boolean,
  steps: DecidedSteps<R>,
): Promise<{ preview: R; result: R | undefined; record: DecisionRecord }> {
  const { prompter, output } = context;
  const record = createDecisionRecord();
  const ask = prompter
    ? async (change: Parameters<ResolveFn>[0]) => {
        const answer = await prompter.decide(change);
        if (answer === "abort") throw abortedError([change], `Aborted at "${change.description}"`);
        return answer;
      }
    : undefined;
  const direct = !dryRun && !ask ? steps.direct : undefined;
  const first = direct ?? ((resolve: ResolveFn) => steps.preview(resolve));
  const preview = await first(recordingResolver(flags, record, ask)).catch((error: unknown) => {
    throw undecidedError(error);
  });
  for (const flag of flags.renames) {
    if (!record.usedRenames.has(flag.spec)) {
      output.note(context.errorColor.yellow(`warning: --rename ${flag.spec} matched no suspected rename; ignored.`));
    }
  }
  steps.show(preview, record);
  if (direct) return { preview, result: steps.hasWork(preview) ? preview : undefined, record };
  if (dryRun || !steps.hasWork(preview)) return { preview, result: undefined, record };
  if (prompter && record.asked > 0) {
    const { message, sql } = steps.confirmation(preview);
    if (!(await prompter.confirm(message, sql))) {
      const asked = [...record.decisions.values()].filter((entry) => entry.by === "prompt");
      throw abortedError(
        asked.map((entry) => entry.change),
        "Aborted at the confirmation",
      );
    }
  }
  const result = await steps.run(replayResolver(record), preview);
  return { preview, result, record };
}

/**
 * The runtime's `DESTRUCTIVE_REJECTED` speaks of `resolve` and `force`; on the command line the
 * way out is a flag (listed per change by the error report) or a terminal.
 */
function undecidedError(error: unknown): unknown {
  if (!isVibormError(error, "DESTRUCTIVE_REJECTED")) return error;
  const undecided = error.meta.changes.filter((change) => change.decision === "undecided").length;
  if (undecided === 0) return error;
  return new DestructiveChangeError(
    `${plural(undecided, "change")} that may lose data or be ${undecided === 1 ? "a rename needs" : "renames need"} a decision, so nothing ran or was written; pass the flags listed below, or run in a terminal to be asked.`,
    error.meta,
  );
}

/** The decisions of a run, for `--json`. */
export function decisionsJson(record: DecisionRecord): unknown[] {
  return [...record.decisions.values()].map(({ change, decision, by }) => ({ ...change, decision, by }));
}
