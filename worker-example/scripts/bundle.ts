/**
 * Bundles the sample migrations into `src/migrations.generated.ts` for the Worker's bundle storage:
 * `npm run worker:bundle` (the same work as `viborm migrate bundle --dir … --out …`).
 */
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { type BundleMigrationsResult, bundleMigrations } from "../../src/cli/bundle-migrations.js";
import { MIGRATIONS_DIR } from "./generate.js";

/** The module the Worker imports its bundled migrations from. */
export const BUNDLE_MODULE = new URL("../src/migrations.generated.ts", import.meta.url);

/**
 * Writes `src/migrations.generated.ts` from `migrations/` (untouched when already up to date).
 *
 * @example const { migrations } = await bundleSampleMigrations();
 */
export function bundleSampleMigrations(): Promise<BundleMigrationsResult> {
  return bundleMigrations({ dir: MIGRATIONS_DIR, out: BUNDLE_MODULE });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await bundleSampleMigrations();
  const state = result.changed ? "wrote" : "up to date:";
  console.log(
    `${state} ${relative(process.cwd(), result.out)} (${result.migrations.length} migrations, ${result.bytes} bytes)`,
  );
}
