/**
 * Finding and loading the config (TypeScript without a build step), and the flags that override it.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { createProject, type Project, SQLITE_CONFIG, sqliteTables } from "./project.js";
import { USERS } from "./schemas.js";

let project: Project;
afterEach(() => project?.remove());

/** A JavaScript config (no types), for the .js / .mjs forms. */
const JS_CONFIG = SQLITE_CONFIG.replace('from "./schema.ts"', 'from "./schema.mjs"');
const JS_SCHEMA = USERS;

describe("config discovery", () => {
  test.each([
    ["viborm.config.ts", SQLITE_CONFIG, "schema.ts"],
    ["viborm.config.mts", SQLITE_CONFIG, "schema.ts"],
    ["viborm.config.js", JS_CONFIG, "schema.mjs"],
    ["viborm.config.mjs", JS_CONFIG, "schema.mjs"],
  ])("%s in the working directory is found", async (file, config, schemaFile) => {
    project = createProject({ [schemaFile]: JS_SCHEMA, [file]: config });
    const run = await project.run(["push", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.json().applied).toBe(true);
    expect(sqliteTables(join(project.dir, "app.db"))).toEqual(["users"]);
  });

  test("a TypeScript config with types and a `.js` import of a `.ts` file loads without a build", async () => {
    const config = `import { defineConfig, type VibormConfig } from "viborm/config";
import { createClient } from "viborm/sqlite3";
import { schema } from "./src/schema.js";

const filename: string = "app.db";
const config: VibormConfig = { client: createClient({ schema, filename }) };
export default defineConfig(config);
`;
    project = createProject({ "src/schema.ts": USERS, "viborm.config.ts": config });
    const run = await project.run(["push"]);
    expect(run.code, run.stderr).toBe(0);
  });

  test("--config PATH is relative to the working directory; the config's dir is relative to the config", async () => {
    project = createProject({ "db/schema.ts": USERS, "db/viborm.config.ts": SQLITE_CONFIG });
    const run = await project.run(["migrate", "generate", "--name", "init", "--config", "db/viborm.config.ts"]);
    expect(run.code, run.stderr).toBe(0);
    expect(project.migrationIds("db/migrations")).toHaveLength(1);
    expect(project.migrationIds("migrations")).toEqual([]);
  });

  test("a client function is called to make the client", async () => {
    const config = SQLITE_CONFIG.replace(
      'client: createClient({ schema, filename: "app.db" })',
      'client: async () => createClient({ schema, filename: "app.db" })',
    );
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": config });
    expect((await project.run(["push"])).code).toBe(0);
  });
});

describe("config errors name the path tried", () => {
  test("no config in the working directory", async () => {
    project = createProject({ "schema.ts": USERS });
    const run = await project.run(["migrate", "status", "--json"]);
    expect(run.code).toBe(1);
    const { error } = run.json();
    expect(error.code).toBe("CONFIG_ERROR");
    expect(error.meta.path).toBe(join(project.dir, "viborm.config.ts"));
    expect(error.message).toContain("viborm.config.mjs");
    const human = await project.run(["migrate", "status"]);
    expect(human.stderr).toContain(project.dir);
  });

  test("--config naming a missing file", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    const run = await project.run(["push", "--config", "other.config.ts", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json().error).toMatchObject({
      code: "CONFIG_ERROR",
      meta: { path: join(project.dir, "other.config.ts") },
    });
  });

  test.each([
    ["a syntax error", "export default defineConfig({ client: ", "failed to load"],
    ["a throwing import", 'throw new Error("DATABASE_URL is not set");\nexport default {};', "DATABASE_URL is not set"],
    ["no default export", "export const config = {};", "no default export"],
    ["no client", "export default { migrations: {} };", "no `client`"],
    ["a client that is not a viborm client", "export default { client: { query() {} } };", "not a viborm client"],
  ])("%s", async (_what, source, problem) => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": source });
    const run = await project.run(["push", "--json"]);
    expect(run.code).toBe(1);
    const { error } = run.json();
    expect(error.code).toBe("CONFIG_ERROR");
    expect(error.meta.path).toBe(join(project.dir, "viborm.config.ts"));
    expect(error.message).toContain(problem);
  });
});

describe("bad config values are typed errors that name the option, and nothing is written", () => {
  test.each([
    ["migrations.dir: 5", 'migrations: { dir: "migrations" }', "migrations: { dir: 5 }", "`migrations.dir`"],
    [
      "a typo in a top-level key",
      'migrations: { dir: "migrations" }',
      'migration: { dir: "migrations" }',
      "did you mean `migrations`?",
    ],
    [
      "a typo in a migrations key",
      'migrations: { dir: "migrations" }',
      'migrations: { dri: "migrations" }',
      "did you mean `migrations.dir`?",
    ],
    [
      "a negative lock timeout",
      'migrations: { dir: "migrations" }',
      "migrations: { lockTimeoutMs: -1 }",
      "`migrations.lockTimeoutMs`",
    ],
    [
      "an endless lock timeout",
      'migrations: { dir: "migrations" }',
      "migrations: { lockTimeoutMs: Infinity }",
      "`migrations.lockTimeoutMs`",
    ],
    [
      "an object as lock timeout",
      'migrations: { dir: "migrations" }',
      "migrations: { lockTimeoutMs: { ms: 5 } }",
      "`migrations.lockTimeoutMs`",
    ],
  ])("%s", async (_what, from, to, named) => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG.replace(from, to) });
    for (const args of [
      ["push", "--json"],
      ["migrate", "generate", "--name", "x", "--json"],
      ["migrate", "apply", "--json"],
    ]) {
      const run = await project.run(args);
      expect(run.code, args.join(" ")).toBe(1);
      const { error } = run.json();
      expect(error.code).toBe("CONFIG_ERROR");
      expect(error.message).toContain(named);
      // One sentence, the option named once.
      expect(error.message.split(named).length - 1).toBe(1);
      expect(error.message).not.toMatch(/\.\s*\./);
      // Sentences, not JavaScript: no "?." and no "[object Object]".
      expect(error.message).not.toMatch(/\?\.|\[object /);
    }
    expect(existsSync(join(project.dir, "app.db"))).toBe(false);
    expect(project.migrationIds()).toEqual([]);
  });
});

describe("flags override the config", () => {
  const withStorage = `import { defineConfig } from "viborm/config";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient } from "viborm/sqlite3";
import { schema } from "./schema.ts";

export default defineConfig({
  client: createClient({ schema, filename: "app.db" }),
  migrations: { storageDriver: createFsStorageDriver("stored"), tableName: "schema_history" },
});
`;

  test("a configured storageDriver is used, and --dir with it is an error, not a choice", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": withStorage });
    const generate = await project.run(["migrate", "generate", "--name", "init"]);
    expect(generate.code, generate.stderr).toBe(0);
    expect(project.migrationIds("stored")).toHaveLength(1);

    const conflict = await project.run(["migrate", "status", "--dir", "migrations", "--json"]);
    expect(conflict.code).toBe(1);
    expect(conflict.json().error.code).toBe("CONFIG_ERROR");
    expect(conflict.json().error.message).toContain("--dir");
  });

  test("storageDriver and dir together in the config are an error", async () => {
    const both = withStorage.replace("tableName:", 'dir: "migrations", tableName:');
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": both });
    const run = await project.run(["migrate", "status", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json().error.code).toBe("CONFIG_ERROR");
  });

  test("--dir replaces the config's dir; --table-name replaces its tracking table", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init", "--dir", "elsewhere"])).code).toBe(0);
    expect(project.migrationIds("elsewhere")).toHaveLength(1);
    expect(project.migrationIds("migrations")).toEqual([]);
    const apply = await project.run(["migrate", "apply", "--dir", "elsewhere", "--table-name", "history"]);
    expect(apply.code, apply.stderr).toBe(0);
    expect(sqliteTables(join(project.dir, "app.db"))).toEqual(["history", "users"]);
  });

  test("the config's tableName names the tracking table", async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": withStorage });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
    expect((await project.run(["migrate", "apply"])).code).toBe(0);
    expect(sqliteTables(join(project.dir, "app.db"))).toEqual(["schema_history", "users"]);
  });
});
