/**
 * The Worker is deployable without `nodejs_compat`: its bundle is built for a neutral platform with
 * Worker conditions and no externals, so any Node import in its graph fails the build; its sources
 * type-check without Node typings; and `wrangler.toml` declares what the code expects.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { buildWorker, WORKER_OUTFILE } from "../../worker-example/scripts/build.js";
import {
  D1_CRON_WORKER_BUDGET,
  DRIVER_WORKERS,
  driverWorkerSource,
} from "../../worker-example/scripts/driver-workers.js";
import { WRANGLER_TOML } from "./harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "viborm-worker-build-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the Worker bundle", () => {
  test("builds into one ES module that reaches no Node built-in", async () => {
    const built = await buildWorker();
    expect(built.outfile).toBe(WORKER_OUTFILE);
    expect(existsSync(WORKER_OUTFILE)).toBe(true);
    expect(built.code).toMatch(/export\s*\{[^}]*\bas default\b/);
    expect(built.code).not.toMatch(/from\s*["'](node:)?(fs|path|crypto|os|url|child_process|module)["']/);
    expect(built.code).not.toMatch(/\brequire\(/);
    const inputs = Object.keys(built.metafile.inputs);
    expect(inputs).toContain("src/drivers/d1.ts");
    expect(inputs).toContain("src/storage/bundle.ts");
    expect(
      inputs.filter((input) => /storage\/fs|drivers\/(pg|mysql2|sqlite3|pglite)\.ts|src\/cli\//.test(input)),
    ).toEqual([]);
  });

  test.each([
    [
      "a Node built-in",
      'import { readFileSync } from "node:fs";\nexport default { fetch: () => new Response(readFileSync("x")) };\n',
    ],
    [
      "a Node built-in reached through another module",
      'import "./helper.js";\nexport default { fetch: () => new Response("") };\n',
    ],
    [
      "viborm's Node-only fs storage entry",
      'import { createFsStorageDriver } from "viborm/migrations/storage/fs";\nexport default { fetch: () => new Response(String(createFsStorageDriver)) };\n',
    ],
  ])("fails when the Worker imports %s", async (_, source) => {
    const dir = mkdtempSync(join(scratch, "entry-"));
    writeFileSync(join(dir, "helper.js"), 'import { join } from "node:path";\nexport const p = join("a", "b");\n');
    writeFileSync(join(dir, "index.js"), source);
    await expect(
      buildWorker({ entry: join(dir, "index.js"), outfile: join(dir, "out.js"), write: false }),
    ).rejects.toThrow(/Could not resolve "node:/);
  });

  test("minified, it stays small enough for a Worker (reported in full by bench/worker-size.ts)", async () => {
    const { bytes } = await buildWorker({ minify: true, write: false });
    // The free plan's limit is 3 MB compressed; the bundle is far below it uncompressed.
    expect(bytes).toBeLessThan(1024 * 1024);
  });
});

describe("one driver's Worker", () => {
  const dialectsIn = (inputs: string[]) =>
    [...new Set(inputs.map((input) => /^src\/dialects\/(postgres|mysql|sqlite)\//.exec(input)?.[1]))]
      .filter((name) => name !== undefined)
      .sort();

  test.each(DRIVER_WORKERS.filter((worker) => worker.runsOn === "worker"))(
    "$driver bundles its own dialect alone",
    async (worker) => {
      const built = await buildWorker({ contents: driverWorkerSource(worker, "client"), write: false });
      const own = worker.driver.startsWith("d1") ? "sqlite" : worker.driver === "neon-http" ? "postgres" : "mysql";
      expect(dialectsIn(Object.keys(built.metafile.inputs))).toEqual([own]);
    },
  );

  test("a D1 cron Worker (applyMigrations, migrationStatus) stays within 35 KiB minified and gzipped", async () => {
    const d1 = DRIVER_WORKERS.find((worker) => worker.driver === "d1")!;
    const built = await buildWorker({ contents: driverWorkerSource(d1, "commands"), minify: true, write: false });
    const gzipped = gzipSync(built.code, { level: 9 }).byteLength;
    expect(gzipped).toBeLessThanOrEqual(D1_CRON_WORKER_BUDGET);
    // What a cron never runs stays out: the differ and lint come only with push, generate and lint.
    const inputs = Object.values(built.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
    );
    expect(inputs.filter((input) => /^src\/(diff|runtime\/lint)\//.test(input))).toEqual([]);
  });
});

test("the Worker's sources type-check without Node typings", { timeout: 120_000 }, () => {
  let output = "";
  try {
    execFileSync("npx", ["tsc", "-p", "worker-example/tsconfig.json", "--noEmit"], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    output = `${failure.stdout ?? ""}${failure.stderr ?? ""}` || String(error);
  }
  expect(output).toBe("");
});

describe("wrangler.toml", () => {
  const lines = WRANGLER_TOML.split("\n").filter((line) => !line.trimStart().startsWith("#"));
  const config = lines.join("\n");

  test("turns on no Node compatibility", () => {
    expect(config).not.toMatch(/compatibility_flags|nodejs_compat|node_compat/);
  });

  test("points at the Worker and runs it on a cron", () => {
    const main = /^main\s*=\s*"([^"]+)"/m.exec(config)?.[1];
    expect(main).toBeDefined();
    expect(existsSync(join(ROOT, main!))).toBe(true);
    expect(config).toMatch(/^compatibility_date\s*=\s*"\d{4}-\d{2}-\d{2}"/m);
    expect(config).toMatch(/^\[triggers\]\ncrons\s*=\s*\["\*\/5 \* \* \* \*"\]/m);
  });

  test("declares the bindings the Worker reads, with placeholder ids to replace and a valid bucket name", () => {
    expect(config).toMatch(/\[\[d1_databases\]\]\nbinding = "DB"\n/);
    expect(config).toMatch(/\[\[kv_namespaces\]\]\nbinding = "MIGRATIONS_KV"\n/);
    expect(config).toMatch(/\[\[r2_buckets\]\]\nbinding = "MIGRATIONS_R2"\n/);
    expect(config).toMatch(/^MIGRATIONS_SOURCE = "bundle"$/m);
    for (const field of ["database_id", "id"]) {
      expect(config).toMatch(new RegExp(`^${field} = "REPLACE-WITH-[A-Z0-9-]+"$`, "m"));
    }
    // An R2 bucket is named, not numbered: the name the README creates, valid as wrangler requires
    // (3–63 lowercase letters, digits and hyphens, alphanumeric at both ends).
    expect(config).toMatch(/^bucket_name = "[a-z0-9][a-z0-9-]{1,61}[a-z0-9]"$/m);
  });
});
