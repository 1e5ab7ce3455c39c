/**
 * The command line: commands, flags and help (commander), wired to the command functions.
 * Parsing only: every command's work lives in `commands/`.
 */
import { readFileSync } from "node:fs";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import type { CommandContext, DecisionOptions } from "./commands/shared.js";
import { EXIT, reportError } from "./exit-codes.js";
import { addFleetCommands } from "./fleet-commands.js";
import { createOutput, stderrPalette } from "./output.js";
import { createTerminalPrompter } from "./prompt.js";

/** The process the CLI runs in (the bin passes the real one). */
export interface CliProcess {
  argv: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/**
 * Parses `argv`, runs the command and reports any failure; resolves to the exit code
 * (0 success, 1 failure or undecided change, 2 from `migrate status --exit-code`).
 *
 * @example process.exitCode = await runCli({ argv: process.argv, cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
 */
export async function runCli(proc: CliProcess): Promise<number> {
  let exitCode: number = EXIT.ok;
  let context: CommandContext | undefined;
  const contextFor = (flags: { json?: boolean; verbose?: boolean }): CommandContext => {
    const output = createOutput({
      json: flags.json === true,
      verbose: flags.verbose === true,
      stdout: proc.stdout,
      stderr: proc.stderr,
      stdinIsTerminal: proc.stdin.isTTY === true,
      env: proc.env,
    });
    context = {
      cwd: proc.cwd,
      output,
      errorColor: stderrPalette(proc.stderr, proc.env),
      prompter: output.interactive ? createTerminalPrompter(output) : undefined,
    };
    return context;
  };
  const program = buildProgram(proc, async (run, flags) => {
    exitCode = await run(contextFor(flags));
  });
  try {
    await program.parseAsync(proc.argv);
  } catch (error) {
    if (error instanceof CommanderError) return usageExit(proc, error);
    const active = context ?? contextFor({ json: proc.argv.includes("--json") });
    return reportError(active.output, error, active.errorColor);
  }
  return exitCode;
}

// internal

type Runner = (
  run: (context: CommandContext) => Promise<number>,
  flags: { json?: boolean; verbose?: boolean },
) => Promise<void>;

function buildProgram(proc: CliProcess, runner: Runner): Command {
  const program = new Command("viborm")
    .description("Schema migrations for viborm: push the schema in development, versioned migrations in production.")
    .version(packageVersion(), "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .configureOutput({ writeOut: (text) => proc.stdout.write(text), writeErr: (text) => proc.stderr.write(text) })
    .showHelpAfterError("(add --help for usage)");
  program.addHelpText("after", EXAMPLES.root);
  decisionOptions(common(program.command("push"), false))
    .description("diff the live database against the schema and run the difference (development)")
    .option("--dry-run", "show the plan and its SQL; change nothing")
    .option(
      "--plan <file>",
      "run a plan saved by push --dry-run --json: exactly it, or nothing if the database changed",
    )
    .addHelpText("after", EXAMPLES.push)
    .action((flags, command: Command) =>
      runner(
        async (c) => (await import("./commands/push.js")).pushCommand(c, { ...flags, ...renames(command) }),
        flags,
      ),
    );
  common(program.command("pull"), false)
    .description("write the live database's schema as viborm models (adopting an existing database)")
    .option("--out <file>", "the file to write, e.g. src/schema.ts (printed when omitted)")
    .option("--force", "replace an --out file that holds something else")
    .addHelpText("after", EXAMPLES.pull)
    .action((flags) => runner(async (c) => (await import("./commands/pull.js")).pullCommand(c, flags), flags));
  const migrate = program
    .command("migrate")
    .description("versioned migrations: generate, apply, status, lint, rollback, reset, bundle")
    .addHelpText("after", EXAMPLES.migrate);
  addForwardCommands(migrate, runner);
  addBackwardCommands(migrate, runner);
  addFleetCommands(program, runner);
  return program;
}

/** `migrate generate`, `apply` and `status`. */
function addForwardCommands(migrate: Command, runner: Runner): void {
  decisionOptions(common(migrate.command("generate"), true))
    .description("write the next migration folder (up.sql, down.sql, migration.json) from the schema's changes")
    .option("-n, --name <name>", "the migration's name, e.g. add-users (derived from the changes when omitted)")
    .option("--dry-run", "show the migration's SQL; write nothing")
    .addHelpText("after", EXAMPLES.generate)
    .action((flags, command: Command) =>
      runner(
        async (c) => (await import("./commands/generate.js")).generateCommand(c, { ...flags, ...renames(command) }),
        flags,
      ),
    );
  common(migrate.command("apply"), true)
    .description("apply pending migrations, in order, each all-or-nothing")
    .option("--to <migration>", "apply up to and including this migration (id or name)")
    .option("--dry-run", "list what would be applied; run nothing")
    .option("--allow-out-of-order", "apply pending migrations older than the newest applied one (a merged branch)")
    .addHelpText("after", EXAMPLES.apply)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).applyCommand(c, flags), flags));
  common(migrate.command("status"), true)
    .description("list migrations: applied, pending, modified (changed after applying) or missing")
    .option("--exit-code", "exit with 2 when migrations are pending, modified or missing (for CI gates)")
    .addHelpText("after", EXAMPLES.status)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).statusCommand(c, flags), flags));
  common(migrate.command("check"), true)
    .description(
      "the CI gate: schema ahead of the migrations, branch conflicts, pending, modified, missing, drift; exit 1 on any",
    )
    .addHelpText("after", EXAMPLES.check)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).checkCommand(c, flags), flags));
  common(migrate.command("baseline"), true)
    .description("adopt a database built by push or another tool: its live schema as a migration, recorded as applied")
    .option("--name <name>", "the migration's name (default: baseline)")
    .addHelpText("after", EXAMPLES.baseline)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).baselineCommand(c, flags), flags));
  common(migrate.command("resolve"), true)
    .description(
      "repair the history without running a migration: record one applied, forget one, or accept its edited files",
    )
    .option(
      "--applied <migration>",
      "record this migration as applied without running it (its schema is already there)",
    )
    .option(
      "--rolled-back <migration>",
      "forget this migration (it failed, or was undone by hand): it is pending again",
    )
    .option(
      "--accept-checksum <migration>",
      "accept this applied migration's files as they are now (e.g. an added comment)",
    )
    .addHelpText("after", EXAMPLES.resolve)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).resolveCommand(c, flags), flags));
  common(migrate.command("lint"), true)
    .description("report risky changes in migrations before they run (exit 1 on an error finding)")
    .argument("[migrations...]", "ids or names to lint (default: the pending ones)")
    .option("--all", "lint every stored migration, applied ones too")
    .addHelpText("after", EXAMPLES.lint)
    .action((names: string[], flags) =>
      runner(async (c) => (await import("./commands/lint.js")).lintCommand(c, flags, names), flags),
    );
}

/** `migrate rollback`, `reset` and `bundle`. */
function addBackwardCommands(migrate: Command, runner: Runner): void {
  common(migrate.command("rollback"), true)
    .description("run the newest applied migrations' down.sql, newest first")
    .option("--steps <n>", "how many migrations to roll back (default 1)", wholeNumber)
    .option("--to <migration>", "roll back every migration applied after this one (id or name)")
    .option("--dry-run", "list what would be rolled back; run nothing")
    .option("--force", "roll back without asking (required without a terminal: it drops what the migrations created)")
    .addHelpText("after", EXAMPLES.rollback)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).rollbackCommand(c, flags), flags));
  common(migrate.command("reset"), true)
    .description("drop every table (all data) and re-apply every migration")
    .option("--dry-run", "list what would be dropped and applied; run nothing")
    .option("--force", "reset without asking (required without a terminal: it drops every table)")
    .addHelpText("after", EXAMPLES.reset)
    .action((flags) => runner(async (c) => (await loadMigrateCommands()).resetCommand(c, flags), flags));
  migrate
    .command("bundle")
    .description("write the migrations folder as an ES module, for createBundleStorageDriver in a Worker")
    .requiredOption("-o, --out <file>", "the module to write, e.g. src/migrations.generated.ts")
    .option("--dir <dir>", "migrations folder (default: the config's migrations.dir)")
    .option("-c, --config <path>", "config file, read for migrations.dir when --dir is not given")
    .option("--json", "print one JSON document on stdout and nothing else")
    .option("--verbose", "show error details")
    .addHelpText("after", EXAMPLES.bundle)
    .action((flags) => runner(async (c) => (await import("./commands/bundle.js")).bundleCommand(c, flags), flags));
}

/** The flags every command takes. */
function common(command: Command, withDir: boolean): Command {
  command.option(
    "-c, --config <path>",
    "config file (default: viborm.config.{ts,mts,js,mjs} in the working directory)",
  );
  if (withDir) command.option("--dir <dir>", "migrations folder, overriding the config's migrations.dir");
  return command
    .option("--table-name <name>", "tracking table, overriding the config's migrations.tableName")
    .option("--json", "print one JSON document on stdout and nothing else")
    .option("--verbose", "show the SQL and error details");
}

/**
 * The decision flags of push and generate. `--rename` and `--no-rename` share commander's
 * attribute, so both are collected from option events (in order) instead of the parsed value.
 */
function decisionOptions(command: Command): Command {
  const state: DecisionOptions = { renames: [], noRename: false };
  RENAME_STATE.set(command, state);
  command.on("option:rename", (value: string) => state.renames.push(value));
  command.on("option:no-rename", () => {
    state.noRename = true;
  });
  return command
    .option("--force", "accept destructive changes (data loss)")
    .option("--accept-data-loss", "the same as --force")
    .option(
      "--rename <spec>",
      "decide a suspected rename: <table>=<newTable> or <table>.<column>=<newColumn> (repeatable)",
      (value: string, previous: unknown) => [...(Array.isArray(previous) ? previous : []), value],
    )
    .option("--no-rename", "treat every suspected rename not given by --rename as an add and a drop");
}

const RENAME_STATE = new WeakMap<Command, DecisionOptions>();

function renames(command: Command): DecisionOptions {
  return RENAME_STATE.get(command) ?? { renames: [], noRename: false };
}

/** Commands load on use, so `--help` and `--version` answer without loading the database layers. */
function loadMigrateCommands() {
  return import("./commands/migrate.js");
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError("expected a whole number of at least 1");
  return number;
}

function usageExit(proc: CliProcess, error: CommanderError): number {
  // "commander.help" is help shown for a missing command: a usage error, unlike --help.
  if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
  if (proc.argv.includes("--json")) {
    const message = error.message.replace(/^error: /, "");
    const document = { ok: false, error: { name: "UsageError", code: "INVALID_ARGUMENT", message } };
    proc.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  return EXIT.failure;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

const EXAMPLES = {
  root: `
Examples:
  $ viborm push --dry-run                 show what push would run
  $ viborm migrate generate --name add-users
  $ viborm migrate apply
  $ viborm migrate status --exit-code     exit 2 when migrations are pending (CI gate)

Config: viborm.config.ts (or .mts, .js, .mjs) in the working directory:
  export default defineConfig({ client, migrations: { dir: "migrations" } })`,
  push: `
Without a terminal (CI) nothing waits for input: --force, --rename and --no-rename decide, and an
undecided change exits with 1 and lists the flags that would decide it.

Examples:
  $ viborm push
  $ viborm push --dry-run --verbose
  $ viborm push --force --rename users.name=full_name
  $ viborm push --accept-data-loss --no-rename --json
  $ viborm push --dry-run --json --force > plan.json   # review it, then:
  $ viborm push --plan plan.json`,
  migrate: `
Examples:
  $ viborm migrate generate --name add-users
  $ viborm migrate apply --to add-users
  $ viborm migrate status --json
  $ viborm migrate rollback --steps 2`,
  generate: `
Examples:
  $ viborm migrate generate --name add-users
  $ viborm migrate generate --name rename-name --rename users.name=full_name
  $ viborm migrate generate --name drop-legacy --force --dry-run`,
  apply: `
Examples:
  $ viborm migrate apply
  $ viborm migrate apply --to 20261126184000_add-users --dry-run
  $ viborm migrate apply --json`,
  status: `
Examples:
  $ viborm migrate status
  $ viborm migrate status --exit-code --json`,
  check: `
Codes: SCHEMA_AHEAD, BRANCH_CONFLICT, PENDING, MODIFIED, MISSING, DRIFT (the database against its migrations).

Examples:
  $ viborm migrate check
  $ viborm migrate check --json`,
  baseline: `
Examples:
  $ viborm migrate baseline
  $ viborm migrate baseline --name adopted --json`,
  pull: `
Examples:
  $ viborm pull                      # print the schema
  $ viborm pull --out src/schema.ts  # write it (--force to replace an edited file)`,
  resolve: `
Examples:
  $ viborm migrate resolve --accept-checksum 20261126184000_add-users
  $ viborm migrate resolve --applied 20261126184000_add-users
  $ viborm migrate resolve --rolled-back 20261126184000_add-users --json`,
  lint: `
Codes: DESTRUCTIVE (error), DATA_DEPENDENT (error when the rows show it fails), BACKWARD_INCOMPATIBLE,
BLOCKING, EDGE_LIMIT, TRANSACTION_CONTROL (error), NOT_ANALYSED. A line "-- viborm:nolint CODE" above a statement silences CODE for it.

Examples:
  $ viborm migrate lint
  $ viborm migrate lint --all --json
  $ viborm migrate lint 20261126184000_add-users`,
  rollback: `
Examples:
  $ viborm migrate rollback
  $ viborm migrate rollback --steps 2
  $ viborm migrate rollback --to add-users --dry-run`,
  reset: `
Examples:
  $ viborm migrate reset --dry-run
  $ viborm migrate reset --force`,
  bundle: `
The module's default export maps each file ("<id>/up.sql", …) to its text; the same folder always
gives the same bytes, and an unchanged module is not rewritten.

Examples:
  $ viborm migrate bundle --out src/migrations.generated.ts
  $ viborm migrate bundle --dir migrations --out worker/migrations.generated.js --json`,
};
