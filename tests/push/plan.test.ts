/**
 * Push plans as values, on every driver: a dry run returns a plain-JSON plan, `push({ plan })` runs
 * exactly it, or nothing and `PLAN_STALE` when the database changed in between; a malformed, foreign
 * or edited plan is a typed error. Data-loss decisions carry row and value counts, read in one
 * round trip only when there is something to count.
 */
import { isVibormError, s, type VibormClient } from "viborm";
import { type Change, createMigrationClient, type PushPlan } from "viborm/migrations";
import { describe, expect, test } from "vitest";
import { columns, count, tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";

const V1 = { item: s.model({ id: s.int().id(), name: s.string().nullable(), qty: s.int() }) };
const V2 = {
  item: s.model({ id: s.int().id(), name: s.string().nullable(), qty: s.int(), note: s.string().nullable() }),
};
const NO_NAME = { item: s.model({ id: s.int().id(), qty: s.int() }) };
const WITH_SIZE = { item: s.model({ id: s.int().id(), name: s.string().nullable(), qty: s.int(), size: s.int() }) };

describe.each(DRIVERS)("push plans on $name", (driver) => {
  const db = useFreshDatabase(driver);
  const q = (name: string) => (driver.dialect === "mysql" ? `\`${name}\`` : `"${name}"`);

  async function seeded(rows: [number, string | null, number][]): Promise<void> {
    const client = db.client(V1);
    await createMigrationClient(client).push();
    for (const row of rows) await client.$executeRaw(insert("item", ["id", "name", "qty"]), row);
  }
  const insert = (table: string, cols: string[]) => {
    const params = cols.map((_, i) => (driver.dialect === "postgres" ? `$${i + 1}` : "?"));
    return `INSERT INTO ${q(table)} (${cols.map(q).join(", ")}) VALUES (${params.join(", ")})`;
  };

  test("a dry run's plan is plain JSON, and push({ plan }) runs exactly its statements", async () => {
    await seeded([[1, "a", 10]]);
    const migrations = createMigrationClient(db.client(V2));
    const preview = await migrations.push({ dryRun: true });
    expect(preview.applied).toBe(false);
    expect(preview.plan.statements).toEqual(preview.statements);
    const stored: PushPlan = JSON.parse(JSON.stringify(preview.plan));
    const checked = await migrations.push({ plan: stored, dryRun: true });
    expect(checked).toMatchObject({ applied: false, statements: preview.statements });
    expect((await columns(db.client(V2), driver.dialect, "item")).map((c) => c.name)).not.toContain("note");
    const result = await migrations.push({ plan: stored });
    expect(result).toMatchObject({ applied: true, statements: preview.statements, operations: preview.operations });
    expect((await columns(db.client(V2), driver.dialect, "item")).map((c) => c.name)).toContain("note");
    expect((await migrations.push()).statements).toEqual([]);
  });

  test("a database changed since the plan runs nothing and throws PLAN_STALE naming what changed", async () => {
    await seeded([[1, "a", 10]]);
    const migrations = createMigrationClient(db.client(V2));
    const { plan } = await migrations.push({ dryRun: true });
    const teammate = db.client(V1);
    await teammate.$executeRaw(`CREATE TABLE ${q("audit")} (${q("id")} INTEGER PRIMARY KEY)`);
    await teammate.$executeRaw(`ALTER TABLE ${q("item")} ADD COLUMN ${q("extra")} INTEGER`);
    const error = await migrations.push({ plan }).catch((e: unknown) => e);
    expect(isVibormError(error, "PLAN_STALE"), String(error)).toBe(true);
    expect((error as { meta: unknown }).meta).toMatchObject({
      tables: { added: ["audit"], removed: [], altered: ["item"] },
      data: [],
    });
    const names = (await columns(teammate, driver.dialect, "item")).map((c) => c.name);
    expect(names).not.toContain("note");
    expect(await tables(teammate, driver.dialect)).toEqual(["audit", "item"]);
  });

  test("data-loss decisions carry rows and values, counted in one round trip; a no-op push is one", async () => {
    await seeded([
      [1, "a", 10],
      [2, null, 20],
      [3, "c", 30],
    ]);
    const counted = countingClient(db.client(NO_NAME));
    const asked: Change[] = [];
    const preview = await createMigrationClient(counted.client).push({
      dryRun: true,
      resolve: (change) => {
        asked.push(change);
        return "proceed";
      },
    });
    expect(asked).toEqual([expect.objectContaining({ kind: "dropColumn", column: "name", rows: 3, values: 2 })]);
    expect(preview.changes).toEqual(asked);
    expect(preview.plan.decisions).toEqual([{ change: asked[0], decision: "proceed", by: "resolve" }]);
    expect(counted.roundTrips()).toBe(2);

    const noop = countingClient(db.client(V1));
    expect((await createMigrationClient(noop.client).push()).statements).toEqual([]);
    expect(noop.roundTrips()).toBe(1);
  });

  test("a narrowed column that becomes NOT NULL carries its rows and non-null values", async () => {
    await seeded([
      [1, "a", 10],
      [2, null, 20],
      [3, "c", 30],
    ]);
    const narrowed = { item: s.model({ id: s.int().id(), name: s.int(), qty: s.int() }) };
    const { changes } = await createMigrationClient(db.client(narrowed)).push({ dryRun: true, force: true });
    expect(changes).toEqual([
      expect.objectContaining({ kind: "narrowType", column: "name", rows: 3, values: 2 }),
      expect.objectContaining({ kind: "setNotNull", column: "name", rows: 3, values: 2 }),
    ]);
  });

  test("facts are counted under the live names of a renamed table", async () => {
    await seeded([
      [1, "a", 10],
      [2, null, 20],
    ]);
    const renamed = { product: s.model({ id: s.int().id(), qty: s.int() }) };
    const asked: Change[] = [];
    await createMigrationClient(db.client(renamed)).push({
      dryRun: true,
      resolve: (change) => {
        asked.push(change);
        return change.type === "ambiguous" ? "rename" : "proceed";
      },
    });
    expect(asked).toEqual([
      expect.objectContaining({ kind: "renameTable", from: "item", to: "product" }),
      expect.objectContaining({ kind: "dropColumn", table: "product", column: "name", rows: 2, values: 1 }),
    ]);
  });

  test("a NOT NULL column without default is not destructive on an empty table; with rows it is, with the count", async () => {
    await seeded([]);
    const migrations = createMigrationClient(db.client(WITH_SIZE));
    const empty = await migrations.push({ dryRun: true });
    expect(empty.changes).toEqual([]);
    expect(empty.plan.fingerprint.empty).toEqual([{ table: "item" }]);

    // The plan relied on the table being empty: a row inserted since makes it stale.
    await db.client(V1).$executeRaw(insert("item", ["id", "name", "qty"]), [1, "a", 10]);
    const error = await migrations.push({ plan: empty.plan }).catch((e: unknown) => e);
    expect(isVibormError(error, "PLAN_STALE"), String(error)).toBe(true);
    expect((error as { meta: { data: unknown } }).meta.data).toEqual([{ table: "item", rows: 1 }]);
    expect((await columns(db.client(V1), driver.dialect, "item")).map((c) => c.name)).not.toContain("size");

    const rejected = await migrations.push().catch((e: unknown) => e);
    expect(isVibormError(rejected, "DESTRUCTIVE_REJECTED")).toBe(true);
    expect((rejected as { meta: { changes: unknown[] } }).meta.changes).toEqual([
      expect.objectContaining({ kind: "addNotNullColumn", table: "item", column: "size", rows: 1 }),
    ]);
  });

  test("a malformed, foreign or edited plan is INVALID_ARGUMENT and nothing runs", async () => {
    await seeded([[1, "a", 10]]);
    const migrations = createMigrationClient(db.client(NO_NAME));
    const { plan } = await migrations.push({ dryRun: true, force: true });
    const other = driver.dialect === "mysql" ? "postgres" : "mysql";
    const cases: [string, unknown][] = [
      ["not a plan", { statements: plan.statements }],
      ["version", { ...plan, version: 2 }],
      ["dialect", { ...plan, dialect: other }],
      ["edited", { ...plan, statements: plan.statements.map(() => `DROP TABLE ${q("item")}`) }],
      ["shape", { ...plan, operations: "drop everything" }],
    ];
    for (const [label, bad] of cases) {
      const error = await migrations.push({ plan: bad as PushPlan }).catch((e: unknown) => e);
      expect(isVibormError(error, "INVALID_ARGUMENT"), `${label}: ${String(error)}`).toBe(true);
      expect((error as { meta: { argument: string } }).meta.argument).toBe("plan");
    }
    const withResolve = await migrations.push({ plan, resolve: () => "proceed" }).catch((e: unknown) => e);
    expect(isVibormError(withResolve, "INVALID_ARGUMENT")).toBe(true);
    expect((await columns(db.client(V1), driver.dialect, "item")).map((c) => c.name)).toContain("name");
    expect(await count(db.client(V1), driver.dialect, "item")).toBe(1);

    const ran = await migrations.push({ plan });
    expect(ran.applied).toBe(true);
    expect((await columns(db.client(V1), driver.dialect, "item")).map((c) => c.name)).not.toContain("name");
  });
});

// internal

/** The client with its driver counting read round trips (the atomic unit that runs DDL is not counted). */
function countingClient<C extends VibormClient>(client: C): { client: C; roundTrips: () => number } {
  let roundTrips = 0;
  const driver = client.$driver;
  const wrapped = {
    ...driver,
    query: (sql: string, params?: unknown[]) => {
      roundTrips++;
      return driver.query(sql, params);
    },
    queryAll: (statements: Parameters<typeof driver.queryAll>[0]) => {
      roundTrips++;
      return driver.queryAll(statements);
    },
  };
  return { client: { ...client, $driver: wrapped }, roundTrips: () => roundTrips };
}
