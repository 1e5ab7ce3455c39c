/**
 * Worker size: builds the example Worker (worker-example/) as it is deployed — neutral platform,
 * no Node built-ins — and reports its size raw, minified and gzipped, and which parts weigh most.
 * Cloudflare's limits apply to the compressed size (3 MB on the Free plan, 10 MB on Paid).
 */
import { gzipSync } from "node:zlib";
import type { Metafile } from "esbuild";
import { buildWorker } from "../worker-example/scripts/build.js";
import { printTable } from "./harness.js";

/** How many of the heaviest parts the second table lists. */
const TOP_PARTS = 10;

export async function benchWorkerSize(): Promise<void> {
  const raw = await buildWorker({ write: false });
  const minified = await buildWorker({ minify: true, write: false });
  const gzip = (code: string) => gzipSync(code, { level: 9 }).byteLength;
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

// internal

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
