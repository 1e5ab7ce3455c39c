import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

// Tests import the public entry points ("viborm", "viborm/pg", …); these aliases point them at the
// sources so no build is needed. tests/architecture/exports.test.ts checks the built export map.
const entries: Record<string, string> = {
  "viborm/migrations/storage/fs": "storage/fs.ts",
  "viborm/migrations/storage/unstorage": "storage/unstorage.ts",
  "viborm/migrations/storage/bundle": "storage/bundle.ts",
  "viborm/migrations": "runtime/index.ts",
  "viborm/config": "config.ts",
  "viborm/fleet/workflow": "fleet/workflow/index.ts",
  "viborm/fleet": "fleet/index.ts",
  "viborm/pg": "drivers/pg.ts",
  "viborm/mysql2": "drivers/mysql2.ts",
  "viborm/sqlite3": "drivers/sqlite3.ts",
  "viborm/pglite": "drivers/pglite.ts",
  "viborm/neon-http": "drivers/neon-http.ts",
  "viborm/planetscale": "drivers/planetscale.ts",
  "viborm/d1-http": "drivers/d1-http.ts",
  "viborm/d1": "drivers/d1.ts",
  viborm: "index.ts",
};

export default defineConfig({
  resolve: {
    alias: Object.entries(entries).map(([find, path]) => ({
      find: new RegExp(`^${find.replace(/[/]/g, "\\/")}$`),
      replacement: src(path),
    })),
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/property-seed.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Database-backed files share servers; each file uses its own database or schema names.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
