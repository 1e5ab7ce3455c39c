/**
 * `viborm pull` without a terminal, on a SQLite file made by hand: print, write, refuse to replace
 * an edited file, and the written schema pushes back to nothing.
 */
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createProject, type Project, SQLITE_CONFIG, sqliteExec } from "./project.js";

let project: Project;
afterEach(() => project?.remove());

const EMPTY_SCHEMA = "export const schema = {};\n";

describe("viborm pull", () => {
  test("prints the schema, writes it with --out, refuses an edited file without --force", async () => {
    project = createProject({ "schema.ts": EMPTY_SCHEMA, "viborm.config.ts": SQLITE_CONFIG });
    sqliteExec(
      join(project.dir, "app.db"),
      `CREATE TABLE "team members" (id INTEGER PRIMARY KEY AUTOINCREMENT, "full name" TEXT NOT NULL UNIQUE);
       CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, member_id INTEGER NOT NULL REFERENCES "team members"(id), body TEXT);`,
    );
    const printed = await project.run(["pull"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('.map("team members")');
    expect(printed.stdout).toContain('member: s.manyToOne(() => teamMembers).fields("member_id")');

    const refused = await project.run(["pull", "--out", "schema.ts", "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.json().error.code).toBe("INVALID_ARGUMENT");
    expect(project.read("schema.ts")).toBe(EMPTY_SCHEMA);

    const written = await project.run(["pull", "--out", "schema.ts", "--force", "--json"]);
    expect(written.code, written.stdout).toBe(0);
    expect(written.json()).toMatchObject({ ok: true, command: "pull", file: "schema.ts", warnings: [] });
    const plan = await project.run(["push", "--dry-run", "--json"]);
    expect(plan.code, plan.stdout).toBe(0);
    expect(plan.json().statements).toEqual([]);
    // Pulling again into the same file is allowed: it holds exactly this schema.
    expect((await project.run(["pull", "--out", "schema.ts"])).code).toBe(0);
  });
});
