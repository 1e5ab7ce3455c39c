/**
 * Where the CLI writes: human lines on stdout, notes and progress on stderr, or (with `--json`)
 * exactly one JSON document on stdout. Colours only on a terminal, never with `NO_COLOR`.
 */
import pc from "picocolors";
import { redactSecrets } from "../errors.js";

/** The colour functions the renderers use (identity functions when colour is off). */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** The CLI's writer, made once per run. */
export interface Output {
  /** `--json`: stdout holds one JSON document and nothing else. */
  readonly json: boolean;
  /** `--verbose`: show the SQL. */
  readonly verbose: boolean;
  /** Prompts may be shown: stdin and stdout are terminals, not CI, not `--json`. */
  readonly interactive: boolean;
  /** Colours for stdout. */
  readonly color: Palette;
  /** A line of human output on stdout (dropped with `--json`). */
  print(line?: string): void;
  /** A note, warning or progress line on stderr. */
  note(line: string): void;
  /** A line on a terminal's stderr that the next line replaces (dropped when stderr is not a terminal). */
  transient(line: string): void;
  /** The one JSON document of a `--json` run. */
  printJson(document: unknown): void;
}

/** What {@link createOutput} needs to know; tests and the bin pass the real process values. */
export interface OutputOptions {
  json: boolean;
  verbose: boolean;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdinIsTerminal: boolean;
  env: NodeJS.ProcessEnv;
}

/**
 * The writer for one run.
 *
 * @example const output = createOutput({ json: false, verbose: false, stdout: process.stdout, stderr: process.stderr, stdinIsTerminal: true, env: process.env });
 */
export function createOutput(options: OutputOptions): Output {
  const { json, stdout, stderr, env } = options;
  const stdoutIsTerminal = stdout.isTTY === true;
  const stderrIsTerminal = stderr.isTTY === true;
  const color = palette(colorEnabled(stdoutIsTerminal, env));
  // A transient line on the terminal is erased before anything else is written to stderr.
  let transientShown = false;
  const clearTransient = () => {
    if (transientShown) stderr.write("\x1b[2K\r");
    transientShown = false;
  };
  return {
    json,
    verbose: options.verbose,
    interactive: !json && options.stdinIsTerminal && stdoutIsTerminal && !isCi(env) && env.TERM !== "dumb",
    color,
    // Everything written passes through redactSecrets: a driver's message may echo a URL or token.
    print(line = "") {
      if (!json) stdout.write(`${redactSecrets(line)}\n`);
    },
    note(line) {
      clearTransient();
      stderr.write(`${redactSecrets(line)}\n`);
    },
    transient(line) {
      if (!stderrIsTerminal) return;
      clearTransient();
      stderr.write(redactSecrets(line));
      transientShown = true;
    },
    printJson(document) {
      stdout.write(`${redactSecrets(JSON.stringify(document, jsonReplacer, 2))}\n`);
    },
  };
}

/** A palette for stderr, which may be a terminal when stdout is not (or the reverse). */
export function stderrPalette(stderr: NodeJS.WriteStream, env: NodeJS.ProcessEnv): Palette {
  return palette(colorEnabled(stderr.isTTY === true, env));
}

/** True when the environment says this is a CI run (any non-empty `CI` other than "false" / "0"). */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

// internal

/** https://no-color.org: any non-empty NO_COLOR turns colour off; FORCE_COLOR turns it on. */
function colorEnabled(isTerminal: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  return isTerminal && env.TERM !== "dumb";
}

function palette(enabled: boolean): Palette {
  const colors = pc.createColors(enabled);
  return {
    bold: (text) => colors.bold(text),
    dim: (text) => colors.dim(text),
    red: (text) => colors.red(text),
    green: (text) => colors.green(text),
    yellow: (text) => colors.yellow(text),
    cyan: (text) => colors.cyan(text),
  };
}

/** bigint has no JSON form: write it as its decimal string. */
function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}
