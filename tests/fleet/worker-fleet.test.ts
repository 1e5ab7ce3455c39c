/**
 * The example Worker's fleet in workerd (Miniflare runs Workflows locally): `POST /fleet` starts a
 * Workflow over 50 D1 bindings and D1 databases listed through the HTTP API, `GET /fleet/:id`
 * reports it. One tenant fails with its typed error; a new run after the fix resumes only it; a
 * run killed midway resumes from its step history after a restart; a fleet larger than one
 * instance's step budget is split into part instances that never pass Miniflare's step limit.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import type { D1DatabaseLike } from "viborm/d1";
import type { FleetWorkflowStatus } from "viborm/fleet/workflow";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { accessWorker, d1Database } from "../helpers/miniflare.js";
import { builtWorker, COMPATIBILITY_DATE, tablesOf } from "../worker/harness.js";
import { type D1Api, startD1Api } from "./d1-api.js";

const BINDINGS = Array.from({ length: 50 }, (_, i) => `TENANT_DB_${String(i + 1).padStart(2, "0")}`);
const HTTP = ["HTTP_A", "HTTP_B", "HTTP_C"];
const IDS = ["20260102000000_init", "20260103000000_add-comments"];
const TABLES = ["_viborm_migrations", "authors", "comments", "posts"];

interface Fleet {
  mf: Miniflare;
  db(name: string): Promise<D1DatabaseLike & { exec(sql: string): Promise<unknown> }>;
  start(params?: Record<string, unknown>): Promise<string>;
  read(id: string): Promise<{ status: number; body: FleetWorkflowStatus }>;
  /** Polls `GET /fleet/:id` until the run is no longer running. */
  settle(id: string): Promise<FleetWorkflowStatus>;
  /** Pauses and resumes the run's instances (the first and any parts), as a restarted Cloudflare would resume them. */
  nudge(id: string): Promise<void>;
  dispose(): Promise<void>;
}

let api: D1Api;
let running: Fleet[] = [];

beforeAll(async () => {
  api = await startD1Api();
});
afterAll(() => api.close());
afterEach(async () => {
  await Promise.all(running.map((fleet) => fleet.dispose()));
  running = [];
  api.reset();
});

/** The built Worker with 50 tenant bindings and the HTTP tenants' databases; `persist` keeps state across restarts. */
async function startFleet(
  options: { persist?: string; vars?: Record<string, string>; stepLimit?: number } = {},
): Promise<Fleet> {
  const persist = options.persist;
  const d1Databases = ["DB", ...BINDINGS, ...HTTP];
  const worker = {
    name: "viborm-fleet-example",
    modules: true,
    scriptPath: await builtWorker(),
    compatibilityDate: COMPATIBILITY_DATE,
    d1Databases,
    workflows: {
      FLEET_WORKFLOW: {
        name: "viborm-fleet",
        className: "FleetWorkflow",
        ...(options.stepLimit ? { stepLimit: options.stepLimit } : {}),
      },
    },
    bindings: {
      MIGRATIONS_SOURCE: "bundle",
      FLEET_RETRY_LIMIT: "1",
      FLEET_RETRY_DELAY: "20",
      FLEET_D1_ACCOUNT_ID: api.accountId,
      FLEET_D1_API_TOKEN: api.apiToken,
      FLEET_D1_API_BASE: api.baseUrl,
      FLEET_D1_NAME_PREFIX: "tenant-",
      ...options.vars,
    },
  };
  // The tenants' databases are read through a second Worker by fetch: Miniflare's own D1 proxy
  // answers prepare() over a synchronous channel that, on a loaded machine, can fail a call.
  const mf = new Miniflare({
    workers: [worker, accessWorker({ d1Databases })],
    ...(persist
      ? {
          d1Persist: join(persist, "d1"),
          workflowsPersist: join(persist, "wf"),
          durableObjectsPersist: join(persist, "do"),
        }
      : {}),
  });
  await mf.ready;
  const fetchJson = async (path: string, init?: RequestInit) => {
    const response = await mf.dispatchFetch(`http://localhost${path}`, init as never);
    return { status: response.status, body: (await response.json()) as never };
  };
  const fleet: Fleet = {
    mf,
    db: async (name) => {
      const database = d1Database(mf, name);
      return { ...database, exec: (sql: string) => database.prepare(sql).all() } as never;
    },
    async start(params = {}) {
      const { status, body } = await fetchJson("/fleet", { method: "POST", body: JSON.stringify(params) });
      expect(status, JSON.stringify(body)).toBe(202);
      return (body as { id: string }).id;
    },
    read: (id) => fetchJson(`/fleet/${id}`),
    async settle(id) {
      for (let i = 0; i < 600; i++) {
        const { body } = await fetchJson(`/fleet/${id}`);
        const run = body as FleetWorkflowStatus;
        if (!["running", "queued", "waiting"].includes(run.status)) return run;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`fleet run ${id} never finished`);
    },
    async nudge(id) {
      // Workflow instances are reachable only through Miniflare's binding proxy, whose synchronous
      // channel can fail a call on a loaded machine (an assertion inside Miniflare): such a call
      // is made again, a few times, before the test gives up.
      const again = async <T>(call: () => Promise<T>): Promise<T> => {
        for (let attempt = 1; ; attempt++) {
          try {
            return await call();
          } catch (error) {
            if (attempt >= 4 || !/false == true|Assertion/i.test(String(error))) throw error;
          }
        }
      };
      const binding = (await again(() => mf.getBindings())).FLEET_WORKFLOW as {
        get(id: string): Promise<{ pause(): Promise<void>; resume(): Promise<void> }>;
      };
      for (const instanceId of [id, ...Array.from({ length: 20 }, (_, i) => `${id}-p${i}`)]) {
        const instance = await binding.get(instanceId).catch(() => undefined);
        if (!instance) break;
        await again(() => instance.pause());
        await again(() => instance.resume());
      }
    },
    dispose: () => mf.dispose(),
  };
  running.push(fleet);
  return fleet;
}

/** Registers the HTTP tenants (`tenant-…` databases of the account) on this Miniflare's D1s. */
async function registerHttp(fleet: Fleet, names: string[]): Promise<void> {
  for (const name of names) api.add(uuidOf(name), `tenant-${name.toLowerCase()}`, await fleet.db(name));
}

function uuidOf(name: string): string {
  const n = HTTP.indexOf(name) + 1;
  return `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
}

async function tracked(db: D1DatabaseLike): Promise<string[]> {
  if (!(await tablesOf(db)).includes("_viborm_migrations")) return [];
  const { results = [] } = await db.prepare('SELECT id FROM "_viborm_migrations" ORDER BY id').all();
  return results.map((row) => (row as { id: string }).id);
}

describe("the example Worker's fleet Workflow", () => {
  test("migrates 52 D1 databases; one fails with its typed error; a new run after the fix resumes it alone", async () => {
    const fleet = await startFleet();
    await registerHttp(fleet, HTTP.slice(0, 2));
    // TENANT_DB_17 already has a table the second migration creates.
    await (await fleet.db("TENANT_DB_17")).exec("CREATE TABLE comments (id INTEGER PRIMARY KEY, legacy TEXT)");
    const id = await fleet.start({ concurrency: 8 });
    const run = await fleet.settle(id);
    expect(run.status).toBe("complete");
    expect(run.report.tenants).toHaveLength(52);
    expect(run.report.summary).toMatchObject({ applied: 51, failed: 1, skipped: 0 });
    const failed = run.report.tenants.find((tenant) => tenant.state === "failed")!;
    expect(failed).toMatchObject({ id: "TENANT_DB_17", applied: [IDS[0]], error: { code: "MIGRATION_FAILED" } });
    expect(run.report.tenants.find((t) => t.id === `d1:${uuidOf("HTTP_B")}`)).toMatchObject({
      state: "applied",
      applied: IDS,
    });
    for (const name of ["TENANT_DB_01", "TENANT_DB_50", "HTTP_A"]) {
      expect(await tablesOf(await fleet.db(name))).toEqual(TABLES);
      expect(await tracked(await fleet.db(name))).toEqual(IDS);
    }
    // The failed migration's batch left nothing: the legacy table as it was, only init recorded.
    expect(await tracked(await fleet.db("TENANT_DB_17"))).toEqual([IDS[0]]);
    expect(await tablesOf(await fleet.db("TENANT_DB_17"))).toEqual(TABLES);

    // Fixed, and a database created meanwhile: the next run touches only what is not done.
    await (await fleet.db("TENANT_DB_17")).exec("DROP TABLE comments");
    await registerHttp(fleet, ["HTTP_C"]);
    const again = await fleet.settle(await fleet.start());
    expect(again.report.summary).toMatchObject({ applied: 2, upToDate: 51, failed: 0 });
    expect(again.report.tenants.filter((t) => t.state === "applied").map((t) => t.id)).toEqual([
      "TENANT_DB_17",
      `d1:${uuidOf("HTTP_C")}`,
    ]);
    expect(await tracked(await fleet.db("HTTP_C"))).toEqual(IDS);
    const status = await fleet.settle(await fleet.start({ action: "status" }));
    expect(status.report.summary).toMatchObject({ upToDate: 53, pending: 0, failed: 0 });
  });

  test("bad params are 400 and start nothing; an unknown run is 404", async () => {
    const fleet = await startFleet();
    const bad = await fleet.mf.dispatchFetch("http://localhost/fleet", {
      method: "POST",
      body: JSON.stringify({ canary: -1 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("INVALID_ARGUMENT");
    expect((await fleet.read("no-such-run")).status).toBe(404);
    expect(await tablesOf(await fleet.db("TENANT_DB_01"))).toEqual([]);
  });

  test("a run killed while a tenant waits to retry resumes from its step history after a restart", {
    timeout: 120_000,
  }, async () => {
    const persist = mkdtempSync(join(tmpdir(), "viborm-fleet-wf-"));
    // Retries 1.5 s, 3 s, 6 s apart: the run is still waiting on TENANT_DB_10 when the Worker dies.
    const vars = { FLEET_RETRY_LIMIT: "3", FLEET_RETRY_DELAY: "1500" };
    try {
      const first = await startFleet({ persist, vars });
      await registerHttp(first, HTTP.slice(0, 2));
      await (await first.db("TENANT_DB_10")).exec("CREATE TABLE comments (x INTEGER)");
      const id = await first.start({ id: "fleet-restart", concurrency: 1 });
      const tenth = await first.db("TENANT_DB_10");
      for (let i = 0; i < 500 && (await tracked(tenth)).length < 1; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      await first.dispose();
      running = running.filter((fleet) => fleet !== first);

      const second = await startFleet({ persist, vars });
      await registerHttp(second, HTTP.slice(0, 2));
      expect(await tracked(await second.db("TENANT_DB_09"))).toEqual(IDS);
      expect(await tracked(await second.db("TENANT_DB_10"))).toEqual([IDS[0]]);
      expect(await tracked(await second.db("TENANT_DB_11"))).toEqual([]);
      // Fixed while the Worker was down: the pending retry now succeeds.
      await (await second.db("TENANT_DB_10")).exec("DROP TABLE comments");
      // Cloudflare resumes running instances by itself; local dev needs a nudge to replay them.
      await second.nudge(id);
      const run = await second.settle(id);
      expect(run.status).toBe("complete");
      expect(run.report.summary).toMatchObject({ applied: 52, failed: 0 });
      // Tenants finished before the kill report their work from the step history.
      expect(run.report.tenants[0]).toMatchObject({ id: "TENANT_DB_01", state: "applied", applied: IDS });
      expect(run.report.tenants[9]).toMatchObject({ id: "TENANT_DB_10", state: "applied", applied: IDS });
      for (const name of BINDINGS) expect(await tracked(await second.db(name))).toEqual(IDS);
    } finally {
      rmSync(persist, { recursive: true, force: true });
    }
  });

  test("a fleet larger than one instance is split into parts, none past its step limit; maxFailures stops later waves", async () => {
    // 40 steps per instance: 10 tenants of 3 steps each (a plan, two migrations) per part.
    const vars = { FLEET_MAX_STEPS_PER_INSTANCE: "40", FLEET_PARALLEL_INSTANCES: "2" };
    const fleet = await startFleet({ vars, stepLimit: 40 });
    await registerHttp(fleet, HTTP.slice(0, 2));
    const run = await fleet.settle(await fleet.start({ canary: 1 }));
    expect(run.status).toBe("complete");
    expect(run.parts.length).toBeGreaterThan(2);
    expect(run.parts.every((part) => part.status === "complete")).toBe(true);
    expect(run.report.summary).toMatchObject({ applied: 52, failed: 0 });
    expect(run.report.tenants).toHaveLength(52);
    expect(await tracked(await fleet.db("TENANT_DB_42"))).toEqual(IDS);

    // Roll everything back, break one tenant of the second wave, and stop at the first failure.
    const back = await fleet.settle(await fleet.start({ action: "rollback", steps: 2 }));
    expect(back.report.summary).toMatchObject({ rolledBack: 52 });
    await (await fleet.db("TENANT_DB_25")).exec("CREATE TABLE authors (x INTEGER)");
    const stopped = await fleet.settle(await fleet.start({ maxFailures: 0 }));
    expect(stopped.report.summary.failed).toBe(1);
    expect(stopped.report.summary.skipped).toBeGreaterThan(0);
    expect(stopped.skippedUnlisted).toBeGreaterThan(0);
    expect(await tracked(await fleet.db("TENANT_DB_50"))).toEqual([]);
    // Two fleets of 100 tenants each through the local Workflow engine: on a loaded machine this takes tens of seconds.
  }, 120_000);
});
