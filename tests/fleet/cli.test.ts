/**
 * `viborm fleet apply | status | rollback`, the built CLI over a config whose `fleet.tenants` are
 * SQLite files: JSON documents, exit codes, the failed tenants listed, the policy flags, the
 * progress line and the rollback question in a terminal.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient } from "viborm/sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createProject, type Project, sqliteExec, sqliteRows } from "../cli/project.js";
import { hasScript, runInTerminal } from "../cli/terminal.js";
import { generateSet } from "./helpers.js";

const SCHEMA = `import { s } from "viborm";
export const schema = { user: s.model({ id: s.int().id().increment(), email: s.string().unique() }) };
`;

/** A config with `tenants` SQLite files t0…t(n-1) in `tenants/`, and optionally a `client`. */
function fleetConfig(n: number, extra = ""): string {
  return `import { defineConfig } from "viborm/config";
import { createClient } from "viborm/sqlite3";
import { schema } from "./schema.ts";

export default defineConfig({
  ${extra}
  fleet: {
    tenants: () => Array.from({ length: ${n} }, (_, i) => ({
      id: "t" + i,
      client: () => createClient({ schema, filename: "tenants/t" + i + ".db" }),
    })),
    concurrency: 3,
  },
  migrations: { dir: "migrations" },
});
`;
}

interface FleetJson {
  ok: boolean;
  command: string;
  dryRun: boolean;
  tenants: { id: string; state: string; applied: string[]; pending?: string[]; error?: { code: string } }[];
  summary: Record<string, number>;
  failed: string[];
  error?: { code: string };
}

let project: Project;
let ids: string[];

beforeEach(async () => {
  project = createProject({ "schema.ts": SCHEMA, "viborm.config.ts": fleetConfig(6) });
  mkdirSync(join(project.dir, "tenants"));
  ids = await generateSet(
    (schema) => createClient({ schema, filename: ":memory:" }),
    createFsStorageDriver(join(project.dir, "migrations")),
  );
});
afterEach(() => project.remove());

const tenantDb = (name: string) => join(project.dir, "tenants", `${name}.db`);

describe("viborm fleet", () => {
  test("apply --json applies every tenant; status and a second apply find nothing to do", async () => {
    const first = await project.run(["fleet", "apply", "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const doc = first.json<FleetJson>();
    expect(doc).toMatchObject({ ok: true, command: "fleet apply", dryRun: false, failed: [] });
    expect(doc.summary).toMatchObject({ applied: 6, failed: 0, skipped: 0 });
    expect(doc.tenants[0]).toMatchObject({ id: "t0", state: "applied", applied: ids });
    const status = (await project.run(["fleet", "status", "--json"])).json<FleetJson>();
    expect(status.summary).toMatchObject({ upToDate: 6 });
    const again = await project.run(["fleet", "apply"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/6 tenants .*6 up to date/);
  });

  test("a failing tenant makes the command exit 1 and is listed with its error", async () => {
    sqliteExec(tenantDb("t4"), "CREATE TABLE post (x INTEGER);");
    const run = await project.run(["fleet", "apply"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/5 applied, 1 failed/);
    expect(run.stderr).toMatch(/1 tenant failed:\n\s+t4\s+MIGRATION_FAILED/);
    const json = (await project.run(["fleet", "apply", "--json"])).json<FleetJson>();
    expect(json).toMatchObject({ ok: false, failed: ["t4"] });
    expect(json.tenants.find((t) => t.id === "t4")?.error?.code).toBe("MIGRATION_FAILED");
    // Fixed, the next run resumes it alone.
    sqliteExec(tenantDb("t4"), "DROP TABLE post;");
    const fixed = (await project.run(["fleet", "apply", "--json"])).json<FleetJson>();
    expect(fixed.summary).toMatchObject({ applied: 1, upToDate: 5, failed: 0 });
  });

  test("--canary, --max-failures and --concurrency override the config", async () => {
    sqliteExec(tenantDb("t0"), "CREATE TABLE user (x INTEGER);");
    const canary = await project.run(["fleet", "apply", "--canary", "1", "--json"]);
    expect(canary.code).toBe(1);
    expect(canary.json<FleetJson>().summary).toMatchObject({ failed: 1, skipped: 5 });
    const stop = await project.run(["fleet", "apply", "--max-failures", "0", "--concurrency", "1", "--json"]);
    expect(stop.json<FleetJson>().tenants.map((t) => t.state)).toEqual(["failed", ...Array(5).fill("skipped")]);
    const bad = await project.run(["fleet", "apply", "--concurrency", "0", "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.json<FleetJson>().error?.code).toBe("INVALID_ARGUMENT");
  });

  test("dry run and rollback: --dry-run runs nothing; rollback --steps rolls every tenant back", async () => {
    const dry = (await project.run(["fleet", "apply", "--dry-run", "--to", "add-posts", "--json"])).json<FleetJson>();
    expect(dry).toMatchObject({ ok: true, dryRun: true });
    expect(dry.tenants.every((t) => t.state === "pending" && t.pending?.join() === ids.slice(0, 2).join())).toBe(true);
    expect((await project.run(["fleet", "apply"])).code).toBe(0);
    const refused = await project.run(["fleet", "rollback", "--steps", "2", "--json"]);
    expect(refused.code).toBe(1);
    expect(refused.json<FleetJson>().error?.code).toBe("DESTRUCTIVE_REJECTED");
    const refusal = refused.json<{ error: { message: string } }>().error.message;
    expect(refusal).toMatch(/^Rolling back 2 migrations on every tenant needs --force .*Nothing ran\.$/);
    expect(refusal).not.toMatch(/decide each change|\.;/);
    const said = await project.run(["fleet", "rollback", "--steps", "2"]);
    expect(said.stderr).toMatch(/Nothing ran\.\n/);
    expect(said.stderr).not.toMatch(/decide each change|\.;/);
    expect(sqliteRows(tenantDb("t5"), 'SELECT count(*) AS n FROM "_viborm_migrations"')).toEqual([{ n: 3 }]);
    const back = await project.run(["fleet", "rollback", "--steps", "2", "--force", "--json"]);
    expect(back.code, back.stderr).toBe(0);
    expect(back.json<FleetJson>().summary).toMatchObject({ rolledBack: 6 });
    expect(sqliteRows(tenantDb("t5"), 'SELECT id FROM "_viborm_migrations"')).toEqual([{ id: ids[0] }]);
    const status = await project.run(["fleet", "status", "--exit-code"]);
    expect(status.code).toBe(2);
  });

  test("a config without a fleet fails the fleet commands; a fleet-only config fails the others", async () => {
    project.write(
      "viborm.config.ts",
      `import { defineConfig } from "viborm/config";\nimport { createClient } from "viborm/sqlite3";\nimport { schema } from "./schema.ts";\nexport default defineConfig({ client: createClient({ schema, filename: "app.db" }) });\n`,
    );
    const noFleet = await project.run(["fleet", "status", "--json"]);
    expect(noFleet.code).toBe(1);
    expect(noFleet.json<FleetJson>().error?.code).toBe("CONFIG_ERROR");
    project.write("viborm.config.ts", fleetConfig(2));
    const noClient = await project.run(["migrate", "status", "--json"]);
    expect(noClient.code).toBe(1);
    expect(noClient.json<FleetJson>().error?.code).toBe("CONFIG_ERROR");
    // Beside a client, the fleet commands use only the tenants.
    project.write("viborm.config.ts", fleetConfig(2, 'client: createClient({ schema, filename: "app.db" }),'));
    expect((await project.run(["fleet", "apply", "--json"])).json<FleetJson>().summary.applied).toBe(2);
    expect(sqliteRows(join(project.dir, "app.db"), "SELECT name FROM sqlite_master")).toEqual([]);
  });
});

describe("viborm fleet edge cases", () => {
  test("status takes --canary and --max-failures as apply does, and says they change nothing there", async () => {
    for (const json of [true, false]) {
      const run = await project.run([
        "fleet",
        "status",
        "--canary",
        "2",
        "--max-failures",
        "0",
        ...(json ? ["--json"] : []),
      ]);
      expect(run.code, run.stderr).toBe(0);
      if (json) expect(run.json<FleetJson>().summary).toMatchObject({ pending: 6 });
      else expect(run.stdout).toMatch(/6 tenants .*6 pending/);
      expect(run.stderr).toMatch(/--canary and --max-failures .*status/);
    }
    // Without them, no note.
    expect((await project.run(["fleet", "status"])).stderr).toBe("");
    const bad = await project.run(["fleet", "status", "--canary", "x", "--json"]);
    expect(bad.code).toBe(1);
    expect(bad.json<FleetJson>().error?.code).toBe("INVALID_ARGUMENT");
  });

  test("no tenants: an all-zero report, and a message that says so", async () => {
    project.write("viborm.config.ts", fleetConfig(0));
    for (const command of ["apply", "status", "rollback"]) {
      const json = await project.run(
        ["fleet", command, "--force", "--json"].filter((a) => command === "rollback" || a !== "--force"),
      );
      expect(json.code, json.stderr).toBe(0);
      const doc = json.json<FleetJson>();
      expect(doc).toMatchObject({ ok: true, tenants: [], failed: [] });
      expect(Object.values(doc.summary)).toEqual([0, 0, 0, 0, 0, 0]);
      const human = await project.run(["fleet", command, ...(command === "rollback" ? ["--force"] : [])]);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(new RegExp(`fleet ${command}: no tenants .*fleet\\.tenants.*nothing ran`));
    }
  });

  test("a canary larger than the fleet makes every tenant a canary", async () => {
    sqliteExec(tenantDb("t3"), "CREATE TABLE comment (x INTEGER);");
    const ok = await project.run(["fleet", "apply", "--canary", "50", "--to", "init", "--json"]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json<FleetJson>().summary).toMatchObject({ applied: 6, failed: 0 });
    // Every tenant is a canary: as with any canary, a failed one stops new starts.
    const run = await project.run(["fleet", "apply", "--canary", "50", "--concurrency", "1", "--json"]);
    expect(run.code).toBe(1);
    const doc = run.json<FleetJson>();
    expect(doc.tenants.map((t) => t.state)).toEqual(["applied", "applied", "applied", "failed", "skipped", "skipped"]);
    expect(doc.summary).toEqual({ applied: 3, rolledBack: 0, upToDate: 0, pending: 0, failed: 1, skipped: 2 });
  });
});

describe("a bad fleet in the config", () => {
  const withFleet = (fleet: string) => `import { defineConfig } from "viborm/config";
import { createClient } from "viborm/sqlite3";
import { schema } from "./schema.ts";
const t0 = { id: "t0", client: () => createClient({ schema, filename: "tenants/t0.db" }) };
export default defineConfig({ fleet: ${fleet}, migrations: { dir: "migrations" } } as never);
`;
  test.each([
    ["fleet: 5", "5", "`fleet`"],
    ["tenants: a number", "{ tenants: 5 }", "`fleet.tenants`"],
    ["tenants: a string", '{ tenants: "t0" }', "`fleet.tenants`"],
    ["tenants: an object", "{ tenants: { t0 } }", "`fleet.tenants`"],
    ["tenants: null", "{ tenants: null }", "`fleet.tenants`"],
    ["tenants: a function returning a number", "{ tenants: () => 5 }", "`fleet.tenants`"],
    ["tenants: a function returning an object", "{ tenants: async () => ({ t0 }) }", "`fleet.tenants`"],
    ["concurrency: 0", "{ tenants: [t0], concurrency: 0 }", "`fleet.concurrency`"],
    ["concurrency: an object", "{ tenants: [t0], concurrency: { n: 2 } }", "`fleet.concurrency`"],
    ["canary: Infinity", "{ tenants: [t0], canary: Infinity }", "`fleet.canary`"],
    ["maxFailures: -1", "{ tenants: [t0], maxFailures: -1 }", "`fleet.maxFailures`"],
    ["a typo", "{ tenants: [t0], canry: 1 }", "`fleet.canary`"],
  ])("%s is CONFIG_ERROR naming the option; nothing runs", async (_, fleet, named) => {
    project.write("viborm.config.ts", withFleet(fleet));
    for (const args of [
      ["fleet", "apply", "--json"],
      ["fleet", "status", "--json"],
    ]) {
      const run = await project.run(args);
      expect(run.code, run.stderr).toBe(1);
      const { error } = run.json<{ error: { code: string; message: string } }>();
      expect(error.code, error.message).toBe("CONFIG_ERROR");
      expect(error.message).toContain(named);
      expect(error.message).not.toMatch(/\?\.|\[object |\.\s*\.$/);
    }
    const human = await project.run(["fleet", "apply"]);
    expect(human.stderr).toMatch(/CONFIG_ERROR/);
    expect(human.stdout).toBe("");
    expect(existsSync(tenantDb("t0"))).toBe(false);
  });
});

describe("viborm fleet in a terminal", () => {
  test("shows a live progress line, and asks before a rollback", async (ctx) => {
    if (!hasScript()) return ctx.skip();
    project.write("viborm.config.ts", fleetConfig(40));
    const apply = await runInTerminal(project.dir, ["fleet", "apply", "--concurrency", "2"], []);
    expect(apply.code).toBe(0);
    expect(apply.raw).toMatch(/applying.*\d+\/40 done.*running.*\/s/);
    expect(apply.screen).toMatch(/40 tenants .*40 applied/);
    const rollback = await runInTerminal(project.dir, ["fleet", "rollback"], [{ waitFor: "Roll back", keys: "n\r" }]);
    expect(rollback.code).toBe(1);
    expect(sqliteRows(tenantDb("t0"), 'SELECT count(*) AS n FROM "_viborm_migrations"')).toEqual([{ n: 3 }]);
  });
});
