/**
 * The CLI on database servers: PostgreSQL (viborm/pg) and MariaDB (viborm/mysql2), each in a
 * throwaway database, through push and the whole migrate workflow.
 */
import mysql from "mysql2/promise";
import pg from "pg";
import { afterEach, describe, expect, test } from "vitest";
import { createMysqlDatabase, createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { appliedIds, createProject, type Project } from "./project.js";
import { USERS, USERS_POSTS, USERS_RENAMED_COLUMN } from "./schemas.js";

const SERVERS = [
  {
    name: "PostgreSQL",
    kind: "postgres" as const,
    entry: "viborm/pg",
    create: () => createPgDatabase("viborm_cli"),
    query: async (url: string, sql: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql)).rows as Record<string, unknown>[];
      } finally {
        await client.end();
      }
    },
  },
  {
    name: "MariaDB",
    kind: "mysql" as const,
    entry: "viborm/mysql2",
    create: () => createMysqlDatabase("viborm_cli"),
    query: async (url: string, sql: string) => {
      const connection = await mysql.createConnection({ uri: url });
      try {
        const [rows] = await connection.query(sql);
        return rows as Record<string, unknown>[];
      } finally {
        await connection.end();
      }
    },
  },
];

const config = (entry: string) => `import { defineConfig } from "viborm/config";
import { createClient } from "${entry}";
import { schema } from "./schema.ts";

export default defineConfig({
  client: createClient({ schema, databaseUrl: process.env.DATABASE_URL }),
  migrations: { dir: "migrations" },
});
`;

let project: Project | undefined;
let database: TempDatabase | undefined;
afterEach(async () => {
  project?.remove();
  await database?.drop();
  project = undefined;
  database = undefined;
});

describe.each(SERVERS)("the CLI on $name", (server) => {
  test("push, then a rename decided by flag keeps the rows", async (context) => {
    if (!(await requireDatabase(server.kind, `CLI on ${server.name}`))) return context.skip();
    database = await server.create();
    const env = { DATABASE_URL: database.url };
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": config(server.entry) });

    const dry = await project.run(["push", "--dry-run", "--json"], { env });
    expect(dry.code, dry.stdout).toBe(0);
    expect(dry.json().statements.length).toBeGreaterThan(0);
    const pushed = await project.run(["push", "--json"], { env });
    expect(pushed.json()).toMatchObject({ ok: true, applied: true });
    expect((await project.run(["push", "--json"], { env })).json()).toMatchObject({ applied: false, statements: [] });

    await server.query(database.url, "INSERT INTO users (email, name) VALUES ('ada@example.com', 'Ada')");
    project.write("schema.ts", USERS_RENAMED_COLUMN);
    const undecided = await project.run(["push"], { env });
    expect(undecided.code).toBe(1);
    expect(undecided.stderr).toContain("--rename users.name=fullName");
    const renamed = await project.run(["push", "--rename", "users.name=fullName"], { env });
    expect(renamed.code, renamed.stderr).toBe(0);
    expect(await server.query(database.url, `SELECT ${quoted(server.kind, "fullName")} AS n FROM users`)).toEqual([
      { n: "Ada" },
    ]);
  });

  test("generate, apply with progress, status, rollback and reset", async (context) => {
    if (!(await requireDatabase(server.kind, `CLI on ${server.name}`))) return context.skip();
    database = await server.create();
    const env = { DATABASE_URL: database.url };
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": config(server.entry) });
    expect((await project.run(["migrate", "generate", "--name", "init"], { env })).code).toBe(0);
    project.write("schema.ts", USERS_POSTS);
    expect((await project.run(["migrate", "generate", "--name", "add-posts"], { env })).code).toBe(0);
    const [init, posts] = project.migrationIds();

    expect((await project.run(["migrate", "status", "--exit-code"], { env })).code).toBe(2);
    const apply = await project.run(["migrate", "apply"], { env });
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stderr).toContain(`[2/2] ↑ ${posts}`);
    const status = await project.run(["migrate", "status", "--json", "--exit-code"], { env });
    expect(status.code).toBe(0);
    expect(status.json().summary).toEqual({ applied: 2, pending: 0, modified: 0, missing: 0 });

    const rollback = await project.run(["migrate", "rollback", "--json", "--force"], { env });
    expect(rollback.json().rolledBack.map((m: { id: string }) => m.id)).toEqual([posts]);
    const reset = await project.run(["migrate", "reset", "--json", "--force"], { env });
    expect(reset.code, reset.stdout).toBe(0);
    expect(appliedIds(reset.json())).toEqual([init, posts]);
    expect((await project.run(["migrate", "status", "--exit-code"], { env })).code).toBe(0);
  });
});

function quoted(kind: "postgres" | "mysql", name: string): string {
  return kind === "postgres" ? `"${name}"` : `\`${name}\``;
}
