/**
 * Exit codes and how a failure is reported: a one-line message (plus the facts that help) for
 * people, `{ ok: false, error }` for `--json`.
 */
import { isVibormError, type UndecidedChange, type VibormError } from "../index.js";
import { flagsFor } from "./decisions.js";
import type { Output, Palette } from "./output.js";
import { PromptCancelled } from "./prompt.js";
import { describeChange } from "./render.js";

/** The CLI's exit codes. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** It failed, or a change was left undecided. */
  failure: 1,
  /** `migrate status --exit-code`: migrations are pending, modified or missing. */
  pending: 2,
  /** A question was cancelled (Ctrl-C): 128 + SIGINT, as shells report an interrupted program. */
  interrupted: 130,
} as const;

/** A failure as `--json` prints it. */
export interface JsonFailure {
  ok: false;
  error: { name: string; code: string; message: string; meta?: unknown; cause?: string };
  /** For `DESTRUCTIVE_REJECTED`: each change with the flags that would decide it. */
  undecided?: (UndecidedChange & { flags: string[] })[];
}

/**
 * Reports `error` (to stdout as JSON with `--json`, else to stderr) and returns the exit code.
 *
 * @example process.exitCode = reportError(output, error, stderrColors);
 */
export function reportError(output: Output, error: unknown, color: Palette): number {
  if (error instanceof PromptCancelled) {
    output.note("aborted");
    return EXIT.interrupted;
  }
  if (output.json) {
    output.printJson(failureDocument(error));
    return EXIT.failure;
  }
  for (const line of failureLines(error, color, output.verbose)) output.note(line);
  return EXIT.failure;
}

/** The JSON document of a failure. */
export function failureDocument(error: unknown): JsonFailure {
  if (isVibormError(error)) {
    const json = { ...error.toJSON(), message: cliMessage(error) };
    const cause = causeMessage(error);
    const document: JsonFailure = { ok: false, error: cause ? { ...json, cause } : json };
    if (isVibormError(error, "DESTRUCTIVE_REJECTED")) {
      document.undecided = error.meta.changes
        .filter((change) => change.decision === "undecided")
        .map((change) => ({ ...change, flags: flagsFor(change) }));
    }
    return document;
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  return { ok: false, error: { name: plain.name, code: "UNEXPECTED", message: plain.message } };
}

// internal

/**
 * The error's message as the CLI says it: where the runtime names an API option (`allowOutOfOrder:
 * true`, `lockTimeoutMs`, `resolve` / `force: true`), the CLI names its flag or config key.
 */
function cliMessage(error: VibormError): string {
  if (isVibormError(error, "OUT_OF_ORDER")) {
    const { migrations, lastApplied } = error.meta;
    return `Migration ${migrations.join(", ")} sorts before ${lastApplied}, which is already applied (a merged branch?); pass --allow-out-of-order to apply it anyway, or regenerate it.`;
  }
  if (isVibormError(error, "LOCK_TIMEOUT")) {
    const { lock, timeoutMs } = error.meta;
    return `Could not take the migration lock "${lock}" within ${timeoutMs} ms: another process is migrating this database; retry when it is done, or raise migrations.lockTimeoutMs in the config.`;
  }
  if (isVibormError(error, "MIGRATION_FAILED") && alreadyExists(error.cause)) {
    return `${error.message} If this database was built by \`viborm push\` or another tool, adopt it with \`viborm migrate baseline\` instead of applying its history from the start.`;
  }
  if (isVibormError(error, "CHECKSUM_MISMATCH")) {
    const ids = error.meta.migrations.map((m) => m.id);
    return `Migration ${ids.join(", ")} changed after it was applied (checksum mismatch). Restore its files; or, if the edit is harmless (a comment), accept it with ${ids.map((id) => `viborm migrate resolve --accept-checksum ${id}`).join(" and ")}; or write a new migration for the change.`;
  }
  // Only the runtime's own refusal names `resolve` and `force: true`: its way out is swapped for the
  // CLI's. Any other DESTRUCTIVE_REJECTED (the CLI's own, e.g. "needs --force") is shown as written.
  const runtimeHint = "; pass `resolve`";
  if (isVibormError(error, "DESTRUCTIVE_REJECTED") && error.message.includes(runtimeHint)) {
    const head = error.message.slice(0, error.message.indexOf(runtimeHint));
    return `${head}; decide each change with the flags listed, or pass --force to accept data loss.`;
  }
  return error.message;
}

function failureLines(error: unknown, color: Palette, verbose: boolean): string[] {
  if (!isVibormError(error)) {
    const plain = error instanceof Error ? error : new Error(String(error));
    return [`${color.red("✖")} ${plain.message}`, ...(verbose && plain.stack ? [color.dim(plain.stack)] : [])];
  }
  const lines = [`${color.red("✖")} ${color.bold(error.code)} ${cliMessage(error)}`];
  if (isVibormError(error, "DESTRUCTIVE_REJECTED")) lines.push(...undecidedLines(error.meta.changes, color));
  if (isVibormError(error, "MIGRATION_FAILED") && error.meta.failed) {
    const failed = error.meta.failed;
    lines.push(`  failed statement ${failed.statementIndex + 1}${failed.migration ? ` of ${failed.migration}` : ""}:`);
    lines.push(...failed.sql.split("\n").map((line) => `    ${line}`));
    for (const item of error.meta.notCompensated ?? [])
      lines.push(color.yellow(`  not undone: ${item.sql} (${item.reason})`));
  }
  const cause = causeMessage(error);
  if (cause) lines.push(color.dim(`  cause: ${cause}`));
  if (verbose && error.stack) lines.push(color.dim(error.stack));
  return lines;
}

function undecidedLines(changes: UndecidedChange[], color: Palette): string[] {
  const undecided = changes.filter((change) => change.decision === "undecided");
  if (undecided.length === 0) return [];
  const lines = ["", "Undecided changes (pass one of the flags after each to decide it):"];
  for (const change of undecided) {
    const mark = change.type === "destructive" ? color.red("!") : color.yellow("?");
    lines.push(`  ${mark} ${describeChange(change)}`);
    lines.push(
      `      ${flagsFor(change)
        .map((flag) => color.cyan(flag))
        .join("  or  ")}`,
    );
  }
  return lines;
}

/**
 * An object the migration creates already exists: PostgreSQL 42P07 / 42710, MySQL 1050 / 1061,
 * and SQLite's "already exists" (SQLite has no code of its own for it).
 */
function alreadyExists(cause: unknown): boolean {
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (
      typeof code === "string" &&
      ["42P07", "42710", "ER_TABLE_EXISTS_ERROR", "ER_DUP_KEYNAME", "1050"].includes(code)
    )
      return true;
    if ((code === "SQLITE_ERROR" || code === undefined) && /already exists/i.test(String((current as Error).message)))
      return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function causeMessage(error: Error): string | undefined {
  const cause: unknown = error.cause;
  if (cause === undefined || cause === null) return undefined;
  return cause instanceof Error ? cause.message : String(cause);
}
