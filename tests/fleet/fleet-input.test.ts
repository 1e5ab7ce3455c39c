/**
 * `viborm/fleet` given bad input, over real SQLite files: a tenant source that is not one, bad
 * tenants, an event callback that throws, a tenant whose client or storage fails in odd ways. Each
 * is a typed error or a failed line of a complete report, and no database is touched that should
 * not be.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { isVibormError, type VibormClient } from "viborm";
import { createFleet, type FleetReport, type Tenant } from "viborm/fleet";
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
  root = mkdtempSync(join(tmpdir(), "viborm-fleet-input-"));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  run += 1;
  dir = mkdtempSync(join(root, `run${run}-`));
});

const file = (id: string) => join(dir, `${id}.db`);

/** A tenant whose SQLite file the fleet opens (and closes) when its turn comes. */
function tenant(id: string, wrap: (client: VibormClient) => VibormClient = (client) => client): Tenant {
  return { id, client: () => wrap(createClient({ schema: SCHEMA_V3, filename: file(id) })) };
}

/** The ids recorded in a tenant's tracking table, read without viborm ([] when the file was never made). */
function tracked(id: string): string[] {
  if (!existsSync(file(id))) return [];
  const db = new Database(file(id));
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE name = '_viborm_migrations'").get();
    if (!table) return [];
    return db
      .prepare('SELECT id FROM "_viborm_migrations" ORDER BY id')
      .all()
      .map((row) => (row as { id: string }).id);
  } finally {
    db.close();
  }
}

/** Every tenant once, with a state, and counts that add up to the number of tenants. */
function expectComplete(report: FleetReport, tenantIds: string[]): void {
  expect(report.tenants.map((t) => t.id)).toEqual(tenantIds);
  for (const line of report.tenants) expect(typeof line.state).toBe("string");
  const total = Object.values(report.summary).reduce((sum, n) => sum + n, 0);
  expect(total).toBe(tenantIds.length);
  for (const n of Object.values(report.summary)) expect(n).toBeGreaterThanOrEqual(0);
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("a tenant source that is not one", () => {
  test.each([
    ["an object", { t1: tenant("t1") }],
    ["a string", "t1"],
    ["a number", 3],
    ["a boolean", true],
    ["null", null],
  ])("tenants given as %s is INVALID_ARGUMENT at createFleet, naming the option", (_, value) => {
    const error = caught(() => createFleet({ tenants: value as never, storageDriver: storage }));
    expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe("tenants");
    expect((error as Error).message).toMatch(/tenants/);
  });

  test.each([
    ["an object", { t1: tenant("t1") }],
    ["a string", "t1"],
    ["a number", 3],
    ["null", null],
  ])("a tenants function returning %s is INVALID_ARGUMENT naming the option; nothing runs", async (_, value) => {
    const fleet = createFleet({ tenants: (() => value) as never, storageDriver: storage });
    for (const call of [() => fleet.apply(), () => fleet.status(), () => fleet.rollback()]) {
      const error = await call().catch((thrown: unknown) => thrown);
      expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
      expect((error as { meta: { argument: string } }).meta.argument).toBe("tenants");
      expect((error as Error).message).toMatch(/tenants function returned/);
    }
    expect(existsSync(file("t1"))).toBe(false);
  });
});

test.each([
  ["storageDriver", { storageDriver: "migrations" }],
  ["storageDriver", { storageDriver: { get: async () => null, list: async () => [] } }],
  ["onEvent", { onEvent: true }],
  ["now", { now: "2026-01-01" }],
])("createFleet with %s that is not one is INVALID_ARGUMENT naming it", (argument, options) => {
  const error = caught(() => createFleet({ tenants: [tenant("t1")], storageDriver: storage, ...options } as never));
  expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
  expect((error as { meta: { argument: string } }).meta.argument).toBe(argument);
  expect(existsSync(file("t1"))).toBe(false);
});

describe("bad tenants", () => {
  test("a tenant without an id, with a duplicate id or with a client that is no client fails alone, named, untouched", async () => {
    let duplicateOpened = false;
    const report = await createFleet({
      tenants: [
        tenant("t0"),
        { id: 42, client: tenant("n42").client } as unknown as Tenant,
        { client: tenant("noid").client } as unknown as Tenant,
        null as unknown as Tenant,
        {
          id: "t0",
          client: () => {
            duplicateOpened = true;
            return createClient({ schema: SCHEMA_V3, filename: file("dup") });
          },
        },
        { id: "str", client: "file:str.db" } as unknown as Tenant,
        { id: "num", client: 7 } as unknown as Tenant,
        { id: "obj", client: {} } as unknown as Tenant,
        tenant("t8"),
      ],
      storageDriver: storage,
    }).apply();
    expectComplete(report, ["t0", "#1", "#2", "#3", "t0", "str", "num", "obj", "t8"]);
    expect(report.tenants.map((t) => [t.state, t.error?.code])).toEqual([
      ["applied", undefined],
      ...Array(7).fill(["failed", "INVALID_ARGUMENT"]),
      ["applied", undefined],
    ]);
    const messages = report.tenants.map((t) => t.error?.message ?? "");
    expect(messages[1]).toMatch(/#1.*id.*number 42/);
    expect(messages[2]).toMatch(/#2.*id/);
    expect(messages[3]).toMatch(/#3/);
    expect(messages[4]).toMatch(/"t0".*more than once/);
    expect(messages[5]).toMatch(/"str".*client.*a string/);
    expect(messages[6]).toMatch(/"num".*client.*the number 7/);
    expect(messages[7]).toMatch(/"obj".*client/);
    expect(duplicateOpened).toBe(false);
    for (const untouched of ["n42", "noid", "dup"]) expect(existsSync(file(untouched))).toBe(false);
    expect(tracked("t0")).toEqual(ids);
    expect(tracked("t8")).toEqual(ids);
  });
});

describe("an onEvent callback that throws", () => {
  test("is ignored: apply, status and rollback run every tenant and report them as without it", async () => {
    const list = ["t0", "t1", "t2", "t3"].map((id) => tenant(id));
    let calls = 0;
    const fleet = createFleet({
      tenants: list,
      storageDriver: storage,
      concurrency: 2,
      canary: 1,
      onEvent: () => {
        calls += 1;
        throw new Error("listener bug");
      },
    });
    const applied = await fleet.apply();
    expectComplete(applied, ["t0", "t1", "t2", "t3"]);
    expect(applied.tenants.map((t) => [t.state, t.applied])).toEqual(Array(4).fill(["applied", ids]));
    expect(calls).toBe(8);
    for (const id of ["t0", "t1", "t2", "t3"]) expect(tracked(id)).toEqual(ids);
    const status = await fleet.status();
    expect(status.summary).toMatchObject({ upToDate: 4 });
    const back = await fleet.rollback({ steps: 1 });
    expect(back.tenants.map((t) => [t.state, t.applied])).toEqual(Array(4).fill(["rolled-back", [ids[2]]]));
    for (const id of ["t0", "t1", "t2", "t3"]) expect(tracked(id)).toEqual(ids.slice(0, 2));
  });
});

describe("a tenant whose run goes wrong in odd ways", () => {
  test("a client that cannot be made, a close that throws or is missing, a driver that throws: each tenant has its line, the counts add up", async () => {
    const closeThrows = (client: VibormClient) =>
      Object.assign(client, {
        $close: () => {
          throw new Error("close failed");
        },
      });
    const noClose = (client: VibormClient) => Object.assign(client, { $close: undefined }) as unknown as VibormClient;
    const list: Tenant[] = [
      tenant("ok0"),
      {
        id: "throws-string",
        client: () => {
          throw "no credentials";
        },
      },
      { id: "rejects", client: () => Promise.reject(new Error("vault unreachable")) },
      tenant("close-throws", closeThrows),
      tenant("no-close", noClose),
      {
        id: "driver-throws",
        client: () => {
          const client = createClient({ schema: SCHEMA_V3, filename: file("driver-throws") });
          client.$driver.query = () => {
            throw new Error("socket closed");
          };
          return client;
        },
      },
      {
        id: "throws-odd",
        client: () => {
          const client = createClient({ schema: SCHEMA_V3, filename: file("throws-odd") });
          client.$driver.query = () => {
            // Neither an Error nor anything String() can turn into text.
            throw Object.create(null);
          };
          return client;
        },
      },
      tenant("ok7"),
    ];
    for (const concurrency of [1, 4]) {
      const report = await createFleet({ tenants: list, storageDriver: storage, concurrency }).apply();
      expectComplete(
        report,
        list.map((t) => t.id),
      );
      expect(report.tenants.map((t) => t.state)).toEqual([
        concurrency === 1 ? "applied" : "up-to-date",
        "failed",
        "failed",
        concurrency === 1 ? "applied" : "up-to-date",
        concurrency === 1 ? "applied" : "up-to-date",
        "failed",
        "failed",
        concurrency === 1 ? "applied" : "up-to-date",
      ]);
      expect(report.tenants[1]!.error).toMatchObject({ code: "INVALID_ARGUMENT" });
      expect(report.tenants[1]!.error!.message).toMatch(/throws-string.*no credentials/);
      expect(report.tenants[5]!.error!.message).toMatch(/socket closed/);
      expect(report.tenants[6]!.error).toMatchObject({ code: "UNKNOWN_ERROR", message: "[object Object]" });
    }
    for (const id of ["ok0", "close-throws", "no-close", "ok7"]) expect(tracked(id)).toEqual(ids);
  });
});
