/**
 * A first deploy with many pending migrations must not pass D1's per-invocation query limit: apply
 * stops between migrations at the budget (the binding's default is D1 Free's 50), reports it, and
 * the next run goes on — counted on a real D1 binding.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createClient, D1_FREE_QUERIES_PER_INVOCATION } from "viborm/d1";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { beforeEach, describe, expect, test } from "vitest";
import { clock } from "../../migrate/helpers.js";
import { countingBinding, emptyD1, sharedD1 } from "../fixtures/d1.js";

/** `count` migrations, the i-th adding table t<i>. */
async function manyMigrations(count: number): Promise<MigrationStorageDriver> {
  const storageDriver = createUnstorageDriver(createStorage());
  const now = clock("2026-01-01T00:00:00Z");
  const offline = (await sharedD1()).binding;
  for (let i = 1; i <= count; i++) {
    const schema = Object.fromEntries(
      Array.from({ length: i }, (_, k) => [`t${k + 1}`, s.model({ id: s.int().id() })]),
    );
    await createMigrationClient(createClient({ schema, database: offline }), { storageDriver, now }).generate({
      name: `add-t${i}`,
    });
  }
  return storageDriver;
}

describe("apply within a query budget on D1", () => {
  beforeEach(async () => {
    await emptyD1((await sharedD1()).binding);
  });

  test("stops at the budget between migrations, says so, and the next run continues", async () => {
    const storageDriver = await manyMigrations(6);
    const { binding } = await sharedD1();
    const runs: { applied: number; pending: number; trips: number; stopped: boolean }[] = [];
    for (let run = 0; run < 4; run++) {
      const { database, calls } = countingBinding(binding);
      const migrations = createMigrationClient(createClient({ schema: {}, database }), {
        storageDriver,
        queryBudget: 3,
      });
      const result = await migrations.apply();
      runs.push({
        applied: result.applied.length,
        pending: result.pending.length,
        trips: calls.roundTrips,
        stopped: result.stoppedAtBudget !== undefined,
      });
      expect(calls.roundTrips).toBeLessThanOrEqual(3);
      if (result.stoppedAtBudget) expect(result.stoppedAtBudget).toEqual({ used: calls.roundTrips, budget: 3 });
      if (result.pending.length === 0) break;
    }
    // Each run reads the tracking table once, then has room for two migrations of one batch each.
    expect(runs.map((r) => [r.applied, r.pending, r.stopped])).toEqual([
      [2, 4, true],
      [2, 2, true],
      [2, 0, false],
    ]);
    const status = await createMigrationClient(createClient({ schema: {}, database: binding }), {
      storageDriver,
    }).status();
    expect(status.every((m) => m.state === "applied")).toBe(true);
  });

  test("the binding's default budget is D1 Free's 50 queries per invocation", async () => {
    const storageDriver = await manyMigrations(55);
    const { binding } = await sharedD1();
    const { database, calls } = countingBinding(binding);
    const result = await createMigrationClient(createClient({ schema: {}, database }), { storageDriver }).apply();
    expect(D1_FREE_QUERIES_PER_INVOCATION).toBe(50);
    expect(calls.roundTrips).toBeLessThanOrEqual(50);
    expect(result.stoppedAtBudget?.budget).toBe(50);
    expect(result.applied.length + result.pending.length).toBe(55);
    const rest = await createMigrationClient(createClient({ schema: {}, database: binding }), {
      storageDriver,
    }).apply();
    expect(rest.stoppedAtBudget).toBeUndefined();
    expect(rest.pending).toEqual([]);
  });

  test("a budget that is not a whole number of at least 1 is INVALID_ARGUMENT", async () => {
    const { binding } = await sharedD1();
    for (const queryBudget of [0, 2.5, -1, Number.NaN]) {
      const error = (() => {
        try {
          createMigrationClient(createClient({ schema: {}, database: binding }), { queryBudget });
        } catch (e) {
          return e;
        }
      })();
      expect(isVibormError(error, "INVALID_ARGUMENT"), String(queryBudget)).toBe(true);
    }
  });
});
