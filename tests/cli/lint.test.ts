/**
 * `viborm migrate lint` without a terminal: exit 1 on an error finding, one JSON document with
 * `--json`, pending migrations by default and every one with `--all`; generate and push show the
 * same findings for what they are about to write or run.
 */
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createProject, type JsonDoc, type Project, SQLITE_CONFIG, sqliteExec } from "./project.js";
import { USERS, USERS_DROPPED_COLUMN, USERS_POSTS } from "./schemas.js";

interface LintDoc extends JsonDoc {
  findings: { code: string; severity: string; migration: string | null; statement: number; message: string }[];
}

let project: Project;
afterEach(() => project?.remove());

describe("viborm migrate lint", () => {
  test("an additive pending migration passes; a destructive one exits 1 and names the statement", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS_POSTS);
    expect((await project.run(["migrate", "generate", "--name", "add-posts"])).code).toBe(0);
    const quiet = await project.run(["migrate", "lint", "--json"]);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.json<LintDoc>()).toMatchObject({ ok: true, command: "lint", findings: [], summary: { errors: 0 } });

    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    sqliteExec(join(project.dir, "app.db"), `INSERT INTO users (email, name) VALUES ('a@b', 'Ann'), ('c@d', NULL)`);
    project.write("schema.ts", USERS_DROPPED_COLUMN);
    const generated = await project.run(["migrate", "generate", "--name", "drop-name", "--force", "--json"]);
    expect(generated.code, generated.stderr).toBe(0);
    const written = generated.json<LintDoc>();
    expect(written.findings.some((f) => f.code === "DESTRUCTIVE" && f.severity === "error")).toBe(true);

    const run = await project.run(["migrate", "lint", "--json"]);
    expect(run.code).toBe(1);
    const document = run.json<LintDoc>();
    expect(document.ok).toBe(false);
    const destructive = document.findings.find((f) => f.code === "DESTRUCTIVE");
    expect(destructive).toMatchObject({ severity: "error", migration: written.migration?.id });
    expect(destructive?.message).toContain("users.name");
    expect(destructive?.message).toContain("1 non-null value");

    const human = await project.run(["migrate", "lint"]);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain("DESTRUCTIVE");
    expect(human.stdout).toMatch(/\d+ errors?, \d+ warnings?\./);
  });

  test("--all includes applied migrations; a nolint line silences a code", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    project.write("schema.ts", USERS_DROPPED_COLUMN);
    expect((await project.run(["migrate", "generate", "--name", "drop-name", "--force"])).code).toBe(0);
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    expect((await project.run(["migrate", "lint"])).code).toBe(0); // nothing pending

    const all = await project.run(["migrate", "lint", "--all", "--json"]);
    expect(all.code).toBe(1);
    expect(all.json<LintDoc>().findings.map((f) => f.code)).toContain("DESTRUCTIVE");

    const [, dropId] = project.migrationIds();
    const up = project.read(`migrations/${dropId}/up.sql`);
    project.write(
      `migrations/${dropId}/up.sql`,
      up.replace(/ALTER TABLE/, "-- viborm:nolint DESTRUCTIVE\nALTER TABLE"),
    );
    const named = await project.run(["migrate", "lint", dropId!, "--json"]);
    expect(named.code, named.stdout).toBe(0);
    expect(named.json<LintDoc>().findings.map((f) => f.code)).not.toContain("DESTRUCTIVE");
  });

  test("push --dry-run lists the findings of its plan", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["push"])).code).toBe(0);
    sqliteExec(join(project.dir, "app.db"), `INSERT INTO users (email, name) VALUES ('a@b', 'Ann')`);
    project.write("schema.ts", USERS_DROPPED_COLUMN);
    const run = await project.run(["push", "--dry-run", "--force", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const document = run.json<LintDoc>();
    expect(document.findings.find((f) => f.code === "DESTRUCTIVE")).toMatchObject({
      migration: null,
      severity: "error",
    });
    const human = await project.run(["push", "--dry-run", "--force"]);
    expect(human.stdout).toContain("Lint:");
    expect(human.stdout).toContain("DESTRUCTIVE");
  });
});
