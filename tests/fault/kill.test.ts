/**
 * Real kills, real servers: `viborm migrate apply` and `migrate rollback` (the built CLI, a child
 * process) of a migration with 30 CREATE INDEX on a table of 40,000 rows are killed with SIGKILL or
 * SIGINT at random points. The next command must find the database exactly "before" or exactly
 * "after" (all 30 indexes and the tracking row, or none of them), with every row unchanged — on
 * MariaDB through mysql2, on MariaDB through the PlanetScale endpoint, and on PostgreSQL.
 *
 * The kill points come from a seeded generator: a failure prints its seed, and
 * `VIBORM_KILL_SEED=<seed>` replays it.
 */
import mysql from "mysql2/promise";
import pg from "pg";
import { s, type VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPlanetScaleClient } from "viborm/planetscale";
import { afterAll, describe, expect, test } from "vitest";
import { createProject, type Project, type SpawnedRun, spawnCli } from "../cli/project.js";
import { startPlanetScaleEndpoint } from "../edge/fixtures/planetscale-endpoint.js";
import { createMysqlDatabase, createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";

const SEED = Number(process.env.VIBORM_KILL_SEED ?? 20261203);
const ROWS = 40_000;
const INDEXES = 30;
const KILLS = { apply: 4, rollback: 3 };
/** Through the endpoint each kill waits for the dead session's lock to expire: fewer rounds. */
const ENDPOINT_KILLS = { apply: 2, rollback: 2 };

const columns = Array.from({ length: INDEXES }, (_, i) => `c${i}`);

/** `item` with 30 int columns; `indexed` adds one index per column. */
function schema(indexed: boolean) {
  const fields = Object.fromEntries(columns.map((c) => [c, s.int()]));
  let item = s.model({ id: s.int().id(), ...fields });
  if (indexed) for (const c of columns) item = item.index(c as never) as never;
  return { item };
}

function schemaSource(indexed: boolean): string {
  const fields = columns.map((c) => `${c}: s.int()`).join(", ");
  const indexes = indexed ? columns.map((c) => `.index("${c}")`).join("") : "";
  return `import { s } from "viborm";\nexport const schema = { item: s.model({ id: s.int().id(), ${fields} })${indexes} };\n`;
}

/** A deterministic generator in [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Target {
  name: string;
  /** The driver's subpath, e.g. "mysql2". */
  module: string;
  /** The `createClient(...)` call of the project's config, reading the URL from `DB_URL`. */
  config: string;
  client(indexed: boolean): VibormClient;
  /** Rows, a checksum of them, the secondary indexes on `item`, and the applied migration ids. */
  observe(): Promise<{ rows: number; checksum: string; indexes: number; applied: string[] }>;
  fill(): Promise<void>;
  url: string;
  close(): Promise<void>;
}

async function mysqlTarget(
  name: string,
  module: string,
  database: { name: string; url: string },
  rawUrl: string,
  config: string,
  client: (indexed: boolean) => VibormClient,
  close: () => Promise<void>,
): Promise<Target> {
  const connection = await mysql.createConnection({ uri: rawUrl, multipleStatements: true });
  return {
    name,
    module,
    config,
    url: database.url,
    client,
    async fill() {
      const values = (from: number, to: number) =>
        Array.from({ length: to - from }, (_, k) => {
          const id = from + k + 1;
          return `(${[id, ...columns.map((_, c) => (id * (c + 7)) % 9973)].join(",")})`;
        }).join(",");
      for (let from = 0; from < ROWS; from += 4000) {
        await connection.query(`INSERT INTO item (id, ${columns.join(", ")}) VALUES ${values(from, from + 4000)}`);
      }
    },
    async observe() {
      const [[counts]] = (await connection.query(
        `SELECT COUNT(*) AS n, CAST(SUM(CRC32(CONCAT_WS(',', id, ${columns.join(", ")}))) AS CHAR) AS sum FROM item`,
      )) as unknown as [[{ n: number; sum: string }]];
      const [indexes] = (await connection.query(
        "SELECT COUNT(DISTINCT index_name) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'item' AND index_name <> 'PRIMARY'",
      )) as unknown as [[{ n: number }]];
      const [applied] = (await connection.query("SELECT id FROM _viborm_migrations ORDER BY id")) as unknown as [
        { id: string }[],
      ];
      return {
        rows: Number(counts.n),
        checksum: String(counts.sum),
        indexes: Number(indexes[0]!.n),
        applied: applied.map((r) => r.id),
      };
    },
    async close() {
      await connection.end();
      await close();
    },
  };
}

async function pgTarget(database: TempDatabase): Promise<Target> {
  const connection = new pg.Client({ connectionString: database.url });
  await connection.connect();
  return {
    name: "PostgreSQL",
    module: "pg",
    config: "createClient({ schema, databaseUrl: process.env.DB_URL })",
    url: database.url,
    client: (indexed) => createPgClient({ schema: schema(indexed), databaseUrl: database.url }),
    async fill() {
      await connection.query(
        `INSERT INTO item (id, ${columns.join(", ")}) SELECT g, ${columns.map((_, c) => `(g * ${c + 7}) % 9973`).join(", ")} FROM generate_series(1, ${ROWS}) g`,
      );
    },
    async observe() {
      const counts = await connection.query(
        `SELECT COUNT(*)::int AS n, SUM(hashtext(concat_ws(',', id, ${columns.join(", ")})))::text AS sum FROM item`,
      );
      const indexes = await connection.query(
        "SELECT COUNT(*)::int AS n FROM pg_indexes WHERE tablename = 'item' AND indexname <> 'item_pkey'",
      );
      const applied = await connection.query('SELECT id FROM "_viborm_migrations" ORDER BY id');
      return {
        rows: counts.rows[0].n,
        checksum: counts.rows[0].sum,
        indexes: indexes.rows[0].n,
        applied: applied.rows.map((r: { id: string }) => r.id),
      };
    },
    async close() {
      await connection.end();
      await database.drop();
    },
  };
}

/** Runs the CLI in `project`; with `killAfterMs`, sends `signal` that long after the start. */
function runKilled(
  project: Project,
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs?: number,
  signal: NodeJS.Signals = "SIGKILL",
): Promise<SpawnedRun> {
  return spawnCli(project.dir, args, env, killAfterMs === undefined ? undefined : { afterMs: killAfterMs, signal });
}

async function killRuns(make: () => Promise<Target | undefined>, kills = KILLS): Promise<void> {
  const target = await make();
  if (!target) return;
  const project = createProject({
    "schema.ts": schemaSource(false),
    "viborm.config.ts": `import { defineConfig } from "viborm/config";\nimport { createClient } from "viborm/${target.module}";\nimport { schema } from "./schema.ts";\nexport default defineConfig({ client: ${target.config}, migrations: { dir: "migrations" } });\n`,
  });
  const env = { DB_URL: target.url };
  const next = random(SEED + target.name.length);
  const storageDriver = createFsStorageDriver(`${project.dir}/migrations`);
  /** Runs `fn` with a migration client of the indexed (or not) schema, closing its client after. */
  const withApi = async (indexed: boolean, fn: (m: ReturnType<typeof createMigrationClient>) => Promise<unknown>) => {
    const client = target.client(indexed);
    try {
      await fn(createMigrationClient(client, { storageDriver }));
    } finally {
      await client.$close();
    }
  };
  try {
    expect((await runKilled(project, ["migrate", "generate", "--name", "init"], env)).code).toBe(0);
    project.write("schema.ts", schemaSource(true));
    expect((await runKilled(project, ["migrate", "generate", "--name", "indexes"], env)).code).toBe(0);
    const [init, indexes] = project.migrationIds();
    await withApi(false, (m) => m.apply({ to: init! }));
    await target.fill();
    const before = await target.observe();
    expect(before).toMatchObject({ rows: ROWS, indexes: 0, applied: [init] });

    // How long an uninterrupted run takes, to spread the kills across it.
    const full = await runKilled(project, ["migrate", "apply"], env);
    expect(full.code, full.stderr).toBe(0);
    const fullRollback = await runKilled(project, ["migrate", "rollback", "--force"], env);
    expect(fullRollback.code, fullRollback.stderr).toBe(0);

    const outcomes: string[] = [];
    const plan = [
      ...Array.from({ length: kills.apply }, () => "apply" as const),
      ...Array.from({ length: kills.rollback }, () => "rollback" as const),
    ];
    for (const [round, command] of plan.entries()) {
      // Start from "before" for an apply, "after" for a rollback.
      const state = await target.observe();
      if (command === "apply" && state.indexes > 0) await withApi(true, (m) => m.rollback());
      if (command === "rollback" && state.indexes === 0) await withApi(true, (m) => m.apply());
      const span = command === "apply" ? full.ms : fullRollback.ms;
      const delay = Math.round(span * (0.35 + 0.65 * next()));
      const signal: NodeJS.Signals = round % 2 === 0 ? "SIGKILL" : "SIGINT";
      const args = command === "apply" ? ["migrate", "apply"] : ["migrate", "rollback", "--force"];
      const killed = await runKilled(project, args, env, delay, signal);

      // status reads, never repairs: it names the migration a killed run left half-done, if any.
      const status = await runKilled(project, ["migrate", "status", "--json"], env);
      expect(status.code, status.stderr).toBe(0);
      const flagged = (JSON.parse(status.stdout) as { migrations: { id: string; interrupted?: true }[] }).migrations
        .filter((m) => m.interrupted)
        .map((m) => m.id);
      expect(flagged.every((id) => id === indexes)).toBe(true);

      // The next command touching the database: an apply with nothing new to do (up to init).
      const recover = await runKilled(project, ["migrate", "apply", "--to", init!, "--json"], env);
      const seen = await target.observe();
      const where = `${target.name} seed ${SEED} round ${round}: ${command} ${signal} after ${delay} ms (exit ${killed.code ?? killed.signal}); recovery exit ${recover.code}: ${recover.stdout}${recover.stderr}`;
      expect(recover.code, where).toBe(0);
      expect({ rows: seen.rows, checksum: seen.checksum }, where).toEqual({
        rows: before.rows,
        checksum: before.checksum,
      });
      const after = seen.indexes === INDEXES && seen.applied.join() === [init, indexes].join();
      const untouched = seen.indexes === 0 && seen.applied.join() === [init].join();
      expect({ ...seen, state: after ? "after" : untouched ? "before" : "neither" }, where).toMatchObject({
        state: expect.stringMatching(/^(before|after)$/),
      });
      outcomes.push(`${command}/${signal}@${delay}ms→${after ? "after" : "before"}`);
    }
    console.log(`${target.name} (seed ${SEED}): ${outcomes.join(", ")}`);
  } finally {
    project.remove();
    await target.close();
  }
}

describe("killed migrations end exactly before or after", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup) await fn();
  });

  test("MariaDB (mysql2)", { timeout: 240_000 }, async (ctx) => {
    if (!(await requireDatabase("mysql", "kill tests on MariaDB"))) return ctx.skip();
    await killRuns(async () => {
      const database = await createMysqlDatabase("viborm_kill");
      return mysqlTarget(
        "MariaDB",
        "mysql2",
        database,
        database.url,
        "createClient({ schema, databaseUrl: process.env.DB_URL })",
        (indexed) => createMysqlClient({ schema: schema(indexed), databaseUrl: database.url }),
        database.drop,
      );
    });
  });

  test("MariaDB through the PlanetScale endpoint", { timeout: 240_000 }, async (ctx) => {
    if (!(await requireDatabase("mysql", "kill tests on the PlanetScale endpoint"))) return ctx.skip();
    await killRuns(async () => {
      // A killed client's session (and the migration lock it holds) lives until the server ends it
      // as idle: a short idle timeout stands in for PlanetScale's own.
      const endpoint = await startPlanetScaleEndpoint({ idleTimeoutMs: 3000 });
      const database = await createMysqlDatabase("viborm_killps");
      const url = endpoint.url(database.name);
      return mysqlTarget(
        "PlanetScale",
        "planetscale",
        { name: database.name, url },
        database.url,
        "createClient({ schema, url: process.env.DB_URL })",
        (indexed) => createPlanetScaleClient({ schema: schema(indexed), url }),
        async () => {
          await endpoint.close();
          await database.drop();
        },
      );
    }, ENDPOINT_KILLS);
  });

  test("PostgreSQL", { timeout: 240_000 }, async (ctx) => {
    if (!(await requireDatabase("postgres", "kill tests on PostgreSQL"))) return ctx.skip();
    await killRuns(async () => pgTarget(await createPgDatabase("viborm_kill")));
  });
});

describe("a PostgreSQL backend terminated mid-apply", () => {
  test("is a typed error in one JSON document, exit 1, and the database is as before", {
    timeout: 60_000,
  }, async (ctx) => {
    if (!(await requireDatabase("postgres", "backend termination test"))) return ctx.skip();
    const database = await createPgDatabase("viborm_term");
    const project = createProject({
      "schema.ts": schemaSource(false),
      "viborm.config.ts": `import { defineConfig } from "viborm/config";\nimport { createClient } from "viborm/pg";\nimport { schema } from "./schema.ts";\nexport default defineConfig({ client: createClient({ schema, databaseUrl: process.env.DB_URL }), migrations: { dir: "migrations" } });\n`,
    });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const env = { DB_URL: database.url };
      expect((await runKilled(project, ["migrate", "generate", "--name", "init"], env)).code).toBe(0);
      const [init] = project.migrationIds();
      // A slow statement gives the terminator its moment.
      project.write(
        `migrations/${init}/up.sql`,
        `${project.read(`migrations/${init}/up.sql`)}\nSELECT pg_sleep(30);\n`,
      );
      const run = runKilled(project, ["migrate", "apply", "--json"], env);
      let terminated = 0;
      for (let tries = 0; tries < 200 && terminated === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE '%pg_sleep%'",
        );
        terminated = rows.length;
      }
      expect(terminated).toBe(1);
      const result = await run;
      expect(result.code, result.stderr).toBe(1);
      if (!result.stdout.trim()) throw new Error(`no JSON on stdout; stderr: ${result.stderr}`);
      const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
      expect(document.ok).toBe(false);
      expect(["MIGRATION_FAILED", "CONNECTION_FAILED"]).toContain(document.error.code);
      expect(result.stderr).not.toMatch(/Unhandled|uncaught/i);
      const { rows } = await admin.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );
      // Only the (empty) tracking table, which apply creates before its first unit.
      expect(rows).toEqual([{ table_name: "_viborm_migrations" }]);
      expect((await admin.query('SELECT id FROM "_viborm_migrations"')).rows).toEqual([]);
    } finally {
      await admin.end();
      project.remove();
      await database.drop();
    }
  });
});

describe("a MySQL connection dropped mid-apply", () => {
  test("is a typed error in one JSON document, exit 1; the next apply finds it as before and applies it", {
    timeout: 60_000,
  }, async (ctx) => {
    if (!(await requireDatabase("mysql", "dropped connection test"))) return ctx.skip();
    const database = await createMysqlDatabase("viborm_drop");
    const project = createProject({
      "schema.ts": schemaSource(false),
      "viborm.config.ts": `import { defineConfig } from "viborm/config";\nimport { createClient } from "viborm/mysql2";\nimport { schema } from "./schema.ts";\nexport default defineConfig({ client: createClient({ schema, databaseUrl: process.env.DB_URL }), migrations: { dir: "migrations" } });\n`,
    });
    // `holder` keeps a transaction open on `item`, so the CREATE INDEX waits for its metadata lock:
    // the connection is killed with a statement in flight, no timing involved.
    const holder = await mysql.createConnection({ uri: database.url });
    const admin = await mysql.createConnection({ uri: database.url });
    try {
      const env = { DB_URL: database.url };
      expect((await runKilled(project, ["migrate", "generate", "--name", "init"], env)).code).toBe(0);
      project.write("schema.ts", schemaSource(true));
      expect((await runKilled(project, ["migrate", "generate", "--name", "indexes"], env)).code).toBe(0);
      const [init, indexes] = project.migrationIds();
      expect((await runKilled(project, ["migrate", "apply", "--to", init!], env)).code).toBe(0);
      await holder.query("START TRANSACTION");
      await holder.query("SELECT * FROM item");
      const run = runKilled(project, ["migrate", "apply", "--json"], env);
      let killed = 0;
      for (let tries = 0; tries < 400 && killed === 0; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        const [waiting] = (await admin.query(
          "SELECT id FROM information_schema.processlist WHERE db = DATABASE() AND state LIKE '%metadata lock%'",
        )) as unknown as [{ id: number }[]];
        for (const { id } of waiting) await admin.query(`KILL CONNECTION ${Number(id)}`);
        killed = waiting.length;
      }
      expect(killed).toBe(1);
      const result = await run;
      await holder.query("COMMIT");
      expect(result.code, result.stderr).toBe(1);
      if (!result.stdout.trim()) throw new Error(`no JSON on stdout; stderr: ${result.stderr}`);
      const document = JSON.parse(result.stdout) as { ok: boolean; error: { code: string; message: string } };
      expect(document.ok).toBe(false);
      expect(["MIGRATION_FAILED", "CONNECTION_FAILED"]).toContain(document.error.code);
      expect(document.error.message).not.toMatch(/Nothing was changed/);
      expect(document.error.message).toMatch(/the next apply, rollback, reset or push undoes them first/);
      expect(result.stderr).not.toMatch(/Unhandled|uncaught/i);

      // The dead connection could not undo nor clear its record: status names the migration.
      const status = await runKilled(project, ["migrate", "status", "--json"], env);
      expect(status.code, status.stderr).toBe(0);
      const rows = (JSON.parse(status.stdout) as { migrations: { id: string; interrupted?: true }[] }).migrations;
      expect(rows.filter((m) => m.interrupted).map((m) => m.id)).toEqual([indexes]);

      const next = await runKilled(project, ["migrate", "apply", "--json"], env);
      expect(next.code, next.stdout + next.stderr).toBe(0);
      expect((JSON.parse(next.stdout) as { applied: { id: string }[] }).applied.map((m) => m.id)).toEqual([indexes]);
      const [found] = (await admin.query(
        "SELECT COUNT(DISTINCT index_name) AS n FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'item' AND index_name <> 'PRIMARY'",
      )) as unknown as [{ n: number }[]];
      expect(Number(found[0]!.n)).toBe(INDEXES);
    } finally {
      await holder.end();
      await admin.end();
      project.remove();
      await database.drop();
    }
  });
});
