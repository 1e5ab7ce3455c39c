/**
 * The smallest Worker each driver makes: a cron that applies the example's bundled migrations and a
 * fetch that reports their status, as module sources for `buildWorker({ contents })`. They measure
 * what one driver brings into a bundle (its dialect alone, its client package) in bench/worker-size.ts
 * and hold the D1 Worker to its size budget in tests/worker/build.test.ts.
 */

/** Every driver entry, and whether its client runs in a Worker or only in Node. */
export const DRIVER_WORKERS = [
  { driver: "d1", runsOn: "worker", client: "createClient({ schema, database: env.DB })" },
  {
    driver: "d1-http",
    runsOn: "worker",
    client: "createClient({ schema, accountId: env.ACCOUNT_ID, databaseId: env.DATABASE_ID, apiToken: env.API_TOKEN })",
  },
  { driver: "neon-http", runsOn: "worker", client: "createClient({ schema, databaseUrl: env.DATABASE_URL })" },
  { driver: "planetscale", runsOn: "worker", client: "createClient({ schema, url: env.DATABASE_URL })" },
  { driver: "pg", runsOn: "node", client: "createClient({ schema, databaseUrl: env.DATABASE_URL })" },
  { driver: "mysql2", runsOn: "node", client: "createClient({ schema, databaseUrl: env.DATABASE_URL })" },
  { driver: "sqlite3", runsOn: "node", client: 'createClient({ schema, filename: "app.db" })' },
  { driver: "pglite", runsOn: "node", client: "createClient({ schema })" },
] as const;

/**
 * The most a D1 cron Worker (`commands`: apply and status) may weigh minified and gzipped, in bytes:
 * held by tests/worker/build.test.ts, its margin printed by bench/worker-size.ts.
 */
export const D1_CRON_WORKER_BUDGET = 35 * 1024;

/** One of {@link DRIVER_WORKERS}. */
export type DriverWorker = (typeof DRIVER_WORKERS)[number];

/**
 * How the Worker reaches the migrations: `commands` imports `applyMigrations` and `migrationStatus`
 * (what a cron needs), `client` the whole `createMigrationClient` (every command comes along).
 */
export type DriverWorkerApi = "commands" | "client";

/**
 * The Worker's module source for `driver`, its relative imports resolved from worker-example/src/.
 *
 * @example await buildWorker({ contents: driverWorkerSource(DRIVER_WORKERS[0], "commands"), write: false })
 */
export function driverWorkerSource(worker: DriverWorker, api: DriverWorkerApi): string {
  const [imports, apply, status] =
    api === "commands"
      ? ["applyMigrations, migrationStatus", "applyMigrations(client, options)", "migrationStatus(client, options)"]
      : [
          "createMigrationClient",
          "createMigrationClient(client, options).apply()",
          "createMigrationClient(client, options).status()",
        ];
  return `import { createClient } from "viborm/${worker.driver}";
import { ${imports} } from "viborm/migrations";
import { createBundleStorageDriver } from "viborm/migrations/storage/bundle";
import files from "./migrations.generated.js";
import { schema } from "./schema.js";

const open = (env: Record<string, any>) => ${worker.client};
const options = { storageDriver: createBundleStorageDriver(files) };

export default {
  async scheduled(_controller: unknown, env: Record<string, any>): Promise<void> {
    const client = open(env);
    try {
      console.log(JSON.stringify(await ${apply}));
    } finally {
      await client.$close();
    }
  },
  async fetch(_request: Request, env: Record<string, any>): Promise<Response> {
    const client = open(env);
    try {
      return Response.json(await ${status});
    } finally {
      await client.$close();
    }
  },
};
`;
}
