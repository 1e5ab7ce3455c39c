/**
 * `viborm migrate generate`: write the next migration folder from the schema's changes.
 */
import { join } from "node:path";
import type { GenerateResult } from "../../runtime/index.js";
import { EXIT } from "../exit-codes.js";
import { displayPath } from "../load-config.js";
import { decisionLines, plural, sqlLines } from "../render.js";
import { findingLines } from "./lint.js";
import {
  type CommandContext,
  type CommonFlags,
  type DecisionOptions,
  decisionsJson,
  previewThenRun,
  toDecisionFlags,
  withMigrations,
} from "./shared.js";

/** `viborm migrate generate` flags. */
export interface GenerateFlags extends CommonFlags, DecisionOptions {
  /** The migration's name (kebab-cased); derived from the changes when omitted. */
  name?: string;
  dryRun?: boolean;
}

/**
 * Runs `viborm migrate generate`; resolves to the exit code.
 *
 * @example await generateCommand(context, { name: "add-users", renames: [], noRename: false });
 */
export async function generateCommand(context: CommandContext, flags: GenerateFlags): Promise<number> {
  const decisionFlags = toDecisionFlags(flags);
  const dryRun = flags.dryRun === true;
  const { output } = context;
  const { color } = output;
  const name = flags.name;
  return withMigrations(context, flags, async (migrations, setup) => {
    const { preview, result, record } = await previewThenRun<GenerateResult>(context, decisionFlags, dryRun, {
      preview: (resolve) => migrations.generate({ name, resolve, dryRun: true }),
      hasWork: (plan) => plan.migration !== null,
      show(plan, decided) {
        if (!plan.migration) return;
        output.print(
          color.bold(
            `New migration ${plan.migration.name}: ${plural(plan.up.length, "statement")} up, ${plan.down.length} down`,
          ),
        );
        if (decided.decisions.size > 0) {
          output.print(color.bold("Decisions:"));
          for (const line of decisionLines(decided, color)) output.print(line);
        }
        if (plan.findings.length > 0) {
          output.print(color.bold("Lint:"));
          for (const line of findingLines(plan.findings, color)) output.print(line);
        }
        if (output.verbose || dryRun) {
          output.print(color.bold("up.sql:"));
          for (const line of sqlLines(plan.up, color)) output.print(line);
          output.print(color.bold("down.sql:"));
          for (const line of sqlLines(plan.down, color)) output.print(line);
        }
      },
      confirmation: (plan) => ({ message: `Write migration ${plan.migration?.name}?`, sql: plan.up }),
      run: (resolve) => migrations.generate({ name, resolve }),
      direct: (resolve) => migrations.generate({ name, resolve }),
    });
    const final = result ?? preview;
    const folder =
      final.migration && setup.migrationsDir !== undefined ? join(setup.migrationsDir, final.migration.id) : undefined;
    if (output.json) {
      output.printJson({
        ok: true,
        command: "generate",
        dryRun,
        written: result?.migration != null,
        migration: final.migration,
        ...(folder === undefined ? {} : { path: folder }),
        up: final.up,
        down: final.down,
        warnings: final.warnings,
        findings: final.findings,
        changes: decisionsJson(record),
      });
      return EXIT.ok;
    }
    for (const warning of final.warnings) output.note(context.errorColor.yellow(`warning: ${warning}`));
    if (!final.migration) {
      output.print(`${color.green("✓")} The schema has not changed since the last migration: nothing to generate.`);
    } else if (dryRun) {
      output.print("Dry run: nothing was written. Run without --dry-run to write it.");
    } else {
      const where = folder === undefined ? final.migration.id : displayPath(context.cwd, folder);
      output.print(`${color.green("✓")} Created ${where}/ (up.sql, down.sql, migration.json)`);
    }
    return EXIT.ok;
  });
}
