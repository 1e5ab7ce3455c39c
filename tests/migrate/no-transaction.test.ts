/**
 * A migration that declares `-- viborm:no-transaction` runs outside a transaction, so statements
 * PostgreSQL refuses inside one (CREATE INDEX CONCURRENTLY) work; a normal migration would fail.
 */

import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { indexes } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "./helpers.js";

const schema = { thing: s.model({ id: s.int().id(), label: s.string() }) };
const PG = DRIVERS.filter((driver) => driver.name === "pg" || driver.name === "neon-http");

if (PG.length === 0) test.skip("no PostgreSQL driver selected (VIBORM_DRIVERS)", () => undefined);

describe.each(PG)("non-transactional migrations on $name", (driver) => {
  const db = useFreshDatabase(driver);

  test("CREATE INDEX CONCURRENTLY runs under the directive and fails without it", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const migrations = createMigrationClient(db.client(schema), { storageDriver, now: clock("2026-01-01T00:00:00Z") });
    await migrations.generate({ name: "init" });
    await migrations.apply();

    const plain = "20260102000000_plain-concurrent";
    await storageDriver.put(`${plain}/up.sql`, 'CREATE INDEX CONCURRENTLY "thing_label_idx" ON "thing" ("label");\n');
    await storageDriver.put(
      `${plain}/down.sql`,
      '-- viborm:no-transaction\nDROP INDEX CONCURRENTLY "thing_label_idx";\n',
    );
    await storageDriver.put(
      `${plain}/migration.json`,
      JSON.stringify({
        version: 1,
        id: plain,
        name: "plain-concurrent",
        dialect: "postgres",
        parents: [],
        operations: [],
      }),
    );
    const error = await migrations.apply().catch((e: unknown) => e);
    expect(isVibormError(error, "MIGRATION_FAILED")).toBe(true);

    await storageDriver.put(
      `${plain}/up.sql`,
      '-- Migration 20260102000000_plain-concurrent\n-- viborm:no-transaction\nCREATE INDEX CONCURRENTLY "thing_label_idx" ON "thing" ("label");\n',
    );
    expect((await migrations.apply()).applied.map((m) => ({ name: m.name, transactional: m.transactional }))).toEqual([
      { name: "plain-concurrent", transactional: false },
    ]);
    expect(await indexes(db.client(schema), "postgres", "thing")).toEqual(["thing_label_idx"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied"]);
    expect((await migrations.rollback()).rolledBack.map((m) => m.name)).toEqual(["plain-concurrent"]);
    expect(await indexes(db.client(schema), "postgres", "thing")).toEqual([]);
  });
});
