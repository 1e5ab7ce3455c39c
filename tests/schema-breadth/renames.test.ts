/**
 * A renamed column inside a CHECK or a partial index's predicate: every server rewrites the stored
 * text, so the plan is the rename alone (no constraint dropped and re-made, no index rebuilt), the
 * next push and generate plan nothing, and the down migration renames back.
 */

import { createStorage } from "unstorage";
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "../migrate/helpers.js";

function ledger(column: "amount" | "total", partial: boolean) {
  const fields = { id: s.int().id(), [column]: s.int(), note: s.string().nullable() } as {
    id: ReturnType<typeof s.int>;
    amount: ReturnType<typeof s.int>;
    note: ReturnType<typeof s.string>;
  };
  const model = s.model(fields).check("ledger_positive", `${column} >= 0 AND note <> 'amount'`);
  return { ledger: partial ? model.index(["note"], { where: `${column} > 100` }) : model };
}

const rename = (change: { type: string }) => (change.type === "ambiguous" ? "rename" : "reject");

describe.each(DRIVERS)("a column renamed inside checks and predicates on $name", (driver) => {
  const db = useFreshDatabase(driver);
  // MySQL has no partial indexes.
  const partial = driver.dialect !== "mysql";

  test("push renames alone, keeps the rows, and plans nothing after", async () => {
    const before = db.client(ledger("amount", partial));
    await createMigrationClient(before).push();
    await before.$executeRaw(`INSERT INTO ledger (id, amount, note) VALUES (1, 150, 'x')`);

    const after = db.client(ledger("total", partial));
    const migrations = createMigrationClient(after);
    const result = await migrations.push({ resolve: rename });
    expect(result.operations.map((operation) => operation.kind)).toEqual(["renameColumn"]);
    expect((await migrations.push()).operations).toEqual([]);
    expect(await after.$queryRaw(`SELECT id, total FROM ledger`)).toEqual([{ id: 1, total: 150 }]);
    await expect(after.$executeRaw(`INSERT INTO ledger (id, total) VALUES (2, -1)`)).rejects.toThrow();
  });

  test("generate writes the rename alone; apply, generate again and rollback agree", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const now = clock("2026-12-03T22:00:00Z");
    const first = createMigrationClient(db.client(ledger("amount", partial)), { storageDriver, now });
    await first.generate({ name: "init" });
    await first.apply();

    const second = createMigrationClient(db.client(ledger("total", partial)), { storageDriver, now });
    const generated = await second.generate({ name: "rename", resolve: rename });
    expect(generated.up.filter((sql) => !/^COMMENT ON/.test(sql))).toHaveLength(1);
    expect(generated.up[0]).toMatch(/RENAME COLUMN/i);
    await second.apply();
    expect((await second.generate()).migration).toBeNull();
    expect((await second.push({ dryRun: true })).operations).toEqual([]);
    expect((await second.check()).problems).toEqual([]);

    await second.rollback();
    expect((await first.push({ dryRun: true })).operations).toEqual([]);
  });
});
