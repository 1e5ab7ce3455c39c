/**
 * `viborm migrate lint`: the risks of migrations before they run, with the exit code a CI gate
 * needs (1 on an error finding). Also the lines push and generate show for their own findings.
 */
import type { Finding } from "../../runtime/index.js";
import { EXIT } from "../exit-codes.js";
import type { Palette } from "../output.js";
import { plural } from "../render.js";
import { type CommandContext, type CommonFlags, withMigrations } from "./shared.js";

/** `viborm migrate lint` flags. */
export interface LintFlags extends CommonFlags {
  /** Every stored migration, not only the pending ones. */
  all?: boolean;
}

/**
 * Runs `viborm migrate lint [migration…]`; resolves to 1 when a finding is an error, else 0.
 *
 * @example await lintCommand(context, { all: true }, []);
 */
export async function lintCommand(context: CommandContext, flags: LintFlags, names: string[] = []): Promise<number> {
  const { output } = context;
  const { color } = output;
  return withMigrations(context, flags, async (migrations) => {
    const selection = names.length > 0 ? names : flags.all ? "all" : "pending";
    const { findings } = await migrations.lint({ migrations: selection });
    const summary = findingSummary(findings);
    if (output.json) {
      output.printJson({ ok: summary.errors === 0, command: "lint", findings, summary });
    } else if (findings.length === 0) {
      output.print(
        `${color.green("✓")} No findings in the ${names.length > 0 ? "named" : flags.all ? "stored" : "pending"} migrations.`,
      );
    } else {
      for (const line of findingLines(findings, color)) output.print(line);
      output.print(`${plural(summary.errors, "error")}, ${plural(summary.warnings, "warning")}.`);
    }
    return summary.errors > 0 ? EXIT.failure : EXIT.ok;
  });
}

/** How many findings are errors and warnings. */
export function findingSummary(findings: readonly Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((finding) => finding.severity === "error").length;
  return { errors, warnings: findings.length - errors };
}

/**
 * Findings as lines, grouped by migration: `✖ CODE statement N: message` and the suggestion below.
 *
 * @example findingLines(result.findings, color)
 */
export function findingLines(findings: readonly Finding[], color: Palette): string[] {
  const lines: string[] = [];
  let current: string | null | undefined;
  for (const finding of findings) {
    if (finding.migration !== current) {
      current = finding.migration;
      if (current !== null) lines.push(color.bold(current));
    }
    const mark = finding.severity === "error" ? color.red("✖") : color.yellow("!");
    lines.push(`  ${mark} ${finding.code} statement ${finding.statement + 1}: ${finding.message}`);
    lines.push(color.dim(`      ${finding.suggestion}`));
  }
  return lines;
}
