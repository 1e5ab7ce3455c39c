/**
 * Temporary projects for CLI tests: a folder with a package.json, `node_modules/viborm` linked to
 * this repository (as an install would provide it), a schema and a viborm.config.ts. The CLI is
 * the built bin (`npm test` builds first), spawned without a terminal.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(ROOT, "dist/cli/index.js");

/** What a CLI run left behind. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as one JSON document (throws when it is anything else). */
  json<T = JsonDoc>(): T;
}

/** A migration as `--json` lists it. */
export interface MigrationJson {
  id: string;
  name: string;
}

/** The fields of the CLI's `--json` documents the tests read (each command fills some of them). */
export interface JsonDoc {
  ok: boolean;
  command: string;
  error: { code: string; message: string; meta: Record<string, unknown> };
  undecided: { flags: string[] }[];
  statements: string[];
  /** push: the plan as a value (what `--plan` runs). */
  plan: { format: string; dialect: string; statements: string[]; fingerprint: Record<string, unknown> };
  /** push: the plan grouped by table, for people. */
  outline: unknown[];
  changes: unknown[];
  /** push: whether it ran; apply and reset: the migrations applied. */
  applied: boolean | MigrationJson[];
  pending: MigrationJson[];
  rolledBack: MigrationJson[];
  migration: MigrationJson | null;
  path: string;
  up: string[];
  down: string[];
  keys: string[];
  summary: Record<string, number>;
  /** check: what is out of step. */
  problems: { code: string; message: string; migrations?: string[]; changes?: string[] }[];
  /** status: every migration with its state. */
  migrations: { id: string; name: string; state: string }[];
}

/** The migrations of a document's `applied` list (apply, reset). */
export function appliedIds(document: JsonDoc): string[] {
  if (!Array.isArray(document.applied)) throw new Error(`applied is not a list: ${JSON.stringify(document)}`);
  return document.applied.map((migration) => migration.id);
}

export interface Project {
  dir: string;
  /** Runs `viborm ...args` in the project, without a terminal. */
  run(args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<RunResult>;
  write(path: string, content: string): void;
  read(path: string): string;
  /** Folder names in `migrations/` (or another folder). */
  migrationIds(dir?: string): string[];
  remove(): void;
}

/** A schema source: a `users` table, and optionally more models written by the test. */
export function schemaSource(models: string, exportNames: string[]): string {
  return `import { s } from "viborm";\n${models}\nexport const schema = { ${exportNames.join(", ")} };\n`;
}

/** The config of a SQLite project (the database file `app.db` in the project). */
export const SQLITE_CONFIG = `import { defineConfig } from "viborm/config";
import { createClient } from "viborm/sqlite3";
import { schema } from "./schema.ts";

export default defineConfig({
  client: createClient({ schema, filename: "app.db" }),
  migrations: { dir: "migrations" },
});
`;

/**
 * Creates a project under the repository's git-ignored `.tmp/` folder.
 *
 * @example const project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
 */
export function createProject(files: Record<string, string>): Project {
  const dir = join(ROOT, ".tmp", "cli-projects", `p-${randomBytes(5).toString("hex")}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  symlinkSync(ROOT, join(dir, "node_modules", "viborm"), "dir");
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "app", private: true, type: "module" })}\n`);
  const project: Project = {
    dir,
    run: (args, options) => runCli(options?.cwd ?? dir, args, options?.env),
    write(path, content) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    read: (path) => readFileSync(join(dir, path), "utf8"),
    migrationIds(folder = "migrations") {
      try {
        return readdirSync(join(dir, folder)).sort();
      } catch {
        return [];
      }
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  for (const [path, content] of Object.entries(files)) project.write(path, content);
  return project;
}

/** Spawns the built CLI with pipes (no terminal) and collects its output. */
export async function runCli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const { code, stdout, stderr } = await spawnCli(cwd, args, env);
  return {
    code,
    stdout,
    stderr,
    json<T>() {
      try {
        return JSON.parse(stdout) as T;
      } catch {
        throw new Error(`stdout is not one JSON document:\n${stdout}\nstderr:\n${stderr}`);
      }
    },
  };
}

/** What a spawned CLI run printed, how it ended, and how long it took. */
export interface SpawnedRun {
  code: number | null;
  /** The signal that ended it, if one did. */
  signal: NodeJS.Signals | null;
  ms: number;
  stdout: string;
  stderr: string;
}

/**
 * Spawns the built CLI; with `kill`, sends `kill.signal` that many milliseconds after the start
 * (the fault tests' real kills). Resolves when the process has exited.
 *
 * @example await spawnCli(dir, ["migrate", "apply"], env, { afterMs: 800, signal: "SIGKILL" });
 */
export function spawnCli(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  kill?: { afterMs: number; signal: NodeJS.Signals },
): Promise<SpawnedRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.stdin.end();
    const timer = kill === undefined ? undefined : setTimeout(() => child.kill(kill.signal), kill.afterMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, stdout, stderr });
    });
  });
}

/** The test process's environment without colour switches, plus `extra`. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  return { ...env, ...extra };
}

/** True when `text` holds an ANSI escape sequence. */
export function hasAnsi(text: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
  return /\x1b\[/.test(text);
}

/** Rows of a query on the project's SQLite file (opened and closed per call). */
export function sqliteRows(dbPath: string, sql: string): Record<string, unknown>[] {
  const db = new Database(dbPath);
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Runs statements on the project's SQLite file. */
export function sqliteExec(dbPath: string, sql: string): void {
  const db = new Database(dbPath);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** The table names of a SQLite file (its own `sqlite_*` tables left out). */
export function sqliteTables(dbPath: string): string[] {
  return sqliteRows(
    dbPath,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
  ).map((row) => String(row.name));
}

/** The column names of a SQLite table. */
export function sqliteColumns(dbPath: string, table: string): string[] {
  return sqliteRows(dbPath, `SELECT name FROM pragma_table_info('${table}')`).map((row) => String(row.name));
}
