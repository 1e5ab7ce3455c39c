/**
 * `viborm push` without a terminal (CI): plans, dry runs, and every decision flag, on SQLite files.
 */
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  createProject,
  type Project,
  SQLITE_CONFIG,
  sqliteColumns,
  sqliteExec,
  sqliteRows,
  sqliteTables,
} from "./project.js";
import { PEOPLE, USERS, USERS_DROPPED_COLUMN, USERS_POSTS, USERS_RENAMED_COLUMN } from "./schemas.js";

let project: Project;
afterEach(() => project?.remove());

const db = () => join(project.dir, "app.db");

/** A project whose database holds USERS with one row, its schema then changed to `next`. */
async function pushedThenChanged(next: string): Promise<void> {
  project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
  expect((await project.run(["push"])).code).toBe(0);
  sqliteExec(db(), "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')");
  project.write("schema.ts", next);
}

describe("viborm push", () => {
  test("creates the schema, and a second push has nothing to do", async () => {
    project = createProject({ "schema.ts": USERS_POSTS, "viborm.config.ts": SQLITE_CONFIG });
    const first = await project.run(["push"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Plan: \d+ statements/);
    expect(first.stdout).toContain("users");
    expect(first.stdout).toContain("+ create table (3 columns, 1 unique)");
    expect(first.stdout).toContain("✓ Pushed");
    expect(first.stdout).not.toContain("CREATE TABLE"); // SQL only with --verbose
    expect(sqliteTables(db())).toEqual(["posts", "users"]);

    const again = await project.run(["push", "--json"]);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, command: "push", applied: false, statements: [], outline: [] });
    const human = await project.run(["push"]);
    expect(human.stdout).toContain("nothing to push");
  });

  test("--dry-run shows the plan and its SQL and changes nothing; --json gives the plan, its outline and statements", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const dry = await project.run(["push", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('CREATE TABLE "users"');
    expect(dry.stdout).toContain("Dry run: nothing ran");
    expect(sqliteTables(db())).toEqual([]);

    const json = (await project.run(["push", "--dry-run", "--json"])).json();
    expect(json).toMatchObject({ ok: true, command: "push", dryRun: true, applied: false });
    expect(json.statements.some((sql: string) => sql.startsWith('CREATE TABLE "users"'))).toBe(true);
    expect(json.outline).toEqual([
      {
        object: "users",
        steps: [{ kind: "createTable", summary: "create table (3 columns, 1 unique)", destructive: false }],
      },
    ]);
    expect(json.plan).toMatchObject({ format: "viborm.push-plan", dialect: "sqlite", statements: json.statements });
    expect(sqliteTables(db())).toEqual([]);
  });

  test("--verbose prints the SQL that runs", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const run = await project.run(["push", "--verbose"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('CREATE TABLE "users"');
  });

  test("an undecided change exits 1, lists each change with the flags that decide it, and changes nothing", async () => {
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const run = await project.run(["push"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("DESTRUCTIVE_REJECTED");
    expect(run.stderr).toContain("--rename users.name=fullName");
    expect(run.stderr).toContain("--no-rename");
    expect(run.stderr).toContain("--force");
    // CLI words, not the API's options.
    expect(run.stderr).not.toContain("force: true");
    expect(run.stderr).not.toContain("`resolve`");
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);

    const json = await project.run(["push", "--json"]);
    expect(json.code).toBe(1);
    const document = json.json();
    expect(document.ok).toBe(false);
    expect(document.error.code).toBe("DESTRUCTIVE_REJECTED");
    expect(document.undecided).toEqual([
      expect.objectContaining({
        type: "ambiguous",
        kind: "renameColumn",
        table: "users",
        from: "name",
        to: "fullName",
        flags: ["--rename users.name=fullName", "--no-rename"],
      }),
      expect.objectContaining({ type: "destructive", kind: "dropColumn", column: "name", flags: ["--force"] }),
    ]);
  });

  test("--rename <table>.<col>=<newCol> renames the column and keeps its values", async () => {
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const run = await project.run(["push", "--rename", "users.name=fullName", "--json"]);
    expect(run.code, run.stdout).toBe(0);
    const document = run.json();
    expect(document.applied).toBe(true);
    expect(document.changes).toEqual([
      expect.objectContaining({ kind: "renameColumn", from: "name", to: "fullName", decision: "rename", by: "flag" }),
    ]);
    expect(sqliteRows(db(), "SELECT fullName FROM users")).toEqual([{ fullName: "Ada" }]);
  });

  test("--rename <table>=<newTable> renames the table and keeps its rows", async () => {
    await pushedThenChanged(PEOPLE);
    const undecided = await project.run(["push", "--json"]);
    expect(undecided.code).toBe(1);
    expect(undecided.json().undecided[0]?.flags).toEqual(["--rename users=people", "--no-rename"]);

    const run = await project.run(["push", "--rename", "users=people"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("rename table users → people");
    expect(sqliteTables(db())).toEqual(["people"]);
    expect(sqliteRows(db(), "SELECT email FROM people")).toEqual([{ email: "ada@example.com" }]);
  });

  test("--no-rename makes the rename an add and a drop, whose data loss still needs --force", async () => {
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const without = await project.run(["push", "--no-rename", "--json"]);
    expect(without.code).toBe(1);
    expect(without.json().undecided).toEqual([
      expect.objectContaining({ type: "destructive", kind: "dropColumn", column: "name", flags: ["--force"] }),
    ]);

    const run = await project.run(["push", "--no-rename", "--force"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("! drop column name (data loss: 1 row, 1 non-null value)");
    expect(sqliteRows(db(), "SELECT fullName FROM users")).toEqual([{ fullName: null }]);
  });

  test("--force accepts data loss but never decides a rename", async () => {
    await pushedThenChanged(USERS_RENAMED_COLUMN);
    const run = await project.run(["push", "--force", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json().undecided).toEqual([expect.objectContaining({ type: "ambiguous", kind: "renameColumn" })]);
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
  });

  test("--accept-data-loss is --force", async () => {
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    expect((await project.run(["push"])).code).toBe(1);
    const run = await project.run(["push", "--accept-data-loss", "--json"]);
    expect(run.code).toBe(0);
    expect(run.json().changes).toEqual([
      expect.objectContaining({ kind: "dropColumn", column: "name", decision: "proceed", by: "flag" }),
    ]);
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email"]);
  });

  test("a --rename that matches no suspected rename is reported and ignored", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const run = await project.run(["push", "--rename", "users.nick=name"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("--rename users.nick=name matched no suspected rename");
  });

  test("a malformed --rename exits 1 with INVALID_ARGUMENT", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const run = await project.run(["push", "--rename", "users.name", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json().error).toMatchObject({ code: "INVALID_ARGUMENT", meta: { argument: "--rename" } });
  });

  test("when the database changes between the preview and the run, the plan is stale and nothing runs", async () => {
    // The config's driver creates a table behind the CLI's back just before the second read of the
    // catalog (the staleness check): the confirmed plan no longer fits, so none of it runs.
    const config = `import { createClient } from "viborm";
import { defineConfig } from "viborm/config";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { schema } from "./schema.ts";

const inner = createSqliteClient({ schema, filename: "app.db" }).$driver;
let introspections = 0;
const driver = {
  ...inner,
  async queryAll(statements) {
    introspections += 1;
    if (process.env.SURPRISE && introspections === 2) await inner.query("CREATE TABLE surprise (id INTEGER)");
    return inner.queryAll(statements);
  },
};
export default defineConfig({ client: createClient({ schema, driver }) });
`;
    project = createProject({ "schema.ts": USERS_DROPPED_COLUMN, "viborm.config.ts": config });
    expect((await project.run(["push"])).code).toBe(0);
    project.write("schema.ts", USERS);
    const run = await project.run(["push", "--json"], { env: { SURPRISE: "1" } });
    expect(run.code).toBe(1);
    const document = run.json();
    expect(document.error.code).toBe("PLAN_STALE");
    expect(document.error.meta).toMatchObject({ tables: { added: ["surprise"], removed: [], altered: [] } });
    expect(sqliteTables(db())).toEqual(["surprise", "users"]);
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email"]);
  });

  test("an undecided drop lists its row and value counts; --json carries them", async () => {
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    const run = await project.run(["push"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Column users.name is dropped with its values (1 row, 1 non-null value).");
    const json = (await project.run(["push", "--json"])).json();
    expect(json.undecided).toEqual([expect.objectContaining({ kind: "dropColumn", rows: 1, values: 1 })]);
  });

  test("a NOT NULL column without default added to an empty table needs no --force; with rows it does", async () => {
    const withAge = USERS.replace("name: s.string().nullable(),", "name: s.string().nullable(),\n  age: s.int(),");
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["push"])).code).toBe(0);
    project.write("schema.ts", withAge);
    const empty = await project.run(["push", "--json"]);
    expect(empty.code, empty.stdout).toBe(0);
    expect(empty.json().changes).toEqual([]);
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name", "age"]);

    project.write("schema.ts", USERS);
    expect((await project.run(["push", "--force"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO users (email) VALUES ('ada@example.com')");
    project.write("schema.ts", withAge);
    const full = await project.run(["push", "--json"]);
    expect(full.code).toBe(1);
    expect(full.json().undecided).toEqual([expect.objectContaining({ kind: "addNotNullColumn", rows: 1 })]);
  });

  test("--plan runs a plan saved by --dry-run --json exactly, and refuses it once the database changed", async () => {
    await pushedThenChanged(USERS_DROPPED_COLUMN);
    const saved = await project.run(["push", "--dry-run", "--json", "--force"]);
    expect(saved.code, saved.stdout).toBe(0);
    project.write("plan.json", saved.stdout);
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);

    sqliteExec(db(), "CREATE TABLE audit (id INTEGER PRIMARY KEY)");
    const stale = await project.run(["push", "--plan", "plan.json", "--json"]);
    expect(stale.code).toBe(1);
    expect(stale.json().error).toMatchObject({ code: "PLAN_STALE", meta: { tables: { added: ["audit"] } } });
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);

    sqliteExec(db(), "DROP TABLE audit");
    const flagged = await project.run(["push", "--plan", "plan.json", "--force"]);
    expect(flagged.code).toBe(1);
    expect(flagged.stderr).toContain("INVALID_ARGUMENT");
    const run = await project.run(["push", "--plan", "plan.json", "--json"]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.json()).toMatchObject({ applied: true, statements: saved.json().statements });
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email"]);

    project.write("plan.json", saved.stdout.replace("DROP", "drop"));
    const edited = await project.run(["push", "--plan", "plan.json", "--json"]);
    expect(edited.json().error).toMatchObject({ code: "INVALID_ARGUMENT", meta: { argument: "plan" } });
  });
});
