/**
 * `viborm migrate bundle`: the migrations folder as an ES module for a Worker's bundle storage.
 */
import { resolve } from "node:path";
import { VibormError } from "../../index.js";
import { bundleMigrations } from "../bundle-migrations.js";
import { EXIT } from "../exit-codes.js";
import { DEFAULT_MIGRATIONS_DIR, displayPath, findConfig, loadConfigFile } from "../load-config.js";
import { plural } from "../render.js";
import type { CommandContext, CommonFlags } from "./shared.js";

/** `viborm migrate bundle` flags. */
export interface BundleFlags extends CommonFlags {
  /** The module to write (`.ts` or `.js`), relative to the working directory. */
  out: string;
}

/**
 * Runs `viborm migrate bundle`: `--dir`, or else the config's migrations folder, written to `--out`.
 *
 * @example await bundleCommand(context, { dir: "migrations", out: "src/migrations.generated.ts" });
 */
export async function bundleCommand(context: CommandContext, flags: BundleFlags): Promise<number> {
  const { output, cwd } = context;
  const dir = flags.dir === undefined ? await configuredDir(cwd, flags.config) : resolve(cwd, flags.dir);
  const result = await bundleMigrations({ dir, out: resolve(cwd, flags.out) });
  if (output.json) {
    output.printJson({ ok: true, command: "bundle", dir, ...result });
    return EXIT.ok;
  }
  const what = `${plural(result.migrations.length, "migration")}, ${result.bytes} bytes`;
  const out = displayPath(cwd, result.out);
  output.print(
    result.changed
      ? `${output.color.green("✓")} Wrote ${out} (${what}).`
      : `${output.color.green("✓")} ${out} is up to date (${what}).`,
  );
  return EXIT.ok;
}

// internal

/**
 * The config's migrations folder. The config is loaded only for its `migrations` settings: a client
 * it made on import is closed again without being used.
 */
async function configuredDir(cwd: string, explicit: string | undefined): Promise<string> {
  const path = findConfig(cwd, explicit);
  const config = await loadConfigFile(path);
  if (typeof config.client === "object" && typeof config.client.$close === "function") await config.client.$close();
  const migrations = config.migrations ?? {};
  if (migrations.storageDriver !== undefined && migrations.dir === undefined) {
    throw new VibormError(
      "CONFIG_ERROR",
      `${path} keeps migrations in a storageDriver, not a folder; pass --dir with the folder to bundle.`,
      { path, problem: "bundle needs a migrations folder" },
    );
  }
  return resolve(path, "..", migrations.dir ?? DEFAULT_MIGRATIONS_DIR);
}
