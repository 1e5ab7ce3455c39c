/**
 * Runs the CLI in a pseudo-terminal (util-linux `script`) and answers its prompts from a script:
 * each step waits for a text to appear on the screen, then types keys. No person needed.
 */
import { spawn, spawnSync } from "node:child_process";
import { BIN, cleanEnv } from "./project.js";

/** One scripted answer: when `waitFor` appears (after the previous step's text), type `keys`. */
export interface Step {
  waitFor: string;
  keys: string;
  /** Runs just before `keys` are typed (e.g. a teammate changing the database while a prompt waits). */
  before?: () => void;
}

export interface TerminalRun {
  code: number | null;
  /** Everything the terminal showed, with escape sequences and carriage returns removed. */
  screen: string;
  /** The raw bytes, escape sequences included. */
  raw: string;
}

/** True when `script` (util-linux) can give the CLI a terminal here. */
export function hasScript(): boolean {
  const probe = spawnSync("script", ["--version"], { encoding: "utf8" });
  return probe.status === 0 && probe.stdout.includes("util-linux");
}

/**
 * Runs `viborm ...args` in a 120×40 terminal in `cwd`, answering with `steps`. Fails when a
 * step's text does not appear within `stepTimeoutMs`.
 *
 * @example await runInTerminal(dir, ["push"], [{ waitFor: "may have been renamed", keys: "r" }]);
 */
export function runInTerminal(
  cwd: string,
  args: string[],
  steps: Step[],
  options: { env?: NodeJS.ProcessEnv; stepTimeoutMs?: number } = {},
): Promise<TerminalRun> {
  const command = `stty cols 120 rows 40; exec ${[process.execPath, BIN, ...args].map(shellQuote).join(" ")}`;
  const env = cleanEnv({ TERM: "xterm-256color" });
  delete env.CI; // a person is at this terminal, unless the test says otherwise
  Object.assign(env, options.env);
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  let raw = "";
  let cursor = 0;
  let stepIndex = 0;
  let timer: NodeJS.Timeout | undefined;
  const stepTimeoutMs = options.stepTimeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const armTimer = () => {
      clearTimeout(timer);
      if (stepIndex >= steps.length) return;
      timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`"${steps[stepIndex]!.waitFor}" never appeared. Screen:\n${strip(raw)}`));
      }, stepTimeoutMs);
    };
    const advance = () => {
      while (stepIndex < steps.length) {
        const step = steps[stepIndex]!;
        const screen = strip(raw);
        const at = screen.indexOf(step.waitFor, cursor);
        if (at < 0) return;
        cursor = at + step.waitFor.length;
        stepIndex += 1;
        step.before?.();
        child.stdin.write(step.keys);
        armTimer();
      }
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      raw += chunk;
      advance();
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      raw += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (stepIndex < steps.length) {
        reject(new Error(`exited (${code}) before "${steps[stepIndex]!.waitFor}". Screen:\n${strip(raw)}`));
        return;
      }
      resolve({ code, screen: strip(raw), raw });
    });
    armTimer();
  });
}

/** True when `text` holds a colour (SGR) escape sequence. */
export function hasColour(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences start with ESC.
  return /\x1b\[[0-9;]*m/.test(text);
}

// internal

function strip(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape sequences start with ESC.
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\r/g, "");
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
