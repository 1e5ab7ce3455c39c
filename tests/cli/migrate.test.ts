/**
 * `viborm migrate generate | apply | status | rollback | reset` without a terminal, on SQLite files.
 */
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  appliedIds,
  createProject,
  type Project,
  SQLITE_CONFIG,
  sqliteColumns,
  sqliteExec,
  sqliteRows,
  sqliteTables,
} from "./project.js";
import { USERS, USERS_DROPPED_COLUMN, USERS_POSTS, USERS_RENAMED_COLUMN } from "./schemas.js";

let project: Project;
afterEach(() => project?.remove());

const db = () => join(project.dir, "app.db");

/** A project with two generated migrations, `init` (users) and `add-posts`, none applied. */
async function twoMigrations(): Promise<[string, string]> {
  project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
  expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
  project.write("schema.ts", USERS_POSTS);
  expect((await project.run(["migrate", "generate", "--name", "add-posts"])).code).toBe(0);
  const ids = project.migrationIds();
  expect(ids).toHaveLength(2);
  return ids as [string, string];
}

describe("viborm migrate generate", () => {
  test("--name writes the migration folder; with no change there is nothing to generate", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const run = await project.run(["migrate", "generate", "--name", "init"]);
    expect(run.code, run.stderr).toBe(0);
    const [id] = project.migrationIds();
    expect(id).toMatch(/^\d{14}_init$/);
    expect(run.stdout).toContain(`Created migrations/${id}/`);
    expect(readdirSync(join(project.dir, "migrations", id!)).sort()).toEqual(["down.sql", "migration.json", "up.sql"]);
    expect(project.read(`migrations/${id}/up.sql`)).toContain('CREATE TABLE "users"');
    expect(sqliteTables(db())).toEqual([]); // generate never touches the database

    const again = await project.run(["migrate", "generate", "--name", "again", "--json"]);
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ ok: true, command: "generate", migration: null, written: false, up: [] });
    expect(project.migrationIds()).toEqual([id]);
  });

  test("--dry-run shows up and down SQL and writes nothing; --json describes the migration", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const dry = await project.run(["migrate", "generate", "--name", "init", "--dry-run"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("up.sql:");
    expect(dry.stdout).toContain('DROP TABLE "users"');
    expect(project.migrationIds()).toEqual([]);

    const json = await project.run(["migrate", "generate", "--name", "init", "--json"]);
    const document = json.json();
    expect(document).toMatchObject({ ok: true, command: "generate", dryRun: false, written: true, warnings: [] });
    expect(document.migration?.name).toBe("init");
    expect(document.path).toBe(join(project.dir, "migrations", document.migration?.id ?? ""));
    expect(document.up[0]).toContain('CREATE TABLE "users"');
    expect(document.down[0]).toContain('DROP TABLE "users"');
  });

  test("undecided changes exit 1 with their flags; --rename decides and the migration renames", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS_RENAMED_COLUMN);
    const undecided = await project.run(["migrate", "generate", "--name", "rename", "--json"]);
    expect(undecided.code).toBe(1);
    expect(undecided.json().undecided.map((change: { flags: string[] }) => change.flags)).toEqual([
      ["--rename users.name=fullName", "--no-rename"],
      ["--force"],
    ]);
    expect(project.migrationIds()).toHaveLength(1);

    const run = await project.run(["migrate", "generate", "--name", "rename", "--rename", "users.name=fullName"]);
    expect(run.code, run.stderr).toBe(0);
    const id = project.migrationIds()[1]!;
    expect(project.read(`migrations/${id}/up.sql`)).toContain('RENAME COLUMN "name" TO "fullName"');
  });

  test("--no-rename with --force writes an add and a drop", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS_RENAMED_COLUMN);
    const run = await project.run(["migrate", "generate", "--name", "replace-name", "--no-rename", "--force"]);
    expect(run.code, run.stderr).toBe(0);
    const up = project.read(`migrations/${project.migrationIds()[1]}/up.sql`);
    expect(up).toContain('ADD COLUMN "fullName"');
    expect(up).toContain('DROP COLUMN "name"');
  });

  test("--force writes a destructive migration, whose lossy rollback is a warning", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS_DROPPED_COLUMN);
    expect((await project.run(["migrate", "generate", "--name", "drop-name"])).code).toBe(1);
    const run = await project.run(["migrate", "generate", "--name", "drop-name", "--force"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("warning: Rolling back re-adds users.name empty");
  });
});

describe("viborm migrate apply and status", () => {
  test("status lists pending migrations; --exit-code returns 2 until they are applied", async () => {
    const [init, posts] = await twoMigrations();
    const status = await project.run(["migrate", "status"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`${init}\\s+pending`));
    expect(status.stdout).toContain("2 pending");
    expect((await project.run(["migrate", "status", "--exit-code"])).code).toBe(2);

    const json = await project.run(["migrate", "status", "--json", "--exit-code"]);
    expect(json.code).toBe(2);
    expect(json.json()).toEqual({
      ok: true,
      command: "status",
      migrations: [
        { id: init, name: "init", state: "pending" },
        { id: posts, name: "add-posts", state: "pending" },
      ],
      summary: { applied: 0, pending: 2, modified: 0, missing: 0 },
    });

    const apply = await project.run(["migrate", "apply"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain(`[1/2] ↑ ${init}`);
    expect(apply.stderr).toContain(`[2/2] ↑ ${posts}`);
    expect(apply.stdout).toContain("Applied 2 migrations");
    expect(sqliteTables(db())).toEqual(["_viborm_migrations", "posts", "users"]);
    expect((await project.run(["migrate", "status", "--exit-code"])).code).toBe(0);
    expect((await project.run(["migrate", "apply", "--json"])).json()).toEqual({
      ok: true,
      command: "apply",
      dryRun: false,
      applied: [],
      pending: [],
    });
  });

  test("apply --to stops at a migration; --dry-run lists and runs nothing; --json lists applied and pending", async () => {
    const [init, posts] = await twoMigrations();
    const dry = await project.run(["migrate", "apply", "--dry-run", "--json"]);
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, applied: [], toApply: [{ id: init }, { id: posts }] });
    const dryTo = await project.run(["migrate", "apply", "--to", "init", "--dry-run"]);
    expect(dryTo.stdout).toContain("Would apply 1 migration");
    expect(sqliteTables(db())).toEqual([]);

    const run = await project.run(["migrate", "apply", "--to", "init", "--json"]);
    expect(run.code).toBe(0);
    const document = run.json();
    expect(appliedIds(document)).toEqual([init]);
    expect(document.pending.map((m: { id: string }) => m.id)).toEqual([posts]);
    expect(sqliteTables(db())).toEqual(["_viborm_migrations", "users"]);
  });

  test("a migration edited after it was applied is modified: status --exit-code 2, apply refuses", async () => {
    const [init] = await twoMigrations();
    expect((await project.run(["migrate", "apply", "--to", init])).code).toBe(0);
    project.write(`migrations/${init}/up.sql`, `${project.read(`migrations/${init}/up.sql`)}\n-- edited\n`);
    const status = await project.run(["migrate", "status", "--json", "--exit-code"]);
    expect(status.code).toBe(2);
    expect(status.json().summary).toEqual({ applied: 0, pending: 1, modified: 1, missing: 0 });
    const apply = await project.run(["migrate", "apply", "--json"]);
    expect(apply.code).toBe(1);
    expect(apply.json().error).toMatchObject({ code: "CHECKSUM_MISMATCH", meta: { migrations: [{ id: init }] } });
  });

  test("an applied migration whose folder is gone is missing: status --exit-code 2", async () => {
    const [init, posts] = await twoMigrations();
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    renameSync(join(project.dir, "migrations", posts), join(project.dir, "gone"));
    const status = await project.run(["migrate", "status", "--json", "--exit-code"]);
    expect(status.code).toBe(2);
    expect(status.json().summary).toEqual({ applied: 1, pending: 0, modified: 0, missing: 1 });
    expect(status.json().migrations).toContainEqual(expect.objectContaining({ id: init, state: "applied" }));
    expect(status.json().migrations).toContainEqual(expect.objectContaining({ id: posts, state: "missing" }));
  });

  test("migrate resolve --accept-checksum, the way out of a modified migration the error names", async () => {
    const [init, posts] = await twoMigrations();
    expect((await project.run(["migrate", "apply", "--to", init])).code).toBe(0);
    project.write(`migrations/${init}/up.sql`, `${project.read(`migrations/${init}/up.sql`)}\n-- reviewed\n`);
    const refused = await project.run(["migrate", "apply", "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.json().error.message).toContain(`viborm migrate resolve --accept-checksum ${init}`);

    const accepted = await project.run(["migrate", "resolve", "--accept-checksum", init, "--json"]);
    expect(accepted.code, accepted.stdout).toBe(0);
    expect(accepted.json()).toMatchObject({ ok: true, command: "resolve", changed: true, migration: { id: init } });
    expect((await project.run(["migrate", "status", "--json"])).json().summary).toMatchObject({ modified: 0 });

    const forgot = await project.run(["migrate", "resolve", "--rolled-back", init]);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toContain(`Forgot ${init}`);
    const recorded = await project.run(["migrate", "resolve", "--applied", init]);
    expect(recorded.stdout).toContain(`Recorded ${init} as applied`);

    const unknown = await project.run(["migrate", "resolve", "--applied", "nope", "--json"]);
    expect(unknown.code).toBe(1);
    expect(unknown.json().error.code).toBe("MIGRATION_NOT_FOUND");
    const two = await project.run(["migrate", "resolve", "--applied", init, "--rolled-back", posts, "--json"]);
    expect(two.code).toBe(1);
    expect(two.json().error.code).toBe("INVALID_ARGUMENT");
    expect((await project.run(["migrate", "status", "--json"])).json().summary).toEqual({
      applied: 1,
      pending: 1,
      modified: 0,
      missing: 0,
    });
  });

  test("a pushed database: apply's 'already exists' names migrate baseline, which adopts it", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["push"])).code).toBe(0);
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    const failed = await project.run(["migrate", "apply", "--json"]);
    expect(failed.code).toBe(1);
    expect(failed.json().error.message).toContain("viborm migrate baseline");
    rmSync(join(project.dir, "migrations"), { recursive: true, force: true });

    const adopted = await project.run(["migrate", "baseline", "--json"]);
    expect(adopted.code, adopted.stdout).toBe(0);
    const id = adopted.json().migration?.id;
    expect(id).toMatch(/_baseline$/);
    expect(project.migrationIds()).toEqual([id]);
    const status = await project.run(["migrate", "status", "--json"]);
    expect(status.json().summary).toEqual({ applied: 1, pending: 0, modified: 0, missing: 0 });
    expect((await project.run(["migrate", "generate", "--name", "nothing", "--json"])).json().migration).toBeNull();
    const again = await project.run(["migrate", "baseline", "--json"]);
    expect(again.code).toBe(1);
    expect(again.json().error.code).toBe("MIGRATION_CONFLICT");
  });

  test("migrate check: exit 0 when all agree, 1 with each problem's code; --json; it writes nothing", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const ahead = await project.run(["migrate", "check", "--json"]);
    expect(ahead.code).toBe(1);
    expect(ahead.json()).toMatchObject({ ok: false, command: "check", problems: [{ code: "SCHEMA_AHEAD" }] });
    expect(sqliteTables(db())).toEqual([]);
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    const pending = await project.run(["migrate", "check"]);
    expect(pending.code).toBe(1);
    expect(pending.stdout).toContain("PENDING");
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    const clean = await project.run(["migrate", "check"]);
    expect(clean.code, clean.stdout).toBe(0);
    expect(clean.stdout).toContain("agree");
    sqliteExec(db(), "CREATE TABLE audit (id INTEGER PRIMARY KEY)");
    const drift = await project.run(["migrate", "check", "--json"]);
    expect(drift.code).toBe(1);
    expect(drift.json().problems).toEqual([expect.objectContaining({ code: "DRIFT", changes: ["dropTable audit"] })]);
  });

  test("an older pending migration (a merged branch) needs --allow-out-of-order", async () => {
    const [init, posts] = await twoMigrations();
    // Hide init while add-posts is applied, as if init came from a branch merged later.
    renameSync(join(project.dir, "migrations", init), join(project.dir, "later"));
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    renameSync(join(project.dir, "later"), join(project.dir, "migrations", init));

    const refused = await project.run(["migrate", "apply", "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.json().error).toMatchObject({
      code: "OUT_OF_ORDER",
      meta: { migrations: [init], lastApplied: posts },
    });
    // The CLI names its flag, not the API option.
    expect(refused.json().error.message).toContain("pass --allow-out-of-order");
    expect(refused.json().error.message).not.toContain("allowOutOfOrder");
    const text = await project.run(["migrate", "apply"]);
    expect(text.stderr).toContain("--allow-out-of-order");
    expect(text.stderr).not.toContain("allowOutOfOrder");
    const run = await project.run(["migrate", "apply", "--allow-out-of-order", "--json"]);
    expect(run.code, run.stdout).toBe(0);
    expect(appliedIds(run.json())).toEqual([init]);
  });

  test("apply --to an unknown migration exits 1 with MIGRATION_NOT_FOUND", async () => {
    await twoMigrations();
    const run = await project.run(["migrate", "apply", "--to", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("MIGRATION_NOT_FOUND");
  });
});

describe("viborm migrate rollback and reset", () => {
  test("rollback: one step by default, --steps N, --to, --dry-run, --json", async () => {
    const [init, posts] = await twoMigrations();
    expect((await project.run(["migrate", "apply"])).code).toBe(0);

    const dry = await project.run(["migrate", "rollback", "--steps", "2", "--dry-run"]);
    expect(dry.stdout).toContain("Would roll back 2 migrations");
    expect(sqliteTables(db())).toContain("posts");

    const one = await project.run(["migrate", "rollback", "--force"]);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toContain(`Rolled back 1 migration`);
    expect(one.stderr).toContain(`↓ ${posts}`);
    expect(sqliteTables(db())).toEqual(["_viborm_migrations", "users"]);

    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    const to = await project.run(["migrate", "rollback", "--to", "init", "--json", "--force"]);
    expect(to.json()).toMatchObject({ ok: true, command: "rollback", rolledBack: [{ id: posts }] });

    const steps = await project.run(["migrate", "rollback", "--steps", "1", "--json", "--force"]);
    expect(steps.json().rolledBack.map((m: { id: string }) => m.id)).toEqual([init]);
    expect(sqliteTables(db())).toEqual(["_viborm_migrations"]);
  });

  test("rollback refuses bad --steps and --steps with --to", async () => {
    await twoMigrations();
    const zero = await project.run(["migrate", "rollback", "--steps", "0"]);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain("--steps");
    const both = await project.run(["migrate", "rollback", "--steps", "1", "--to", "init", "--json"]);
    expect(both.code).toBe(1);
    expect(both.json().error.code).toBe("INVALID_ARGUMENT");
  });

  test("reset drops everything and re-applies every migration; --dry-run only lists", async () => {
    const [init, posts] = await twoMigrations();
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO users (email) VALUES ('ada@example.com')");

    const dry = await project.run(["migrate", "reset", "--dry-run", "--json"]);
    expect(dry.json()).toEqual({
      ok: true,
      command: "reset",
      dryRun: true,
      database: "app.db (sqlite3)",
      dropped: ["posts", "users"],
      applied: [expect.objectContaining({ id: init }), expect.objectContaining({ id: posts })],
      changes: [
        expect.objectContaining({ kind: "dropTable", table: "posts", rows: 0 }),
        expect.objectContaining({ kind: "dropTable", table: "users", rows: 1 }),
      ],
    });
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM users")).toEqual([{ n: 1 }]);

    const run = await project.run(["migrate", "reset", "--force"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Reset: dropped 2 tables, applied 2 migrations");
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM users")).toEqual([{ n: 0 }]);
    expect(sqliteColumns(db(), "users")).toEqual(["id", "email", "name"]);
    expect(existsSync(join(project.dir, "migrations", init))).toBe(true);
  });

  test("without a terminal, rollback and reset need --force: exit 1 naming the flag, nothing touched", async () => {
    const [, posts] = await twoMigrations();
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO posts (title) VALUES ('hello')");
    const before = sqliteRows(db(), "SELECT id FROM _viborm_migrations ORDER BY id");

    const rollback = await project.run(["migrate", "rollback"], { env: { CI: "true" } });
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toContain("--force");
    expect(rollback.stderr).toContain("Roll back 1 migration on app.db (sqlite3)");
    expect(rollback.stderr).toContain("Table posts is dropped with all its rows (1 row).");
    const json = await project.run(["migrate", "rollback", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json().error.code).toBe("DESTRUCTIVE_REJECTED");
    // The CLI's own message, as it wrote it: no hint for the runtime's options glued after it.
    expect(json.json().error.message).toMatch(/needs --force without a terminal .*Nothing ran\.$/);
    expect(json.json().error.message).not.toMatch(/decide each change|\.;/);
    expect(json.json().undecided).toEqual([
      expect.objectContaining({ kind: "dropTable", table: "posts", rows: 1, flags: ["--force"] }),
    ]);

    const reset = await project.run(["migrate", "reset"], { env: { CI: "true" } });
    expect(reset.code).toBe(1);
    expect(reset.stderr).toContain("--force");
    expect(reset.stderr).toContain("Table users is dropped with all its rows (0 rows).");
    expect(sqliteTables(db())).toEqual(["_viborm_migrations", "posts", "users"]);
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM posts")).toEqual([{ n: 1 }]);
    expect(sqliteRows(db(), "SELECT id FROM _viborm_migrations ORDER BY id")).toEqual(before);
    expect(before.map((row) => row.id)).toContain(posts);
  });

  test("rollback --dry-run names the database and what is dropped, with counts, without asking", async () => {
    await twoMigrations();
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO posts (title) VALUES ('a'), ('b')");
    const dry = await project.run(["migrate", "rollback", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("Would roll back 1 migration on app.db (sqlite3):");
    expect(dry.stdout).toContain("! Table posts is dropped with all its rows (2 rows).");
    const json = (await project.run(["migrate", "rollback", "--dry-run", "--json"])).json();
    expect(json).toMatchObject({ ok: true, database: "app.db (sqlite3)" });
    expect(json.changes).toEqual([expect.objectContaining({ kind: "dropTable", table: "posts", rows: 2 })]);
    expect(sqliteRows(db(), "SELECT count(*) AS n FROM posts")).toEqual([{ n: 2 }]);
  });

  test("a rollback that drops a column lists it with its non-null values", async () => {
    project = createProject({ "schema.ts": USERS_DROPPED_COLUMN, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS);
    expect((await project.run(["migrate", "generate", "--name", "add-name"])).code).toBe(0);
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(db(), "INSERT INTO users (email, name) VALUES ('a@x', 'Ada'), ('b@x', NULL)");
    const json = (await project.run(["migrate", "rollback", "--dry-run", "--json"])).json();
    expect(json.changes).toEqual([
      expect.objectContaining({ kind: "dropColumn", table: "users", column: "name", rows: 2, values: 1 }),
    ]);
  });
});
