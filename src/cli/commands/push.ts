/**
 * `viborm push`: diff the live database against the schema and run the difference.
 */
import type { PushResult } from "../../runtime/index.js";
import { EXIT } from "../exit-codes.js";
import { decisionLines, groupPlan, planLines, plural, sqlLines } from "../render.js";
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

/** `viborm push` flags. */
export interface PushFlags extends CommonFlags, DecisionOptions {
  dryRun?: boolean;
}

/**
 * Runs `viborm push`; resolves to the exit code.
 *
 * @example await pushCommand(context, { dryRun: true, renames: [], noRename: false });
 */
export async function pushCommand(context: CommandContext, flags: PushFlags): Promise<number> {
  const decisionFlags = toDecisionFlags(flags);
  const dryRun = flags.dryRun === true;
  const { output } = context;
  const { color } = output;
  return withMigrations(context, flags, async (migrations) => {
    let started = Date.now();
    const { preview, result, record } = await previewThenRun<PushResult>(context, decisionFlags, dryRun, {
      preview: (resolve) => migrations.push({ dryRun: true, resolve }),
      hasWork: (plan) => plan.statements.length > 0,
      show(plan, decided) {
        if (plan.statements.length === 0) return;
        output.print(color.bold(`Plan: ${plural(plan.statements.length, "statement")}`));
        for (const line of planLines(groupPlan(plan.operations, plan.changes), color)) output.print(line);
        if (decided.decisions.size > 0) {
          output.print(color.bold("Decisions:"));
          for (const line of decisionLines(decided, color)) output.print(line);
        }
        if (plan.findings.length > 0) {
          output.print(color.bold("Lint:"));
          for (const line of findingLines(plan.findings, color)) output.print(line);
        }
        if (output.verbose || dryRun) {
          output.print(color.bold("SQL:"));
          for (const line of sqlLines(plan.statements, color)) output.print(line);
        }
      },
      confirmation: (plan) => ({
        message: `Run these ${plural(plan.statements.length, "statement")} on the database?`,
        sql: plan.statements,
      }),
      run: (resolve) => {
        started = Date.now();
        return migrations.push({ resolve });
      },
    });
    const final = result ?? preview;
    if (output.json) {
      output.printJson({
        ok: true,
        command: "push",
        dryRun,
        applied: result?.applied ?? false,
        plan: groupPlan(final.operations, final.changes),
        operations: final.operations,
        statements: final.statements,
        findings: final.findings,
        changes: decisionsJson(record),
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
    return EXIT.ok;
  });
}
