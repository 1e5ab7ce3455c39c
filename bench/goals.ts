/**
 * The speed goals of issue 14, each a ratio measured within one run, A and B alternated
 * (BENCH_GOALS_RUNS times, default 5; three times as many for the whole-process goals), the ratio
 * being the median of each pair's, since other work shares the machine:
 * - push onto an empty database, 300 tables: our push, in-process, against the same SQL (its dry
 *   run's statements) run by `psql -1 -f` (PostgreSQL, goal ≤ 1.3×) and by the `mariadb` client
 *   (MariaDB, goal ≤ 1.5×), each on a fresh database;
 * - `viborm migrate generate` from scratch, 300 tables, as a whole process (the built CLI on a
 *   temporary project), against a `node` start that imports `viborm/migrations` and the project's
 *   config the way the CLI loads it (goal ≤ 1.5×): once a `viborm.config.ts` through jiti, once a
 *   `viborm.config.mjs` natively; and, for the record, against a start that imports the package
 *   alone.
 * Needs the package built (`npm run build`; `npm run bench` does it). BENCH_GOALS_TABLES changes
 * the table count; BENCH_GOALS=push or BENCH_GOALS=generate runs one group.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Schema, VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createPgClient } from "viborm/pg";
import { createMysqlDatabase, createPgDatabase, isReachable, type TempDatabase } from "../tests/helpers/databases.js";
import { generatedSchema, printTable } from "./harness.js";

const RUNS = Number(process.env.BENCH_GOALS_RUNS ?? 5);
/** A whole-process goal's runs take well under a second each, and a start-up is noisy: three times as many. */
const PROCESS_RUNS = RUNS * 3;
const TABLES = Number(process.env.BENCH_GOALS_TABLES ?? 300);
const SELECTED = new Set((process.env.BENCH_GOALS ?? "push,generate").split(","));
const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "dist/cli/index.js");

interface Goal {
  measure: string;
  a: string;
  b: string;
  /** The largest ratio b/a that meets the goal. */
  limit: number;
  /** Alternated pairs measured (after one warm-up of each). */
  runs: number;
  runA(): Promise<number>;
  runB(): Promise<number>;
}

export async function benchGoals(): Promise<void> {
  const goals: Goal[] = [];
  // generate first: it reads the database, and the push goals leave the servers busy for a while
  // (hundreds of dropped tables to clean up).
  const project = SELECTED.has("generate") ? await generateProject() : undefined;
  try {
    if (project) goals.push(...project.goals);
    if (SELECTED.has("push")) {
      if (await isReachable("postgres")) goals.push(await pushGoal("postgres"));
      else console.log("[skip] push goal on PostgreSQL: not reachable");
      if (await isReachable("mysql")) goals.push(await pushGoal("mysql"));
      else console.log("[skip] push goal on MariaDB: not reachable");
    }
    const rows: Record<string, string | number>[] = [];
    for (const goal of goals) {
      const a: number[] = [];
      const b: number[] = [];
      // One warm-up of each, not counted: the first run pays for the OS file cache.
      await goal.runA();
      await goal.runB();
      for (let i = 0; i < goal.runs; i++) {
        a.push(await goal.runA());
        b.push(await goal.runB());
      }
      // Each B is compared with the A run just before it, so a slow spell of the machine moves both.
      const ratio = median(b.map((ms, i) => ms / a[i]!));
      rows.push({
        measure: goal.measure,
        "A (reference)": goal.a,
        "A median ms": Math.round(median(a)),
        "B (viborm)": goal.b,
        "B median ms": Math.round(median(b)),
        "B/A": ratio.toFixed(2),
        goal: `≤ ${goal.limit}×`,
        result: ratio <= goal.limit ? "met" : "not met",
        runs: goal.runs,
      });
    }
    printTable(`issue-14 speed goals (${TABLES} tables; B/A is the median of each alternated pair's ratio)`, rows);
  } finally {
    project?.remove();
  }
}

// internal

/** Our push against the client tool running its dry run's SQL, each on a fresh database. */
async function pushGoal(kind: "postgres" | "mysql"): Promise<Goal> {
  const schema = generatedSchema(TABLES);
  const sqlFile = join(mkdtempSync(join(tmpdir(), "viborm-goals-")), "push.sql");
  const planned = await onFresh(kind, async (db) => {
    const client = clientFor(kind, schema, db);
    try {
      return (await createMigrationClient(client).push({ dryRun: true })).statements;
    } finally {
      await client.$close();
    }
  });
  writeFileSync(sqlFile, `${planned.join(";\n")};\n`);
  const tool = kind === "postgres" ? "psql -1 -f" : "mariadb < file";
  return {
    measure: `push, empty ${kind === "postgres" ? "PostgreSQL" : "MariaDB"} (${planned.length} statements)`,
    a: tool,
    b: "push(), in-process",
    limit: kind === "postgres" ? 1.3 : 1.5,
    runs: RUNS,
    runA: () =>
      onFresh(kind, (db) =>
        kind === "postgres"
          ? timeProcess("psql", ["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d", db.url, "-f", sqlFile])
          : timeProcess("mariadb", mysqlArgs(db), { stdinFile: sqlFile }),
      ),
    runB: () =>
      onFresh(kind, async (db) => {
        const started = performance.now();
        const client = clientFor(kind, schema, db);
        try {
          const result = await createMigrationClient(client).push();
          if (!result.applied) throw new Error("the bench push applied nothing");
          return performance.now() - started;
        } finally {
          await client.$close();
        }
      }),
  };
}

function clientFor(kind: "postgres" | "mysql", schema: Schema, db: TempDatabase): VibormClient {
  return kind === "postgres"
    ? createPgClient({ schema, databaseUrl: db.url })
    : createMysqlClient({ schema, databaseUrl: db.url });
}

function mysqlArgs(db: TempDatabase): string[] {
  const url = new URL(db.url);
  return [
    "-h",
    url.hostname,
    "-P",
    url.port || "3306",
    "-u",
    decodeURIComponent(url.username),
    ...(url.password ? [`-p${decodeURIComponent(url.password)}`] : []),
    url.pathname.slice(1),
  ];
}

async function onFresh<T>(kind: "postgres" | "mysql", fn: (db: TempDatabase) => Promise<T>): Promise<T> {
  const db = kind === "postgres" ? await createPgDatabase("viborm_goals") : await createMysqlDatabase("viborm_goals");
  try {
    return await fn(db);
  } finally {
    await db.drop();
  }
}

/**
 * A temporary project holding a `TABLES`-model schema, written out model by model as a user would,
 * with a `.ts` and an `.mjs` config over one PostgreSQL database, and `node_modules/viborm` linked to
 * this package. Each CLI run starts from an empty migrations folder.
 */
async function generateProject(): Promise<{ goals: Goal[]; remove(): void } | undefined> {
  if (!(await isReachable("postgres"))) {
    console.log("[skip] generate goal: PostgreSQL not reachable (the config's client)");
    return undefined;
  }
  const db = await createPgDatabase("viborm_goals");
  const dir = mkdtempSync(join(tmpdir(), "viborm-goals-project-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(ROOT, join(dir, "node_modules/viborm"), "dir");
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "goals-project", type: "module" })}\n`);
  writeFileSync(join(dir, "schema.ts"), schemaSource(TABLES));
  writeFileSync(join(dir, "schema.mjs"), schemaSource(TABLES));
  const config = (schemaFile: string) =>
    [
      `import { defineConfig } from "viborm/config";`,
      `import { createClient } from "viborm/pg";`,
      `import { schema } from "./${schemaFile}";`,
      ``,
      `export default defineConfig({`,
      `  client: createClient({ schema, databaseUrl: ${JSON.stringify(db.url)} }),`,
      `  migrations: { dir: "migrations" },`,
      `});`,
      ``,
    ].join("\n");
  writeFileSync(join(dir, "viborm.config.ts"), config("schema.ts"));
  writeFileSync(join(dir, "viborm.config.mjs"), config("schema.mjs"));
  // The floor of any tool that reads the schema: Node, the package, and the project's config (the
  // user's 300 models and their client), imported natively. Without the config, the reference is
  // shorter than loading the config alone takes, so no generate can come within 1.5× of it; that
  // row is printed too, for the record.
  const bare = () =>
    timeProcess(process.execPath, ["--input-type=module", "-e", `await import("viborm/migrations");`], { cwd: dir });
  const withConfig = () =>
    timeProcess(
      process.execPath,
      ["--input-type=module", "-e", `await import("viborm/migrations"); await import("./viborm.config.mjs");`],
      { cwd: dir },
    );
  // A TypeScript config costs every tool its TypeScript loader: the floor for it loads the same
  // config through jiti, as the CLI does (same options, same transpile cache).
  const withTsConfig = () =>
    timeProcess(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        [
          `await import("viborm/migrations");`,
          `const { createJiti } = await import(${JSON.stringify(import.meta.resolve("jiti"))});`,
          `const path = ${JSON.stringify(join(dir, "viborm.config.ts"))};`,
          `await createJiti(path, { interopDefault: false }).import(path);`,
        ].join(" "),
      ],
      { cwd: dir },
    );
  const generate = (configFile: string) => async () => {
    rmSync(join(dir, "migrations"), { recursive: true, force: true });
    return timeProcess(process.execPath, [CLI, "migrate", "generate", "--name", "init", "--config", configFile], {
      cwd: dir,
    });
  };
  const goal = (configFile: string): Goal => ({
    measure: `migrate generate, from scratch (${configFile})`,
    a: `node importing viborm/migrations + ${configFile}${configFile.endsWith(".ts") ? " (jiti)" : ""}`,
    b: "viborm migrate generate",
    limit: 1.5,
    runs: PROCESS_RUNS,
    runA: configFile.endsWith(".ts") ? withTsConfig : withConfig,
    runB: generate(configFile),
  });
  const literal: Goal = {
    measure: "migrate generate (viborm.config.mjs) against a start without the config",
    a: `node -e "import('viborm/migrations')"`,
    b: "viborm migrate generate",
    limit: 1.5,
    runs: PROCESS_RUNS,
    runA: bare,
    runB: generate("viborm.config.mjs"),
  };
  return {
    goals: [goal("viborm.config.ts"), goal("viborm.config.mjs"), literal],
    remove() {
      rmSync(dir, { recursive: true, force: true });
      void db.drop();
    },
  };
}

/** The generated bench schema (harness.ts) as source text, valid as both TypeScript and JavaScript. */
function schemaSource(n: number): string {
  const lines = [`import { s } from "viborm";`, ``];
  for (let i = 0; i < n; i++) {
    const table = `t${String(i).padStart(3, "0")}`;
    const relation =
      i === 0
        ? ""
        : `\n  parentId: s.int().nullable(),\n  parent: s.manyToOne(() => t${i - 1}).fields("parentId").references("id").optional(),`;
    lines.push(
      `const t${i} = s.model({`,
      `  id: s.int().id().increment(),`,
      `  name: s.string(),`,
      `  createdAt: s.dateTime().now(),`,
      `  score: s.float().nullable(),${relation}`,
      `}).map("${table}").index("name");`,
    );
  }
  lines.push(``, `export const schema = { ${Array.from({ length: n }, (_, i) => `t${i}`).join(", ")} };`, ``);
  return lines.join("\n");
}

/** Milliseconds from spawning `command` to its exit; a non-zero exit fails the bench with its stderr. */
function timeProcess(
  command: string,
  args: string[],
  options: { cwd?: string; stdinFile?: string } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const stdin = options.stdinFile === undefined ? "ignore" : openSync(options.stdinFile, "r");
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: [stdin, "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (typeof stdin === "number") closeSync(stdin);
      if (code === 0) resolve(ms);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (import.meta.url === `file://${process.argv[1]}`) await benchGoals();
