/**
 * CHECK constraints as users write them, on every driver: servers store them rewritten
 * (PostgreSQL expands BETWEEN and IN and parenthesises everything, MariaDB pushes NOT inwards and
 * writes LENGTH as OCTET_LENGTH), and none of that may read as a change — not on a second push,
 * not for a table made by hand, not for a check added by hand to a migration. A check that did
 * change is still planned.
 */
import { createStorage } from "unstorage";
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";

/** Checks every dialect accepts, written the way people write them. */
const CHECKS: [string, string][] = [
  ["range", "x BETWEEN 1 AND 10"],
  ["outside", "y NOT BETWEEN 100 AND 200"],
  ["listed", "s IN ('a', 'b', 'c')"],
  ["unlisted", "x NOT IN (4, 5)"],
  ["negated", "NOT (x = 7)"],
  ["grouped", "x > 0 AND y > 0 OR y IS NULL"],
  ["named", "length(s) > 0 AND lower(s) = s"],
  ["pattern", "s LIKE '_%'"],
  ["arith", "x + y * 2 > -5"],
  ["branch", "CASE WHEN x > 5 THEN y IS NOT NULL ELSE true END"],
];

function schema(checks: [string, string][] = CHECKS) {
  let item = s.model({
    id: s.int().id(),
    x: s.int(),
    y: s.int().nullable(),
    s: s.string().varchar(20),
  });
  for (const [name, expression] of checks) item = item.check(name, expression);
  return { item };
}

describe.each(DRIVERS)("CHECK expressions on $name", (driver) => {
  const db = useFreshDatabase(driver);
  const q = (name: string) => (driver.dialect === "mysql" ? `\`${name}\`` : `"${name}"`);

  test("a second push plans nothing, and a changed check is planned", async () => {
    await createMigrationClient(db.client(schema())).push();
    expect((await createMigrationClient(db.client(schema())).push({ dryRun: true })).operations).toEqual([]);

    const changed = CHECKS.map(([name, expression]): [string, string] =>
      name === "range" ? [name, "x BETWEEN 1 AND 20"] : [name, expression],
    );
    const plan = await createMigrationClient(db.client(schema(changed))).push({ dryRun: true });
    expect(plan.operations.map((op) => `${op.kind} ${"check" in op ? op.check.name : ""}`)).toEqual([
      "dropCheck range",
      "addCheck range",
    ]);
  });

  test("a table made by hand, its checks spelled otherwise than the schema's: push plans nothing", async () => {
    const client = db.client(schema());
    const varchar = driver.dialect === "sqlite" ? "TEXT" : "VARCHAR(20)";
    await client.$executeRaw(
      `CREATE TABLE ${q("item")} (${q("id")} INTEGER NOT NULL PRIMARY KEY, ${q("x")} INTEGER NOT NULL, ` +
        `${q("y")} INTEGER, ${q("s")} ${varchar} NOT NULL, ` +
        CHECKS.map(([name, expression]) => `CONSTRAINT ${q(name)} CHECK (${expression})`).join(", ") +
        ")",
    );
    await client.$executeRaw(`INSERT INTO ${q("item")} (${q("id")}, ${q("x")}, ${q("s")}) VALUES (1, 3, 'a')`);
    // The same constraints in the spelling a server stores them in.
    const respelled = schema([
      ["range", "(x >= 1) AND (x <= 10)"],
      ["outside", "(y < 100) OR (y > 200)"],
      ["listed", "s = 'a' OR s = 'b' OR s = 'c'"],
      ["unlisted", "x <> 4 AND x <> 5"],
      ["negated", "x <> 7"],
      ["grouped", "((x > 0) AND (y > 0)) OR (y IS NULL)"],
      ["named", "(length(s) > 0) AND (lower(s) = s)"],
      ["pattern", "(s LIKE '_%')"],
      ["arith", "((x + (y * 2)) > (-5))"],
      ["branch", "CASE WHEN (x > 5) THEN (y IS NOT NULL) ELSE true END"],
    ]);
    for (const desired of [schema(), respelled]) {
      const plan = await createMigrationClient(db.client(desired)).push({ dryRun: true });
      expect(plan.operations).toEqual([]);
    }
    expect(await client.$queryRaw(`SELECT ${q("x")} FROM ${q("item")}`)).toEqual([{ x: 3 }]);
  });

  test("a check added by hand to up.sql is what the database has: check() finds no drift", async () => {
    const storageDriver = createUnstorageDriver(createStorage());
    const bare = createMigrationClient(db.client(schema([])), { storageDriver });
    const { migration } = await bare.generate({ name: "init" });
    const id = migration!.id;
    const up = (await storageDriver.get(`${id}/up.sql`))!;
    const added = CHECKS.map(
      ([name, expression]) => `ALTER TABLE ${q("item")} ADD CONSTRAINT ${q(name)} CHECK (${expression});`,
    );
    if (driver.dialect === "sqlite") {
      // SQLite adds no constraint to an existing table: the hand-written table carries them.
      const created = up.replace(
        /\)\s*;?\s*$/,
        `, ${CHECKS.map(([n, e]) => `CONSTRAINT ${q(n)} CHECK (${e})`).join(", ")});`,
      );
      await storageDriver.put(`${id}/up.sql`, created);
    } else await storageDriver.put(`${id}/up.sql`, `${up.trimEnd()}\n${added.join("\n")}\n`);

    const migrations = createMigrationClient(db.client(schema()), { storageDriver });
    await migrations.apply();
    const report = await migrations.check();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect((await migrations.push({ dryRun: true })).operations).toEqual([]);
    expect((await migrations.generate({ name: "again" })).migration).toBeNull();
  });
});
