/**
 * The prompts, in a real pseudo-terminal, answered by a script: one question per destructive or
 * ambiguous change, the SQL on request, one confirmation; and no question at all in CI or with --json.
 */
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import {
  createProject,
  type Project,
  SQLITE_CONFIG,
  sqliteColumns,
  sqliteExec,
  sqliteRows,
  sqliteTables,
} from "./project.js";
import { USERS, USERS_DROPPED_COLUMN, USERS_RENAMED_COLUMN } from "./schemas.js";
import { hasColour, hasScript, runInTerminal } from "./terminal.js";

const IN_CI = process.env.CI === "true" || process.env.CI === "1";
let available = true;

beforeAll(() => {
  available = hasScript();
  if (available) return;
  if (IN_CI) throw new Error("util-linux `script` is needed to drive the prompts in a terminal");
  console.warn("[skip] CLI prompt tests: util-linux `script` is not installed");
});

let project: Project;
afterEach(() => project?.remove());

const db = () => join(project.dir, "app.db");

/** USERS pushed with one row, then the schema changed to `next`. */
async function pushedThenChanged(next: string): Promise<void> {
  project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
  expect((await project.run(["push"])).code).toBe(0);
  sqliteExec(db(), "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')");
  project.write("schema.ts", next);
}

describe("prompts in a terminal", () => {
  test("push asks about the rename, shows the SQL on request, confirms once, and runs what was decided", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const run = await runInTerminal(
      project.dir,
      ["push"],
      [
        { waitFor: "users.name is gone and users.fullName is new", keys: "r" },
        { waitFor: "◆  Run these 1 statement on the database?", keys: "s" },
        { waitFor: 'RENAME COLUMN "name" TO "fullName";', keys: "" },
        { waitFor: "◆  Run these 1 statement on the database?", keys: "y" },
      ],
    );
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toContain("users.name → fullName: renamed");
    expect(run.screen).toContain("✓ Pushed 1 statement");
    expect(sqliteRows(db(), "SELECT fullName FROM users")).toEqual([{ fullName: "Ada" }]);
  });

  test("aborting at a destructive change exits 1 and changes nothing", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    const run = await runInTerminal(
      project.dir,
      ["push"],
      [{ waitFor: "Data loss: Column users.name is dropped", keys: "q" }],
    );
    expect(run.code).toBe(1);
    expect(run.screen).toContain("Aborted at");
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
  });

  test("Ctrl-C at a question exits 130 with a plain 'aborted' and changes nothing", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    const run = await runInTerminal(
      project.dir,
      ["push"],
      [{ waitFor: "Data loss: Column users.name is dropped", keys: "\x03" }],
    );
    expect(run.code, run.screen).toBe(130);
    expect(run.screen).toMatch(/aborted\s*$/);
    expect(run.screen).not.toContain("DESTRUCTIVE_REJECTED");
    // The cancelled question is left showing "abort", never "proceed".
    expect(run.screen.slice(run.screen.lastIndexOf("■"))).not.toContain("proceed");
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
  });

  test("the confirmed plan is the one that runs: a change made while the prompt waits is PLAN_STALE, nothing runs", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    const teammate = () => sqliteExec(db(), "CREATE TABLE audit (id INTEGER PRIMARY KEY)");
    const run = await runInTerminal(
      project.dir,
      ["push"],
      [
        { waitFor: "Data loss: Column users.name is dropped with its values (1 row, 1 non-null value).", keys: "y" },
        { waitFor: "◆  Run these 1 statement on the database?", keys: "y", before: teammate },
      ],
    );
    expect(run.code, run.screen).toBe(1);
    expect(run.screen).toContain("PLAN_STALE");
    expect(run.screen).toContain("table audit added");
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
  });

  test("declining at the confirmation exits 1 and changes nothing", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const run = await runInTerminal(
      project.dir,
      ["push"],
      [
        { waitFor: "users.name is gone", keys: "d" },
        { waitFor: "Data loss: Column users.name is dropped", keys: "y" },
        { waitFor: "◆  Run these", keys: "n" },
      ],
    );
    expect(run.code).toBe(1);
    expect(run.screen).toContain("Aborted at the confirmation");
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
  });

  test("flags decide first: only what they leave open is asked", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const run = await runInTerminal(
      project.dir,
      ["push", "--no-rename"],
      [
        { waitFor: "Data loss: Column users.name is dropped", keys: "y" },
        { waitFor: "◆  Run these", keys: "y" },
      ],
    );
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).not.toContain("rename column name → fullName"); // the rename question was never asked
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "fullName"]);
  });

  test("migrate generate asks the same way and writes what was decided", async (context) => {
    if (!available) return context.skip();
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS_RENAMED_COLUMN);
    const run = await runInTerminal(
      project.dir,
      ["migrate", "generate", "--name", "rename-name"],
      [
        { waitFor: "users.name is gone", keys: "r" },
        { waitFor: "◆  Write migration rename-name?", keys: "y" },
      ],
    );
    expect(run.code, run.screen).toBe(0);
    const id = project.migrationIds()[1]!;
    expect(project.read(`migrations/${id}/up.sql`)).toContain('RENAME COLUMN "name" TO "fullName"');
  });

  test("migrate reset asks first; --force does not", async (context) => {
    if (!available) return context.skip();
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO users (email) VALUES ('ada@example.com')");
    const declined = await runInTerminal(
      project.dir,
      ["migrate", "reset"],
      [{ waitFor: "◆  Reset will drop 1 table (users)", keys: "n" }],
    );
    expect(declined.code).toBe(1);
    expect(declined.screen).toContain("on app.db (sqlite3). Go on?");
    expect(declined.screen).toContain("! Table users is dropped with all its rows (1 row).");
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM users")).toEqual([{ n: 1 }]);
    const forced = await runInTerminal(project.dir, ["migrate", "reset", "--force"], []);
    expect(forced.code, forced.screen).toBe(0);
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM users")).toEqual([{ n: 0 }]);
  });

  test("migrate rollback asks, naming the database and what is dropped with its rows", async (context) => {
    if (!available) return context.skip();
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO users (email) VALUES ('ada@example.com'), ('bob@example.com')");
    const question = "◆  Roll back 1 migration on app.db (sqlite3). Go on?";
    const declined = await runInTerminal(project.dir, ["migrate", "rollback"], [{ waitFor: question, keys: "n" }]);
    expect(declined.code).toBe(1);
    expect(declined.screen).toContain("! Table users is dropped with all its rows (2 rows).");
    expect(declined.screen).toContain("Rollback aborted at the confirmation");
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM users")).toEqual([{ n: 2 }]);
    const accepted = await runInTerminal(project.dir, ["migrate", "rollback"], [{ waitFor: question, keys: "y" }]);
    expect(accepted.code, accepted.screen).toBe(0);
    expect(accepted.screen).toContain("Rolled back 1 migration");
    expect(sqliteTables(db())).toEqual(["_viborm_migrations"]);
  });
});

describe("a terminal that must not be asked", () => {
  test("CI=true or --json never prompts: the undecided change exits 1", async (context) => {
    if (!available) return context.skip();
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    const ci = await runInTerminal(project.dir, ["push"], [], { env: { CI: "true" } });
    expect(ci.code).toBe(1);
    expect(ci.screen).toContain("--force");
    const json = await runInTerminal(project.dir, ["push", "--json"], []);
    expect(json.code).toBe(1);
    expect(json.screen).toContain('"DESTRUCTIVE_REJECTED"');
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
  });

  test("colours on a terminal, none with NO_COLOR", async (context) => {
    if (!available) return context.skip();
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    const coloured = await runInTerminal(project.dir, ["migrate", "status"], []);
    expect(coloured.code).toBe(0);
    expect(hasColour(coloured.raw)).toBe(true);
    const plain = await runInTerminal(project.dir, ["migrate", "status"], [], { env: { NO_COLOR: "1" } });
    expect(plain.code).toBe(0);
    expect(plain.screen).toContain("pending");
    expect(hasColour(plain.raw)).toBe(false);
  });
});
