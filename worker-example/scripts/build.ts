/**
 * Bundles the Worker as the Workers runtime gets it: `npm run worker:build` writes
 * `worker-example/dist/worker.js`.
 *
 * The platform is "neutral" with Worker conditions and no externals, so the bundle holds only what
 * a Worker without `nodejs_compat` can run: an import of a Node built-in, anywhere in the graph,
 * cannot be resolved and fails the build instead of failing at deploy time.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Metafile } from "esbuild";

/** The Worker's entry module. */
export const WORKER_ENTRY = fileURLToPath(new URL("../src/index.ts", import.meta.url));

/** Where `buildWorker` writes the bundle (git-ignored). */
export const WORKER_OUTFILE = fileURLToPath(new URL("../dist/worker.js", import.meta.url));

/** Its tsconfig, whose `paths` point `viborm/*` at this repository's sources. */
const TSCONFIG = fileURLToPath(new URL("../tsconfig.json", import.meta.url));

/**
 * Options of {@link buildWorker}.
 *
 * @example const options: BuildWorkerOptions = { minify: true, write: false };
 */
export interface BuildWorkerOptions {
  /** @default false */
  minify?: boolean;
  /** Write the bundle to `outfile`; with false it is only returned. @default true */
  write?: boolean;
  /** @default WORKER_OUTFILE (worker-example/dist/worker.js) */
  outfile?: string;
  /** The module to bundle. @default WORKER_ENTRY (worker-example/src/index.ts) */
  entry?: string;
  /**
   * The entry module's source, bundled instead of `entry`'s file; its relative imports resolve from
   * worker-example/src/ (bench/worker-size.ts builds one small Worker per driver this way).
   */
  contents?: string;
}

/**
 * A built Worker bundle.
 *
 * @example const { code, bytes } = await buildWorker({ write: false });
 */
export interface BuiltWorker {
  /** The path the bundle was (or would be) written to. */
  outfile: string;
  /** The bundle's JavaScript. */
  code: string;
  /** Its size in bytes. */
  bytes: number;
  /** esbuild's metafile: the inputs and how many bytes each put into the bundle. */
  metafile: Metafile;
}

/**
 * Bundles `worker-example/src/index.ts` into one ES module for the Workers runtime. A Node import
 * anywhere in its graph rejects the returned promise with esbuild's "Could not resolve" error.
 *
 * @example const { outfile } = await buildWorker(); // → …/worker-example/dist/worker.js
 */
export async function buildWorker(options: BuildWorkerOptions = {}): Promise<BuiltWorker> {
  const outfile = options.outfile ?? WORKER_OUTFILE;
  const result = await build({
    ...(options.contents === undefined
      ? { entryPoints: [options.entry ?? WORKER_ENTRY] }
      : {
          stdin: {
            contents: options.contents,
            resolveDir: dirname(WORKER_ENTRY),
            loader: "ts",
            sourcefile: "entry.ts",
          },
        }),
    outfile,
    bundle: true,
    format: "esm",
    // Not "node" (which would mark built-ins external) nor "browser" alone: "neutral" assumes no
    // platform, and the conditions pick the Worker builds of dependencies, as wrangler does.
    platform: "neutral",
    mainFields: ["module", "main"],
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    tsconfig: TSCONFIG,
    // The Workers runtime's own modules (cloudflare:workers for the fleet's Workflow), as wrangler leaves them.
    external: ["cloudflare:*"],
    minify: options.minify ?? false,
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const [file] = result.outputFiles;
  if (!file) throw new Error("esbuild produced no output for the Worker");
  if (options.write ?? true) {
    await mkdir(dirname(outfile), { recursive: true });
    await writeFile(outfile, file.contents);
  }
  return { outfile, code: file.text, bytes: file.contents.byteLength, metafile: result.metafile };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const built = await buildWorker({ minify: process.argv.includes("--minify") });
  console.log(`wrote ${relative(process.cwd(), built.outfile)} (${built.bytes} bytes)`);
}
