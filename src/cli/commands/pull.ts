/**
 * `viborm pull`: the live database as schema code, printed or written to a file.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidArgumentError } from "../../errors.js";
import { EXIT } from "../exit-codes.js";
import { type CommandContext, type CommonFlags, withMigrations } from "./shared.js";

/** `viborm pull` flags. */
export interface PullFlags extends CommonFlags {
  /** The file to write; printed to stdout when absent. */
  out?: string;
  /** Replace an existing file that holds something else. */
  force?: boolean;
}

/**
 * Runs `viborm pull`. An existing `--out` file is replaced only with `--force` (or when it already
 * holds exactly this schema), so a hand-edited schema is never overwritten by accident.
 *
 * @example await pullCommand(context, { out: "src/schema.ts" });
 */
export async function pullCommand(context: CommandContext, flags: PullFlags): Promise<number> {
  const { output } = context;
  const target = flags.out === undefined ? undefined : resolve(context.cwd, flags.out);
  if (target !== undefined) checkTarget(target, flags);
  return withMigrations(context, flags, async (migrations) => {
    const { source, warnings } = await migrations.pull();
    if (target !== undefined) {
      const same = existsSync(target) && readFileSync(target, "utf8") === source;
      if (!same && existsSync(target) && !flags.force) refuse(target);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, source);
    }
    if (output.json) {
      output.printJson({ ok: true, command: "pull", ...(target ? { file: flags.out } : { source }), warnings });
      return EXIT.ok;
    }
    if (target === undefined) output.print(source.trimEnd());
    else output.print(`${output.color.green("✓")} Wrote the database's schema to ${flags.out}.`);
    for (const warning of warnings) output.print(`${output.color.yellow("!")} ${warning}`);
    return EXIT.ok;
  });
}

// internal

function checkTarget(target: string, flags: PullFlags): void {
  if (existsSync(target) && statSync(target).isDirectory()) {
    throw new InvalidArgumentError(`--out ${flags.out} is a folder; name the file to write, e.g. src/schema.ts.`, {
      argument: "out",
      value: flags.out,
      problem: "a folder",
    });
  }
}

function refuse(target: string): never {
  throw new InvalidArgumentError(
    `${target} exists and holds something else; pass --force to replace it, or choose another --out file.`,
    { argument: "out", value: target, problem: "exists" },
  );
}
