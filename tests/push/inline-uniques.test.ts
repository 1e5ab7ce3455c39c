/**
 * SQLite-family tables made by hand often declare their uniques inside the table (`email TEXT
 * UNIQUE`, `UNIQUE (a, b)`). SQLite backs those with an index it will not drop, so removing one
 * rebuilds the table — by push, by a migration and by a migration read from hand-written SQL — with
 * every row kept and the other uniques still enforced.
 */
import { createStorage } from "unstorage";
import { type Schema, s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";

const HAND_MADE = `CREATE TABLE "member" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "email" TEXT NOT NULL UNIQUE,
  "code" TEXT NOT NULL,
  "team" INTEGER NOT NULL,
  UNIQUE ("code", "team")
)`;

function schema(options: { email?: boolean } = {}) {
  const member = s
    .model({
      id: s.int().id(),
      email: options.email === false ? s.string() : s.string().unique(),
      code: s.string(),
      team: s.int(),
    })
    .unique(["code", "team"]);
  return { member };
}

describe.each(DRIVERS.filter((driver) => driver.dialect === "sqlite"))(
  "uniques declared in the table on $name",
  (driver) => {
    const db = useFreshDatabase(driver);
    const insert = (client: ReturnType<typeof db.client>, row: [number, string, string, number]) =>
      client.$executeRaw('INSERT INTO "member" ("id", "email", "code", "team") VALUES (?, ?, ?, ?)', row);
    const rows = async (client: ReturnType<typeof db.client>) =>
      client.$queryRaw('SELECT "id", "email" FROM "member" ORDER BY "id"');

    async function handMade<S extends Schema>(desired: S) {
      const client = db.client(desired);
      await client.$executeRaw(HAND_MADE);
      await insert(client, [1, "a@x", "c1", 1]);
      await insert(client, [2, "b@x", "c1", 2]);
      return client;
    }

    test("push plans nothing for them, and drops one by rebuilding the table", async () => {
      await handMade(schema());
      expect((await createMigrationClient(db.client(schema())).push({ dryRun: true })).operations).toEqual([]);

      const client = db.client(schema({ email: false }));
      const result = await createMigrationClient(client).push();
      expect(result.operations.map((op) => op.kind)).toEqual(["dropUnique"]);
      expect(await rows(client)).toEqual([
        { id: 1, email: "a@x" },
        { id: 2, email: "b@x" },
      ]);
      await insert(client, [3, "a@x", "c2", 1]); // the email may repeat now
      await expect(insert(client, [4, "d@x", "c1", 1])).rejects.toThrow(); // (code, team) still unique
      expect((await createMigrationClient(client).push({ dryRun: true })).operations).toEqual([]);
    });

    test("a migration drops one, and its rollback brings it back", async () => {
      await handMade(schema());
      const storageDriver = createUnstorageDriver(createStorage());
      await createMigrationClient(db.client(schema()), { storageDriver }).baseline({ name: "baseline" });
      const client = db.client(schema({ email: false }));
      const migrations = createMigrationClient(client, { storageDriver });
      await migrations.generate({ name: "email-may-repeat" });
      await migrations.apply();
      await insert(client, [3, "a@x", "c2", 1]);
      expect((await migrations.check()).problems).toEqual([]);

      await client.$executeRaw('DELETE FROM "member" WHERE "id" = 3');
      await migrations.rollback();
      await expect(insert(client, [3, "a@x", "c2", 1])).rejects.toThrow();
      expect(await rows(client)).toEqual([
        { id: 1, email: "a@x" },
        { id: 2, email: "b@x" },
      ]);
      expect((await migrations.check()).problems.map((problem) => problem.code)).toEqual(["PENDING"]);
    });

    test("a table written by hand in up.sql: the next migration rebuilds it to drop the unique", async () => {
      const storageDriver = createUnstorageDriver(createStorage());
      const at = (iso: string) => () => new Date(iso);
      const init = await createMigrationClient(db.client(schema()), {
        storageDriver,
        now: at("2026-01-01T00:00:00Z"),
      }).generate({ name: "init" });
      await storageDriver.put(`${init.migration!.id}/up.sql`, `${HAND_MADE};\n`);
      const client = db.client(schema({ email: false }));
      const migrations = createMigrationClient(client, { storageDriver, now: at("2026-01-02T00:00:00Z") });
      const next = await migrations.generate({ name: "email-may-repeat" });
      expect(await storageDriver.get(`${next.migration!.id}/up.sql`)).not.toMatch(/DROP INDEX/);
      await migrations.apply();
      await insert(client, [1, "a@x", "c1", 1]);
      await insert(client, [2, "a@x", "c2", 1]);
      await expect(insert(client, [3, "b@x", "c1", 1])).rejects.toThrow();
      expect((await migrations.check()).problems).toEqual([]);
    });
  },
);
