/**
 * What rollback and reset destroy, through the public API on every driver: their dry runs list the
 * tables and columns dropped with the rows and values they hold, touch nothing, and the client
 * names its database without a secret.
 */

import { createStorage } from "unstorage";
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { count, tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const V1 = { item: s.model({ id: s.int().id(), qty: s.int() }) };
const V2 = {
  item: s.model({ id: s.int().id(), qty: s.int(), note: s.string().nullable() }),
  tag: s.model({ id: s.int().id(), label: s.string() }),
};

describe.each(DRIVERS)("rollback and reset previews on $name", (driver) => {
  const db = useFreshDatabase(driver);
  const q = (name: string) => (driver.dialect === "mysql" ? `\`${name}\`` : `"${name}"`);

  test("dry runs list what is dropped with its counts, and change nothing", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-01-02T03:04:00Z");
    await createMigrationClient(db.client(V1), { storageDriver, now }).generate({ name: "init" });
    const migrations = createMigrationClient(db.client(V2), { storageDriver, now });
    await migrations.generate({ name: "more" });
    await migrations.apply();
    const client = db.client(V2);
    await client.$executeRaw(`INSERT INTO ${q("item")} (${q("id")}, ${q("qty")}, ${q("note")}) VALUES (1, 1, 'a')`);
    await client.$executeRaw(`INSERT INTO ${q("item")} (${q("id")}, ${q("qty")}) VALUES (2, 2)`);
    await client.$executeRaw(`INSERT INTO ${q("tag")} (${q("id")}, ${q("label")}) VALUES (1, 'x')`);

    const rollback = await migrations.rollback({ dryRun: true });
    expect(rollback.changes).toEqual([
      expect.objectContaining({ kind: "dropColumn", table: "item", column: "note", rows: 2, values: 1 }),
      expect.objectContaining({ kind: "dropTable", table: "tag", rows: 1 }),
    ]);
    const reset = await migrations.reset({ dryRun: true });
    expect(reset.changes).toEqual([
      expect.objectContaining({ kind: "dropTable", table: "item", rows: 2 }),
      expect.objectContaining({ kind: "dropTable", table: "tag", rows: 1 }),
    ]);
    // MySQL keeps its compensation bookkeeping beside the tracking table.
    const user = (await tables(client, driver.dialect)).filter((name) => name !== "_viborm_progress");
    expect(user).toEqual(["_viborm_migrations", "item", "tag"]);
    expect(await count(client, driver.dialect, "item")).toBe(2);
  });

  test("the driver names its database, never a secret", () => {
    const target = db.client(V1).$driver.target;
    const text = JSON.stringify(target ?? {});
    expect(text).not.toMatch(/password|secret|token|postgres:|mysql:|@/i);
    // A D1 binding does not know its name; a PlanetScale URL names only the host (the user picks the branch).
    if (driver.name !== "d1") expect(target?.database ?? target?.host).toBeTruthy();
  });
});
