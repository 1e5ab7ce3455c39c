/**
 * `viborm migrate apply | status | rollback | reset`.
 */
import { DestructiveChangeError, InvalidArgumentError } from "../../index.js";
import type {
  DestructiveChange,
  Migration,
  MigrationClient,
  MigrationStatus,
  ResolveOptions,
} from "../../runtime/index.js";
import { abortedError } from "../decisions.js";
import { EXIT } from "../exit-codes.js";
import type { Output } from "../output.js";
import { databaseLabel, lossLines, migrationLines, plural, statusLines, statusSummary } from "../render.js";
import { type CommandContext, type CommonFlags, withMigrations } from "./shared.js";

/** `viborm migrate apply` flags. */
export interface ApplyFlags extends CommonFlags {
  to?: string;
  dryRun?: boolean;
  allowOutOfOrder?: boolean;
}

/**
 * Runs `viborm migrate apply`: pending migrations in order, with progress; resolves to the exit code.
 *
 * @example await applyCommand(context, { to: "add-users" });
 */
export async function applyCommand(context: CommandContext, flags: ApplyFlags): Promise<number> {
  const { output } = context;
  const { color } = output;
  const options = {
    ...(flags.to === undefined ? {} : { to: flags.to }),
    allowOutOfOrder: flags.allowOutOfOrder === true,
  };
  return withMigrations(context, flags, async (migrations, _setup, progress) => {
    // The preview checks integrity and order before anything runs, and counts the work for progress.
    const preview = await migrations.apply({ ...options, dryRun: true });
    const toApply = await upTo(migrations, preview.pending, flags.to);
    if (flags.dryRun) {
      if (output.json) {
        output.printJson({ ok: true, command: "apply", dryRun: true, applied: [], toApply, pending: preview.pending });
        return EXIT.ok;
      }
      if (toApply.length === 0) output.print(`${color.green("✓")} Nothing to apply: the database is up to date.`);
      else {
        output.print(color.bold(`Would apply ${plural(toApply.length, "migration")}:`));
        for (const line of migrationLines(toApply, color.yellow("↑"))) output.print(line);
        output.print("Dry run: nothing ran.");
      }
      return EXIT.ok;
    }
    progress.expect(toApply.length);
    const started = Date.now();
    const result = await migrations.apply(options);
    const budget = result.stoppedAtBudget;
    if (output.json) {
      output.printJson({
        ok: true,
        command: "apply",
        dryRun: false,
        applied: result.applied,
        pending: result.pending,
        ...(budget ? { stoppedAtBudget: budget } : {}),
      });
    } else if (budget) {
      output.print(
        `${color.yellow("!")} Applied ${plural(result.applied.length, "migration")} and stopped at the query budget (${budget.used} of ${budget.budget} round trips); ${result.pending.length} still pending: run apply again.`,
      );
    } else if (result.applied.length === 0) {
      output.print(`${color.green("✓")} Nothing to apply: the database is up to date.`);
    } else {
      const rest = result.pending.length > 0 ? `; ${result.pending.length} still pending` : "";
      output.print(
        `${color.green("✓")} Applied ${plural(result.applied.length, "migration")} in ${Date.now() - started} ms${rest}.`,
      );
    }
    return EXIT.ok;
  });
}

/** `viborm migrate status` flags. */
export interface StatusFlags extends CommonFlags {
  /** Exit 2 when migrations are pending, modified or missing (for CI gates). */
  exitCode?: boolean;
}

/**
 * Runs `viborm migrate status`; resolves to 0, or 2 with `--exit-code` when anything is pending, modified or missing.
 *
 * @example await statusCommand(context, { exitCode: true });
 */
export async function statusCommand(context: CommandContext, flags: StatusFlags): Promise<number> {
  const { output } = context;
  return withMigrations(context, flags, async (migrations) => {
    const rows = await migrations.status();
    const summary = statusSummary(rows);
    if (output.json) output.printJson({ ok: true, command: "status", migrations: rows, summary });
    else {
      for (const line of statusLines(rows, output.color)) output.print(line);
      if (rows.length > 0) output.print(summaryLine(summary));
    }
    return flags.exitCode && summary.pending + summary.modified + summary.missing > 0 ? EXIT.pending : EXIT.ok;
  });
}

/**
 * Runs `viborm migrate check`, the CI gate: every problem with its code; exit 1 when there is one.
 * Writes nothing.
 *
 * @example await checkCommand(context, { json: true });
 */
export async function checkCommand(context: CommandContext, flags: CommonFlags): Promise<number> {
  const { output } = context;
  return withMigrations(context, flags, async (migrations) => {
    const result = await migrations.check();
    if (output.json)
      output.printJson({ ok: result.ok, command: "check", problems: result.problems, database: result.database });
    else if (result.ok) {
      output.print(
        `${output.color.green("✓")} Schema, migrations${result.database ? " and database" : ""} agree.${result.database ? "" : " (The database was not reached: pending, modified, missing and drift were not checked.)"}`,
      );
    } else {
      for (const problem of result.problems) {
        output.print(`${output.color.red("✖")} ${output.color.bold(problem.code)} ${problem.message}`);
        for (const change of problem.changes ?? []) output.print(`    ${change}`);
      }
    }
    return result.ok ? EXIT.ok : EXIT.failure;
  });
}

/** `viborm migrate baseline` flags. */
export interface BaselineFlags extends CommonFlags {
  name?: string;
}

/**
 * Runs `viborm migrate baseline`: the live schema as a migration, recorded applied without running.
 *
 * @example await baselineCommand(context, { name: "baseline" });
 */
export async function baselineCommand(context: CommandContext, flags: BaselineFlags): Promise<number> {
  const { output } = context;
  return withMigrations(context, flags, async (migrations) => {
    const result = await migrations.baseline(flags.name === undefined ? {} : { name: flags.name });
    if (output.json) output.printJson({ ok: true, command: "baseline", ...result });
    else
      output.print(
        `${output.color.green("✓")} Wrote ${result.migration.id} (${plural(result.up.length, "statement")}) from the live schema and recorded it as applied; it did not run. Generate the next migration from here.`,
      );
    if (!output.json) for (const warning of result.warnings) output.print(`${output.color.yellow("!")} ${warning}`);
    return EXIT.ok;
  });
}

/** `viborm migrate resolve` flags: exactly one of the three. */
export interface ResolveFlags extends CommonFlags {
  applied?: string;
  rolledBack?: string;
  acceptChecksum?: string;
}

/**
 * Runs `viborm migrate resolve`: one repair of the history, running no migration.
 *
 * @example await resolveCommand(context, { acceptChecksum: "20261126184000_add-users" });
 */
export async function resolveCommand(context: CommandContext, flags: ResolveFlags): Promise<number> {
  const { output } = context;
  const chosen = (["applied", "rolledBack", "acceptChecksum"] as const).filter((key) => flags[key] !== undefined);
  if (chosen.length !== 1) {
    throw new InvalidArgumentError(
      "migrate resolve takes exactly one of --applied ID, --rolled-back ID or --accept-checksum ID.",
      { argument: "resolve", problem: chosen.length === 0 ? "missing" : "more than one" },
    );
  }
  const key = chosen[0]!;
  return withMigrations(context, flags, async (migrations) => {
    const result = await migrations.resolve({ [key]: flags[key] } as ResolveOptions);
    if (output.json) output.printJson({ ok: true, command: "resolve", ...result });
    else {
      const { id } = result.migration;
      const done = {
        applied: `recorded ${id} as applied (it did not run)`,
        rolledBack: `forgot ${id}: it is pending again`,
        acceptChecksum: `accepted the files of ${id} as they are now`,
      }[key];
      output.print(
        result.changed
          ? `${output.color.green("✓")} ${done.charAt(0).toUpperCase()}${done.slice(1)}.`
          : `${output.color.green("✓")} Nothing to change: the history already says so for ${id}.`,
      );
    }
    return EXIT.ok;
  });
}

/** `viborm migrate rollback` flags. */
export interface RollbackFlags extends CommonFlags {
  steps?: number;
  to?: string;
  dryRun?: boolean;
  /** Run without asking; without a terminal (CI) it is required. */
  force?: boolean;
}

/**
 * Runs `viborm migrate rollback`: the newest migration (or `--steps N`, or all after `--to`) down.
 * It destroys what those migrations created, so a terminal asks first (naming the database and
 * what is dropped, with row counts) and, without one, it needs `--force`.
 *
 * @example await rollbackCommand(context, { steps: 2, force: true });
 */
export async function rollbackCommand(context: CommandContext, flags: RollbackFlags): Promise<number> {
  const { output } = context;
  const { color } = output;
  const options = {
    ...(flags.steps === undefined ? {} : { steps: flags.steps }),
    ...(flags.to === undefined ? {} : { to: flags.to }),
  };
  return withMigrations(context, flags, async (migrations, setup, progress) => {
    const preview = await migrations.rollback({ ...options, dryRun: true });
    const database = databaseLabel(setup.client.$driver);
    const loss = preview.changes ?? [];
    const count = plural(preview.rolledBack.length, "migration");
    if (flags.dryRun) {
      if (output.json) {
        output.printJson({ ok: true, command: "rollback", dryRun: true, database, ...preview, changes: loss });
      } else {
        rolledBackLines(output.print, preview.rolledBack, "", true, database);
        destroyedLines(output, loss);
        if (preview.rolledBack.length > 0) output.print("Dry run: nothing ran.");
      }
      return EXIT.ok;
    }
    if (preview.rolledBack.length > 0) {
      await confirmDestruction(context, flags.force === true, {
        command: "Rollback",
        action: `Roll back ${count} on ${database}`,
        flagHint: "migrate rollback --force",
        changes: loss,
        show: () => rolledBackLines(output.print, preview.rolledBack, "", true, database),
      });
    }
    progress.expect(preview.rolledBack.length);
    const result = await migrations.rollback(options);
    if (output.json) output.printJson({ ok: true, command: "rollback", dryRun: false, database, ...result });
    else rolledBackLines(output.print, result.rolledBack, color.green("✓"), false, database);
    return EXIT.ok;
  });
}

/** `viborm migrate reset` flags. */
export interface ResetFlags extends CommonFlags {
  dryRun?: boolean;
  /** Run without asking; without a terminal (CI) it is required. */
  force?: boolean;
}

/**
 * Runs `viborm migrate reset`: drop every table, re-apply every migration. A terminal asks first
 * (naming the database and each table with its row count); without one it needs `--force`.
 *
 * @example await resetCommand(context, { force: true });
 */
export async function resetCommand(context: CommandContext, flags: ResetFlags): Promise<number> {
  const { output } = context;
  const { color } = output;
  return withMigrations(context, flags, async (migrations, setup, progress) => {
    const preview = await migrations.reset({ dryRun: true });
    const database = databaseLabel(setup.client.$driver);
    const loss = preview.changes ?? [];
    const tables = preview.dropped.length > 0 ? ` (${preview.dropped.join(", ")})` : "";
    const what = `drop ${plural(preview.dropped.length, "table")}${tables} with all their data and re-apply ${plural(preview.applied.length, "migration")}`;
    if (flags.dryRun) {
      if (output.json)
        output.printJson({ ok: true, command: "reset", dryRun: true, database, ...preview, changes: loss });
      else {
        output.print(`Dry run: reset would ${what} on ${database}. Nothing ran.`);
        destroyedLines(output, loss);
      }
      return EXIT.ok;
    }
    // A database with nothing to drop loses nothing: reset is then just apply.
    if (preview.dropped.length > 0) {
      await confirmDestruction(context, flags.force === true, {
        command: "Reset",
        action: `Reset will ${what} on ${database}`,
        flagHint: "migrate reset --force",
        changes: loss,
        show: () => undefined,
      });
    }
    progress.expect(preview.applied.length);
    const result = await migrations.reset();
    if (output.json) output.printJson({ ok: true, command: "reset", dryRun: false, database, ...result });
    else {
      output.print(
        `${color.green("✓")} Reset: dropped ${plural(result.dropped.length, "table")}, applied ${plural(result.applied.length, "migration")}.`,
      );
    }
    return EXIT.ok;
  });
}

// internal

/** The pending migrations up to and including `to` (an id or a name, as the runtime resolves it). */
async function upTo(migrations: MigrationClient, pending: Migration[], to: string | undefined): Promise<Migration[]> {
  if (to === undefined) return pending;
  const rows = await migrations.status();
  const target = rows.find((row) => row.id === to) ?? rows.find((row) => row.name === to);
  return target ? pending.filter((migration) => migration.id <= target.id) : pending;
}

function summaryLine(summary: Record<MigrationStatus["state"], number>): string {
  return (Object.entries(summary) as [MigrationStatus["state"], number][])
    .filter(([, count]) => count > 0)
    .map(([state, count]) => `${count} ${state}`)
    .join(", ");
}

function rolledBackLines(
  print: (line: string) => void,
  rolledBack: Migration[],
  mark: string,
  dryRun: boolean,
  database: string,
): void {
  if (rolledBack.length === 0) {
    print("Nothing to roll back: no migration is applied.");
    return;
  }
  print(
    `${dryRun ? "Would roll back" : `${mark} Rolled back`} ${plural(rolledBack.length, "migration")} on ${database}:`,
  );
  for (const line of migrationLines(rolledBack, "↓")) print(line);
}

/** "It drops:" and one line per change, or nothing when nothing is lost. */
function destroyedLines(output: Output, changes: DestructiveChange[]): void {
  if (changes.length === 0) return;
  output.print(output.color.bold("It drops:"));
  for (const line of lossLines(changes, output.color)) output.print(line);
}

/** What a destructive command asks before it runs. */
interface Destruction {
  /** "Rollback" or "Reset", for the message when declined. */
  command: string;
  /** The question's subject, naming the database, e.g. "Roll back 1 migration on test (pg)". */
  action: string;
  /** The command line that runs it without a terminal. */
  flagHint: string;
  changes: DestructiveChange[];
  /** Prints what runs, before the question. */
  show(): void;
}

/**
 * The decision a destructive command needs: `--force`, or a "yes" in a terminal after seeing what
 * is dropped. Without a terminal and without `--force`, nothing is touched: `DESTRUCTIVE_REJECTED`
 * naming the flag.
 */
async function confirmDestruction(context: CommandContext, force: boolean, destruction: Destruction): Promise<void> {
  if (force) return;
  const { output, prompter } = context;
  const { changes } = destruction;
  const drops =
    changes.length > 0 ? ` It drops ${plural(changes.length, "object")} with their data (listed below).` : "";
  if (!prompter) {
    throw new DestructiveChangeError(
      `${destruction.action} needs --force without a terminal (e.g. \`viborm ${destruction.flagHint}\`).${drops} Nothing ran.`,
      { changes: changes.map((change) => ({ ...change, decision: "undecided" as const })) },
    );
  }
  destruction.show();
  destroyedLines(output, changes);
  if (!(await prompter.confirm(`${destruction.action}. Go on?`, []))) {
    throw abortedError(changes, `${destruction.command} aborted at the confirmation`);
  }
}
