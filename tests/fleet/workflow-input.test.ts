/**
 * `viborm/fleet/workflow` given bad input: tenants, client and storage that are not what they say
 * are INVALID_ARGUMENT (or STORAGE_REQUIRED) naming the option when the Workflow is made, and a
 * tenants page with a repeated id fails the run before any tenant is touched. Runs are driven by a
 * step runner that calls each step once, in process, over real SQLite files.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isVibormError } from "viborm";
import { createFleetWorkflow, type WorkflowStepLike } from "viborm/fleet/workflow";
import type { MigrationStorageDriver } from "viborm/migrations";
import { createClient } from "viborm/sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateSet, memoryStorage, SCHEMA_V3 } from "./helpers.js";

let storage: MigrationStorageDriver;
let dir: string;

beforeAll(async () => {
  storage = memoryStorage();
  await generateSet((schema) => createClient({ schema, filename: ":memory:" }), storage);
  dir = mkdtempSync(join(tmpdir(), "viborm-workflow-input-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = (id: string) => join(dir, `${id}.db`);
const client = (id: string) => createClient({ schema: SCHEMA_V3, filename: file(id) });

/** Each step runs once, at once, as a Workflow with nothing to replay runs it. */
const step: WorkflowStepLike = {
  do: (_name, _config, callback) => callback({ attempt: 1, config: { retries: { limit: 0 } } }),
  sleep: async () => undefined,
};

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("createFleetWorkflow's options", () => {
  test.each([
    ["tenants", "an object", { tenants: { a: "t1" } }],
    ["tenants", "a string", { tenants: "t1" }],
    ["tenants", "missing", { tenants: undefined }],
    ["tenants", "an id that is not a string", { tenants: ["t1", 2] }],
    ["tenants", "an empty id", { tenants: ["t1", ""] }],
    ["tenants", "a repeated id", { tenants: ["t1", "t2", "t1"] }],
    ["client", "missing", { client: undefined }],
    ["client", "an object", { client: createClient({ schema: SCHEMA_V3, filename: ":memory:" }) }],
    ["storageDriver", "without its methods", { storageDriver: { get: async () => null } }],
  ])("%s given as %s is INVALID_ARGUMENT naming it", (argument, _, options) => {
    const error = caught(() =>
      createFleetWorkflow({ tenants: ["t1"], client, storageDriver: storage, ...options } as never),
    );
    expect(isVibormError(error, "INVALID_ARGUMENT"), String(error)).toBe(true);
    expect((error as { meta: { argument: string } }).meta.argument).toBe(argument);
  });

  test("without a storage driver it is STORAGE_REQUIRED", () => {
    const error = caught(() => createFleetWorkflow({ tenants: ["t1"], client } as never));
    expect(isVibormError(error, "STORAGE_REQUIRED"), String(error)).toBe(true);
  });
});

describe("a tenants page with a repeated id", () => {
  test("fails the run with INVALID_ARGUMENT naming the id; no tenant is touched", async () => {
    const workflow = createFleetWorkflow({
      tenants: () => ({ ids: ["w1", "w2", "w1"] }),
      client,
      storageDriver: storage,
    });
    const output = await workflow.run({ payload: {}, instanceId: "fleet-dup" }, step);
    expect(output.error).toMatchObject({ code: "INVALID_ARGUMENT", meta: { argument: "tenants", value: "w1" } });
    expect(output.report.tenants).toEqual([]);
    for (const id of ["w1", "w2"]) expect(existsSync(file(id))).toBe(false);
  });

  test("a page of good ids runs every tenant", async () => {
    const workflow = createFleetWorkflow({ tenants: () => ({ ids: ["w3", "w4"] }), client, storageDriver: storage });
    const output = await workflow.run({ payload: {}, instanceId: "fleet-ok" }, step);
    expect(output.error).toBeUndefined();
    expect(output.summary).toMatchObject({ applied: 2, failed: 0 });
  });
});
