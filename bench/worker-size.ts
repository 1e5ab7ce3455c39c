/**
 * Worker size: builds the example Worker (worker-example/) as it is deployed — neutral platform,
 * no Node built-ins — and reports its size raw, minified and gzipped, and which parts weigh most;
 * then the smallest Worker each driver makes (cron: apply, fetch: status), so what one driver
 * brings into a bundle shows: its own dialect only, and its client package.
 * Cloudflare's limits apply to the compressed size (3 MB on the Free plan, 10 MB on Paid).
 */
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { buildWorker } from "../worker-example/scripts/build.js";
import {
  D1_CRON_WORKER_BUDGET,
  DRIVER_WORKERS,
  type DriverWorker,
  type DriverWorkerApi,
  driverWorkerSource,
} from "../worker-example/scripts/driver-workers.js";
import { printTable } from "./harness.js";

/** How many of the heaviest parts the second table lists. */
const TOP_PARTS = 10;

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const WORKER_SRC = fileURLToPath(new URL("../worker-example/src/", import.meta.url));

export async function benchWorkerSize(): Promise<void> {
  await benchExampleWorker();
  await benchDriverWorkers();
}

async function benchExampleWorker(): Promise<void> {
  const raw = await buildWorker({ write: false });
  const minified = await buildWorker({ minify: true, write: false });
  printTable("worker bundle size (worker-example/src/index.ts, esbuild, platform neutral)", [
    { build: "raw", bytes: raw.bytes, KiB: kib(raw.bytes), "gzip KiB": kib(gzip(raw.code)) },
    { build: "minified", bytes: minified.bytes, KiB: kib(minified.bytes), "gzip KiB": kib(gzip(minified.code)) },
  ]);
  const parts = weightByPart(minified.metafile);
  printTable(
    `heaviest parts of the minified bundle (top ${TOP_PARTS})`,
    parts.slice(0, TOP_PARTS).map(([part, bytes]) => ({
      part,
      KiB: kib(bytes),
      share: `${((100 * bytes) / minified.bytes).toFixed(1)}%`,
    })),
  );
}

/**
 * Each driver's smallest Worker, minified, through the migration commands a cron needs and through
 * the whole migration client. Node-only drivers are bundled for Node with their packages left out.
 */
async function benchDriverWorkers(): Promise<void> {
  const rows: Record<string, string>[] = [];
  let d1CronBytes = 0;
  for (const worker of DRIVER_WORKERS) {
    const commands = await bundleDriverWorker(worker, "commands");
    const client = await bundleDriverWorker(worker, "client");
    if (worker.driver === "d1") d1CronBytes = gzip(commands.code);
    rows.push({
      driver: worker.driver,
      bundle: worker.runsOn === "worker" ? "Worker (neutral)" : "Node, packages external",
      "commands KiB": kib(commands.code.length),
      "commands gzip KiB": kib(gzip(commands.code)),
      "client KiB": kib(client.code.length),
      "client gzip KiB": kib(gzip(client.code)),
      "viborm share": `${((100 * commands.vibormBytes) / commands.code.length).toFixed(0)}%`,
      dialects: dialectsIn(client.metafile).join(", "),
    });
  }
  printTable(
    "each driver's smallest Worker, minified (cron applies the bundled migrations, fetch reports status;" +
      " commands: applyMigrations + migrationStatus, client: createMigrationClient with every command)",
    rows,
  );
  console.log(
    `D1 cron Worker: ${d1CronBytes} bytes gzipped of its ${D1_CRON_WORKER_BUDGET}-byte budget (tests/worker/build.test.ts), ${D1_CRON_WORKER_BUDGET - d1CronBytes} to spare`,
  );
}

// internal

function gzip(code: string): number {
  return gzipSync(code, { level: 9 }).byteLength;
}

async function bundleDriverWorker(
  worker: DriverWorker,
  api: DriverWorkerApi,
): Promise<{ code: string; metafile: Metafile; vibormBytes: number }> {
  const contents = driverWorkerSource(worker, api);
  if (worker.runsOn === "worker") {
    const built = await buildWorker({ contents, minify: true, write: false });
    return { code: built.code, metafile: built.metafile, vibormBytes: vibormBytes(built.metafile) };
  }
  const result = await build({
    stdin: { contents, resolveDir: WORKER_SRC, loader: "ts", sourcefile: "entry.ts" },
    absWorkingDir: ROOT,
    bundle: true,
    format: "esm",
    platform: "node",
    packages: "external",
    tsconfig: `${ROOT}tsconfig.json`,
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  const code = result.outputFiles[0]?.text ?? "";
  return { code, metafile: result.metafile, vibormBytes: vibormBytes(result.metafile) };
}

/** Bytes viborm's own sources (src/) put into the output. */
function vibormBytes(metafile: Metafile): number {
  let total = 0;
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (input.startsWith("src/")) total += bytesInOutput;
    }
  }
  return total;
}

/** The dialects (src/dialects/<name>/) a bundle holds. */
function dialectsIn(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const match = /^src\/dialects\/(postgres|mysql|sqlite)\//.exec(input);
    if (match) names.add(match[1]!);
  }
  return [...names].sort();
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

/** Bytes each source folder (src/<folder>, a package, a worker-example file) put into the output. */
function weightByPart(metafile: Metafile): [string, number][] {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const part = partOf(input);
      totals.set(part, (totals.get(part) ?? 0) + bytesInOutput);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

function partOf(input: string): string {
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (packageMatch) return packageMatch[1]!;
  const srcMatch = /^src\/([^/]+)\//.exec(input);
  if (srcMatch) return `src/${srcMatch[1]}/`;
  return input;
}
