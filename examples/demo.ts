/**
 * `npm run demo`: a short tour of the `viborm` CLI on an embedded database (a SQLite file), no
 * server needed. It makes a throwaway project with the example schema (examples/schema.ts) and a
 * viborm.config.ts, then runs the CLI there: push, push again, and the versioned workflow
 * (generate, apply, status, a schema change, rollback).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "dist/cli/index.js");
const SCHEMA = readFileSync(join(ROOT, "examples/schema.ts"), "utf8");
const SCHEMA_EXPORT = "export const schema = { user, post, tag };";

const CONFIG = `import { defineConfig } from "viborm/config";
import { createClient } from "viborm/sqlite3";
import { schema } from "./schema.ts";

export default defineConfig({
  client: createClient({ schema, filename: process.env.DEMO_DB ?? "app.db" }),
  migrations: { dir: "migrations" },
});
`;

/** The example schema plus a `profile` model: the change the tour migrates. */
const WITH_PROFILE = SCHEMA.replace(
  SCHEMA_EXPORT,
  `export const profile = s.model({ id: s.int().id().increment(), bio: s.string().nullable(), userId: s.string().unique() });
export const schema = { user, post, tag, profile };`,
);

const project = mkdtempSync(join(tmpdir(), "viborm-demo-"));
const bold = (text: string) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);

try {
  if (!WITH_PROFILE.includes("profile }")) throw new Error(`examples/schema.ts no longer ends with ${SCHEMA_EXPORT}`);
  // A project as an install makes it: viborm in node_modules (here, this repository, built by predemo).
  mkdirSync(join(project, "node_modules"));
  symlinkSync(ROOT, join(project, "node_modules", "viborm"), "dir");
  writeFileSync(join(project, "package.json"), '{ "private": true, "type": "module" }\n');
  writeFileSync(join(project, "schema.ts"), SCHEMA);
  writeFileSync(join(project, "viborm.config.ts"), CONFIG);
  console.log(bold(`A throwaway project in ${project}: schema.ts (examples/schema.ts) and viborm.config.ts:`));
  console.log(CONFIG);

  step("push the schema to a fresh SQLite database", ["push", "--verbose"], { DEMO_DB: "push.db" });
  step("push again: the database already matches", ["push"], { DEMO_DB: "push.db" });

  step("versioned migrations: generate the first one", ["migrate", "generate", "--name", "init"]);
  step("status: it is pending", ["migrate", "status"]);
  step("apply it", ["migrate", "apply"]);

  writeFileSync(join(project, "schema.ts"), WITH_PROFILE);
  step("add a profile model to the schema, generate the next migration", [
    "migrate",
    "generate",
    "--name",
    "add-profile",
    "--verbose",
  ]);
  step("apply, then status", ["migrate", "apply"]);
  step("", ["migrate", "status"]);
  step("roll the last migration back (no terminal here, so --force decides)", ["migrate", "rollback", "--force"]);
  step("status as JSON, for scripts and CI", ["migrate", "status", "--json"]);
} finally {
  rmSync(project, { recursive: true, force: true });
}

/** Runs `viborm ...args` in the project, printing the command line first; stops the tour on failure. */
function step(title: string, args: string[], env: Record<string, string> = {}): void {
  if (title) console.log(`\n${bold(`== ${title}`)}`);
  console.log(bold(`$ viborm ${args.join(" ")}`));
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: project,
    env: { ...process.env, ...env },
    stdio: "inherit",
  });
  if (run.status !== 0) throw new Error(`viborm ${args.join(" ")} exited with ${run.status}`);
}
