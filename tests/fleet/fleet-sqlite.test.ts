/**
 * `viborm/fleet` over real SQLite files, one database per tenant: apply, resume, a failing tenant,
 * canaries, maxFailures, bounded connections, streamed tenants, status, rollback and bad input.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isVibormError, type VibormClient } from "viborm";
import { createFleet, type FleetEvent, type Tenant } from "viborm/fleet";
import type { MigrationStorageDriver } from "viborm/migrations";
import { createClient } from "viborm/sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { generateSet, memoryStorage, SCHEMA_V3 } from "./helpers.js";

let storage: MigrationStorageDriver;
let ids: string[];
let root: string;
let dir: string;
let run = 0;

beforeAll(async () => {
  storage = memoryStorage();
  ids = await generateSet((schema) => createClient({ schema, filename: ":memory:" }), storage);
  root = mkdtempSync(join(tmpdir(), "viborm-fleet-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  run += 1;
  dir = mkdtempSync(join(root, `run${run}-`));
});

/** A tenant file, read without viborm. */
function inspect(name: string): { tables: string[]; tracked: string[] } {
  const db = new Database(join(dir, `${name}.db`));
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .all()
      .map((row) => (row as { name: string }).name);
    const tracked = tables.includes("_viborm_migrations")
      ? db
          .prepare('SELECT id FROM "_viborm_migrations" ORDER BY id')
          .all()
          .map((row) => (row as { id: string }).id)
      : [];
    return { tables, tracked };
  } finally {
    db.close();
  }
}

function sql(name: string, statement: string): void {
  const db = new Database(join(dir, `${name}.db`));
  db.exec(statement);
  db.close();
}

/** Tenants t00…t(n-1), each a SQLite file whose client the fleet opens and closes, counted. */
function tenants(n: number) {
  const stats = { made: [] as string[], open: 0, maxOpen: 0, closed: 0 };
  const list: Tenant[] = Array.from({ length: n }, (_, i) => {
    const id = `t${String(i).padStart(2, "0")}`;
    return {
      id,
      client: () => {
        stats.made.push(id);
        stats.open += 1;
        stats.maxOpen = Math.max(stats.maxOpen, stats.open);
        const client = createClient({ schema: SCHEMA_V3, filename: join(dir, `${id}.db`) });
        const close = client.$close;
        return Object.assign(client, {
          $close: async () => {
            stats.open -= 1;
            stats.closed += 1;
            await close();
          },
        }) as VibormClient;
      },
    };
  });
  return { list, stats };
}

describe("fleet.apply over SQLite files", () => {
  test("applies every tenant, then resumes: a second run touches only what is not done", async () => {
    const { list, stats } = tenants(12);
    const fleet = createFleet({ tenants: list, storageDriver: storage, concurrency: 4 });
    // One tenant is already partway: only the rest of the set is applied to it.
    expect((await createFleet({ tenants: [list[3]!], storageDriver: storage }).apply({ to: "init" })).summary).toEqual({
      applied: 1,
      rolledBack: 0,
      upToDate: 0,
      pending: 0,
      failed: 0,
      skipped: 0,
    });
    const first = await fleet.apply();
    expect(first.tenants.map((t) => t.id)).toEqual(list.map((t) => t.id));
    expect(first.summary).toMatchObject({ applied: 12, failed: 0, skipped: 0 });
    expect(first.tenants[0]).toEqual({ id: "t00", state: "applied", applied: ids, pending: [] });
    expect(first.tenants[3]!.applied).toEqual(ids.slice(1));
    expect(inspect("t07")).toEqual({ tables: ["_viborm_migrations", "comment", "post", "user"], tracked: ids });
    const again = await fleet.apply();
    expect(again.summary).toMatchObject({ applied: 0, upToDate: 12 });
    expect(again.tenants.every((t) => t.state === "up-to-date" && t.applied.length === 0)).toBe(true);
    expect(stats.open).toBe(0);
    expect(stats.maxOpen).toBeLessThanOrEqual(4);
  });

  test("a failing tenant is reported with its typed error and left as its strategy leaves it; the others are unaffected", async () => {
    const { list } = tenants(8);
    // t05 already holds a table the second migration creates: that migration fails there.
    sql("t05", "CREATE TABLE post (id INTEGER PRIMARY KEY, legacy TEXT); INSERT INTO post VALUES (1, 'kept');");
    const events: FleetEvent[] = [];
    const fleet = createFleet({ tenants: list, storageDriver: storage, onEvent: (e) => events.push(e) });
    const report = await fleet.apply();
    expect(report.summary).toMatchObject({ applied: 8 - 1, failed: 1 });
    const failed = report.tenants[5]!;
    expect(failed).toMatchObject({ id: "t05", state: "failed", applied: [ids[0]] });
    expect(failed.error?.code).toBe("MIGRATION_FAILED");
    expect(failed.error?.meta).toMatchObject({ migration: ids[1] });
    // The first migration stays applied, the failed one left nothing behind, the third never ran.
    expect(inspect("t05")).toEqual({ tables: ["_viborm_migrations", "post", "user"], tracked: [ids[0]] });
    expect(events.filter((e) => e.type === "tenant:failed").map((e) => e.tenant)).toEqual(["t05"]);
    expect(events.filter((e) => e.type === "tenant:start")).toHaveLength(8);
    expect(events.filter((e) => e.type === "tenant:done")).toHaveLength(7);

    // Fixed by hand; running again resumes the failed tenant only.
    sql("t05", "DROP TABLE post;");
    const resumed = await fleet.apply();
    expect(resumed.summary).toMatchObject({ applied: 1, upToDate: 7, failed: 0 });
    expect(resumed.tenants[5]).toMatchObject({ state: "applied", applied: ids.slice(1) });
  });

  test("canaries go first; when one fails, every other tenant is skipped and untouched", async () => {
    const { list, stats } = tenants(10);
    sql("t01", "CREATE TABLE comment (x INTEGER);");
    const report = await createFleet({ tenants: list, storageDriver: storage, canary: 2, concurrency: 4 }).apply();
    expect(report.tenants.slice(0, 2).map((t) => t.state)).toEqual(["applied", "failed"]);
    expect(report.tenants.slice(2).every((t) => t.state === "skipped" && t.applied.length === 0)).toBe(true);
    expect(report.summary).toMatchObject({ applied: 1, failed: 1, skipped: 8 });
    // A skipped tenant's client function was never called: its database was never opened.
    expect(stats.made).toEqual(["t00", "t01"]);
  });

  test("canaries succeed, then the rest run", async () => {
    const { list, stats } = tenants(6);
    const order: string[] = [];
    const fleet = createFleet({
      tenants: list,
      storageDriver: storage,
      canary: 2,
      concurrency: 6,
      onEvent: (e) => {
        if (e.type !== "tenant:start") order.push(`${e.tenant}:${e.type}`);
        else order.push(`${e.tenant}:start`);
      },
    });
    const report = await fleet.apply();
    expect(report.summary.applied).toBe(6);
    // No other tenant starts before both canaries are done.
    const firstOther = order.findIndex((entry) => /^t0[2-5]:start$/.test(entry));
    const canariesDone = Math.max(order.indexOf("t00:tenant:done"), order.indexOf("t01:tenant:done"));
    expect(firstOther).toBeGreaterThan(canariesDone);
    expect(stats.maxOpen).toBeLessThanOrEqual(6);
  });

  test("maxFailures: 0 stops new starts at the first failure; maxFailures: 1 at the second", async () => {
    const { list } = tenants(8);
    for (const name of ["t02", "t04", "t06"]) sql(name, "CREATE TABLE user (x INTEGER);");
    const strict = await createFleet({ tenants: list, storageDriver: storage, concurrency: 1, maxFailures: 0 }).apply();
    expect(strict.tenants.map((t) => t.state)).toEqual([
      "applied",
      "applied",
      "failed",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
      "skipped",
    ]);
    expect(inspect("t03").tables).toEqual([]);
    const budget = await createFleet({ tenants: list, storageDriver: storage, concurrency: 1, maxFailures: 1 }).apply();
    expect(budget.tenants.map((t) => t.state)).toEqual([
      "up-to-date",
      "up-to-date",
      "failed",
      "applied",
      "failed",
      "skipped",
      "skipped",
      "skipped",
    ]);
  });

  test("at most `concurrency` clients are open; clients given as objects are never closed", async () => {
    const { list, stats } = tenants(30);
    const own = createClient({ schema: SCHEMA_V3, filename: join(dir, "own.db") });
    let ownClosed = 0;
    const close = own.$close;
    own.$close = async () => {
      ownClosed += 1;
      await close();
    };
    const report = await createFleet({
      tenants: [...list, { id: "own", client: own }],
      storageDriver: storage,
      concurrency: 3,
    }).apply();
    expect(report.summary.applied).toBe(31);
    expect(stats.maxOpen).toBe(3);
    expect(stats.closed).toBe(30);
    expect(ownClosed).toBe(0);
    expect((await own.$queryRaw('SELECT count(*) AS n FROM "_viborm_migrations"'))[0]).toEqual({ n: 3 });
    await close();
  });

  test("tenants from an async iterable are read one at a time, never all at once", async () => {
    const { list } = tenants(40);
    let read = 0;
    let finished = 0;
    let maxHeld = 0;
    async function* stream() {
      for (const tenant of list) {
        read += 1;
        maxHeld = Math.max(maxHeld, read - finished);
        yield tenant;
      }
    }
    const report = await createFleet({
      tenants: stream,
      storageDriver: storage,
      concurrency: 4,
      onEvent: (e) => {
        if (e.type !== "tenant:start") finished += 1;
      },
    }).apply();
    expect(report.summary.applied).toBe(40);
    // Never more read than running plus the one being admitted.
    expect(maxHeld).toBeLessThanOrEqual(5);
  });

  test("status reports pending, modified and up-to-date tenants; it changes nothing", async () => {
    const { list } = tenants(4);
    await createFleet({ tenants: list.slice(0, 2), storageDriver: storage }).apply();
    await createFleet({ tenants: [list[2]!], storageDriver: storage }).apply({ to: "add-posts" });
    const status = await createFleet({ tenants: list, storageDriver: storage, canary: 1, maxFailures: 0 }).status();
    expect(status.tenants.map((t) => [t.id, t.state, t.pending])).toEqual([
      ["t00", "up-to-date", []],
      ["t01", "up-to-date", []],
      ["t02", "pending", [ids[2]]],
      ["t03", "pending", ids],
    ]);
    expect(status.summary).toMatchObject({ upToDate: 2, pending: 2 });
    expect(inspect("t03").tables).toEqual([]);
  });

  test("rollback steps back every tenant; a dry run reports the work and runs nothing", async () => {
    const { list } = tenants(5);
    const fleet = createFleet({ tenants: list, storageDriver: storage });
    const preview = await fleet.apply({ dryRun: true, to: "add-posts" });
    expect(preview.tenants.every((t) => t.state === "pending" && t.pending?.join() === ids.slice(0, 2).join())).toBe(
      true,
    );
    expect(inspect("t00").tables).toEqual([]);
    await fleet.apply();
    const back = await fleet.rollback({ steps: 2 });
    expect(back.summary).toMatchObject({ rolledBack: 5 });
    expect(back.tenants[0]).toEqual({ id: "t00", state: "rolled-back", applied: [ids[2], ids[1]] });
    expect(inspect("t04")).toEqual({ tables: ["_viborm_migrations", "user"], tracked: [ids[0]] });
    const dry = await fleet.rollback({ dryRun: true });
    expect(dry.tenants[0]).toMatchObject({ state: "pending", pending: [ids[0]] });
    expect(inspect("t04").tracked).toEqual([ids[0]]);
  });
});

describe("fleet input errors", () => {
  test("bad options fail at createFleet with a typed error", () => {
    const attempts: [string, () => unknown][] = [
      ["STORAGE_REQUIRED", () => createFleet({ tenants: [] } as never)],
      ["INVALID_ARGUMENT", () => createFleet({ storageDriver: storage } as never)],
      ["INVALID_ARGUMENT", () => createFleet({ tenants: "t1" as never, storageDriver: storage })],
      ["INVALID_ARGUMENT", () => createFleet({ tenants: [], storageDriver: storage, concurrency: 0 })],
      ["INVALID_ARGUMENT", () => createFleet({ tenants: [], storageDriver: storage, canary: -1 })],
      ["INVALID_ARGUMENT", () => createFleet({ tenants: [], storageDriver: storage, maxFailures: 1.5 })],
      ["INVALID_ARGUMENT", () => createFleet({ tenants: [], storageDriver: storage, tableName: "bad name" })],
    ];
    for (const [code, attempt] of attempts) expect(() => attempt()).toThrow(expect.objectContaining({ code }));
  });

  test("an unknown `to` fails before any tenant is touched", async () => {
    const { list, stats } = tenants(3);
    const fleet = createFleet({ tenants: list, storageDriver: storage });
    await expect(fleet.apply({ to: "no-such-migration" })).rejects.toMatchObject({ code: "MIGRATION_NOT_FOUND" });
    await expect(fleet.rollback({ steps: 1, to: "init" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(stats.made).toEqual([]);
  });

  test("malformed and duplicate tenants fail alone, untouched; a broken client function is INVALID_ARGUMENT", async () => {
    const { list } = tenants(2);
    const report = await createFleet({
      tenants: [
        list[0]!,
        { id: "", client: list[1]!.client } as Tenant,
        { id: "t00", client: list[0]!.client },
        { id: "nothing" } as unknown as Tenant,
        {
          id: "throws",
          client: () => {
            throw new Error("no credentials");
          },
        },
      ],
      storageDriver: storage,
    }).apply();
    expect(report.tenants.map((t) => [t.id, t.state, t.error?.code])).toEqual([
      ["t00", "applied", undefined],
      ["#1", "failed", "INVALID_ARGUMENT"],
      ["t00", "failed", "INVALID_ARGUMENT"],
      ["nothing", "failed", "INVALID_ARGUMENT"],
      ["throws", "failed", "INVALID_ARGUMENT"],
    ]);
    expect(inspect("t01").tables).toEqual([]);
  });

  test("a tenant source failing midway stops new starts and reports what ran", async () => {
    const { list } = tenants(6);
    async function* broken() {
      yield* list.slice(0, 3);
      throw new Error("tenant directory unavailable");
    }
    let caught: unknown;
    try {
      await createFleet({ tenants: broken, storageDriver: storage, concurrency: 2 }).apply();
    } catch (error) {
      caught = error;
    }
    expect(isVibormError(caught, "FLEET_SOURCE_FAILED")).toBe(true);
    const meta = (caught as { meta: { tenantsRead: number; report: { summary: { applied: number } } } }).meta;
    expect(meta.tenantsRead).toBe(3);
    expect(meta.report.summary.applied).toBe(3);
  });
});
