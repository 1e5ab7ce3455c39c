/**
 * The migration commands one at a time (`applyMigrations`, `migrationStatus`, `rollbackMigrations`),
 * which a cron Worker imports instead of the whole client to keep its bundle small, do what the
 * client's methods do — on a real D1 binding.
 */
import { createStorage } from "unstorage";
import { s } from "viborm";
import { createClient } from "viborm/d1";
import {
  applyMigrations,
  createMigrationClient,
  type MigrationStorageDriver,
  migrationStatus,
  rollbackMigrations,
} from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { beforeEach, describe, expect, test } from "vitest";
import { clock } from "../../migrate/helpers.js";
import { countingBinding, emptyD1, sharedD1 } from "../fixtures/d1.js";

const V1 = { user: s.model({ id: s.int().id(), email: s.string() }).map("users") };
const V2 = { ...V1, post: s.model({ id: s.int().id(), title: s.string() }).map("posts") };

async function twoMigrations(): Promise<MigrationStorageDriver> {
  const storageDriver = createUnstorageDriver(createStorage());
  const now = clock("2026-01-01T00:00:00Z");
  const { binding } = await sharedD1();
  for (const [schema, name] of [
    [V1, "users"],
    [V2, "posts"],
  ] as const) {
    await createMigrationClient(createClient({ schema, database: binding }), { storageDriver, now }).generate({ name });
  }
  return storageDriver;
}

async function tables(): Promise<string[]> {
  const { binding } = await sharedD1();
  const { results } = await binding
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'posts') ORDER BY name")
    .all();
  return (results as { name: string }[]).map((row) => row.name);
}

describe("the migration commands one at a time, on D1", () => {
  beforeEach(async () => {
    await emptyD1((await sharedD1()).binding);
  });

  test("apply, status and rollback match the client's methods", async () => {
    const storageDriver = await twoMigrations();
    const { binding } = await sharedD1();
    const client = createClient({ schema: V2, database: binding });
    const options = { storageDriver, now: clock("2026-02-01T00:00:00Z") };

    expect((await migrationStatus(client, options)).map((row) => row.state)).toEqual(["pending", "pending"]);
    const dry = await applyMigrations(client, options, { dryRun: true });
    expect([dry.applied.length, dry.pending.length]).toEqual([0, 2]);
    expect(await tables()).toEqual([]);

    const first = await applyMigrations(client, options, { to: "users" });
    expect([first.applied.map((m) => m.name), first.pending.map((m) => m.name)]).toEqual([["users"], ["posts"]]);
    const rest = await applyMigrations(client, options);
    expect([rest.applied.map((m) => m.name), rest.pending]).toEqual([["posts"], []]);
    expect(await tables()).toEqual(["posts", "users"]);
    expect(await migrationStatus(client, options)).toEqual(await createMigrationClient(client, options).status());
    expect((await migrationStatus(client, options)).map((row) => row.state)).toEqual(["applied", "applied"]);

    const { rolledBack } = await rollbackMigrations(client, options, { steps: 1 });
    expect(rolledBack.map((m) => m.name)).toEqual(["posts"]);
    expect(await tables()).toEqual(["users"]);
    expect((await migrationStatus(client, options)).map((row) => row.state)).toEqual(["applied", "pending"]);
  });

  test("applyMigrations keeps the binding's query budget and says where it stopped", async () => {
    const storageDriver = await twoMigrations();
    const { database, calls } = countingBinding((await sharedD1()).binding);
    const result = await applyMigrations(createClient({ schema: V2, database }), { storageDriver, queryBudget: 2 });
    expect(calls.roundTrips).toBeLessThanOrEqual(2);
    expect([result.applied.length, result.pending.length]).toEqual([1, 1]);
    expect(result.stoppedAtBudget).toEqual({ used: calls.roundTrips, budget: 2 });
  });
});
