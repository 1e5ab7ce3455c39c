/**
 * `viborm fleet apply | status | rollback`: the commands and their flags (parsing only; the work
 * lives in `commands/fleet.ts`, loaded on use).
 */
import { type Command, InvalidArgumentError } from "commander";
import type { CommandContext } from "./commands/shared.js";

/** How program.ts runs a command: the work, and the flags that shape the output. */
export type FleetRunner = (
  run: (context: CommandContext) => Promise<number>,
  flags: { json?: boolean; verbose?: boolean },
) => Promise<void>;

/**
 * Adds `viborm fleet` and its three subcommands to `program`.
 *
 * @example addFleetCommands(program, runner);
 */
export function addFleetCommands(program: Command, runner: FleetRunner): void {
  const fleet = program
    .command("fleet")
    .description("one migration set, many databases: the tenants of the config's `fleet`")
    .addHelpText("after", EXAMPLES.fleet);
  policyOptions(common(fleet.command("apply")))
    .description("apply pending migrations to every tenant, each all-or-nothing with its own lock")
    .option("--to <migration>", "apply up to and including this migration (id or name)")
    .option("--dry-run", "list what each tenant would apply; run nothing")
    .option("--allow-out-of-order", "apply pending migrations older than a tenant's newest applied one")
    .addHelpText("after", EXAMPLES.apply)
    .action((flags) => runner(async (c) => (await load()).fleetApplyCommand(c, flags), flags));
  // The same policy flags as apply and rollback (one command line serves all three), though status
  // reads every tenant whatever they say: it changes nothing, so there is nothing to stop.
  policyOptions(common(fleet.command("status")), "reads")
    .description("each tenant's pending, modified and missing migrations (reads only)")
    .option("--exit-code", "exit with 2 when any tenant has pending or modified migrations")
    .addHelpText("after", EXAMPLES.status)
    .action((flags) => runner(async (c) => (await load()).fleetStatusCommand(c, flags), flags));
  policyOptions(common(fleet.command("rollback")))
    .description("roll back the newest migrations on every tenant, newest first")
    .option("--steps <n>", "how many migrations each tenant rolls back (default 1)", atLeast(1))
    .option("--to <migration>", "roll back every migration applied after this one (id or name)")
    .option("--dry-run", "list what each tenant would roll back; run nothing")
    .option("--force", "do not ask for confirmation in a terminal")
    .addHelpText("after", EXAMPLES.rollback)
    .action((flags) => runner(async (c) => (await load()).fleetRollbackCommand(c, flags), flags));
}

// internal

function load() {
  return import("./commands/fleet.js");
}

function common(command: Command): Command {
  return command
    .option("-c, --config <path>", "config file (default: viborm.config.{ts,mts,js,mjs} in the working directory)")
    .option("--dir <dir>", "migrations folder, overriding the config's migrations.dir")
    .option("--table-name <name>", "each tenant's tracking table, overriding the config's migrations.tableName")
    .option("--json", "print one JSON document on stdout and nothing else")
    .option("--verbose", "list every tenant, and show error details");
}

function policyOptions(command: Command, use: "migrates" | "reads" = "migrates"): Command {
  const status = use === "reads" ? " (status reads every tenant: no effect)" : "";
  return command
    .option(
      "--concurrency <n>",
      `tenants ${use === "reads" ? "read" : "migrated"} at once (default: the config's, else 8)`,
      atLeast(1),
    )
    .option(
      "--canary <n>",
      `migrate the first N tenants first; the rest only if all of them succeed${status}`,
      atLeast(0),
    )
    .option(
      "--max-failures <n>",
      `start no new tenant once more than N have failed (0: stop at the first)${status}`,
      atLeast(0),
    );
}

function atLeast(minimum: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < minimum) {
      throw new InvalidArgumentError(`expected a whole number of at least ${minimum}`);
    }
    return number;
  };
}

const EXAMPLES = {
  fleet: `
The tenants come from the config (beside or instead of \`client\`):
  export default defineConfig({ fleet: { tenants }, migrations: { dir: "migrations" } })

Examples:
  $ viborm fleet apply --canary 1 --max-failures 0
  $ viborm fleet status --json
  $ viborm fleet rollback --steps 1 --force`,
  apply: `
Exit code 1 when any tenant failed; the failed tenants are listed with their errors.

Examples:
  $ viborm fleet apply
  $ viborm fleet apply --concurrency 32 --canary 2 --max-failures 5
  $ viborm fleet apply --to add-users --dry-run --json`,
  status: `
Examples:
  $ viborm fleet status
  $ viborm fleet status --exit-code --json`,
  rollback: `
Examples:
  $ viborm fleet rollback --dry-run
  $ viborm fleet rollback --steps 2 --canary 1 --force`,
};
