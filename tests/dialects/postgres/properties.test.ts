/**
 * Properties of the PostgreSQL dialect over generated snapshots (the diff's fast-check generators,
 * made PostgreSQL-valid and widened by ../fixups.ts), on the real server and on PGlite: what the DDL
 * creates reads back as its normalised snapshot; the DDL of any planned change leads to the schema the
 * plan promises, after which a push plans nothing; and the down migration brings the first back.
 */
import { PGlite } from "@electric-sql/pglite";
import { citext } from "@electric-sql/pglite/contrib/citext";
import fc from "fast-check";
import type { Driver } from "viborm";
import { createPgDriver } from "viborm/pg";
import { createPgliteDriver } from "viborm/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { diff, invertOperations } from "../../../src/diff/index.js";
import type { Snapshot } from "../../../src/schema/snapshot.js";
import { arbEditedPair, arbSnapshot, sortColumns } from "../../diff/arbitraries.js";
import { createPgDatabase, requireDatabase } from "../../helpers/databases.js";
import { forDialect, keyedForeignKeys } from "../fixups.js";
import { dialect, introspect, plan, runAtomic } from "./harness.js";

const RUNS = { numRuns: Number(process.env.VIBORM_PROPERTY_RUNS ?? 25) };

const arbPgSnapshot = fc.tuple(arbSnapshot, fc.nat()).map(([s, seed]) => forDialect("postgres", s, seed));
const arbPgEditedPair = fc.tuple(arbEditedPair, fc.nat(), fc.nat()).map(([pair, left, right]) => ({
  ...pair,
  a: forDialect("postgres", pair.a, left),
  b: forDialect("postgres", pair.b, right),
}));

interface Target {
  name: string;
  available(): Promise<boolean>;
  open(): Promise<{ driver: Driver; close(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: "pg",
    available: () => requireDatabase("postgres", "PostgreSQL property tests"),
    async open() {
      const database = await createPgDatabase("viborm_pgprops");
      const driver = createPgDriver({ databaseUrl: database.url });
      return {
        driver,
        async close() {
          await driver.close();
          await database.drop();
        },
      };
    },
  },
  {
    name: "pglite",
    available: async () => true,
    async open() {
      const pglite = await PGlite.create({ extensions: { citext } });
      return { driver: createPgliteDriver({ client: pglite }), close: () => pglite.close() };
    },
  },
];

/** An empty `public` schema: each run starts from nothing (an extension there goes with it). */
async function reset(driver: Driver): Promise<void> {
  await driver.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
}

/** Extensions are never dropped (a down migration keeps them): compared without. */
function withoutExtensions({ extensions: _extensions, ...snapshot }: Snapshot): Snapshot {
  return snapshot;
}

/**
 * A partial index or check names columns in SQL text; a renamed column leaves the generator's old
 * text naming a column that no longer exists, which no database can hold.
 */
function renamesUnderSql(renames: { kind: string }[], b: Snapshot): boolean {
  return (
    renames.some((r) => r.kind === "column") &&
    b.tables.some((t) => t.indexes.some((i) => i.where) || (t.checks ?? []).length > 0)
  );
}

describe.each(TARGETS)("PostgreSQL dialect properties over generated snapshots ($name)", (target) => {
  let open: Awaited<ReturnType<Target["open"]>> | undefined;
  let available = false;
  beforeAll(async () => {
    available = await target.available();
    if (available) open = await target.open();
  }, 30_000);
  afterAll(async () => {
    await open?.close();
  });

  test("normalize(read(database after the DDL for s)) equals normalize(s)", async (context) => {
    if (!available) context.skip();
    const { driver } = open!;
    await fc.assert(
      fc.asyncProperty(arbPgSnapshot, async (generated) => {
        fc.pre(keyedForeignKeys(generated));
        const wanted = dialect.normalize(generated);
        await reset(driver);
        await create(driver, wanted);
        expect(await introspect(driver)).toEqual(wanted);
      }),
      RUNS,
    );
  }, 60_000);

  test("diff(a, b) turns a into b, a second diff plans nothing, and the down DDL brings a back", async (context) => {
    if (!available) context.skip();
    const { driver } = open!;
    await fc.assert(
      fc.asyncProperty(arbPgEditedPair, async ({ a, b, renames }) => {
        fc.pre(!renamesUnderSql(renames, b));
        fc.pre(keyedForeignKeys(a) && keyedForeignKeys(b));
        const from = dialect.normalize(a);
        const to = dialect.normalize(b);
        await reset(driver);
        await create(driver, from);
        const start = await introspect(driver);
        expect(start).toEqual(from);

        const operations = diff(start, to, { renames }).operations;
        const up = plan(start, operations);
        await runAtomic(driver, up.statements);
        const live = await introspect(driver);
        expect(live).toEqual(up.after);
        expect(diff(live, to).operations).toEqual([]);

        // What generate writes as down.sql: the inverted operations, planned from the state after up.
        // A column added back by the down comes last, where ADD COLUMN puts it: order aside, a is back.
        const down = plan(up.after, invertOperations(operations));
        await runAtomic(driver, down.statements);
        const back = await introspect(driver);
        expect(sortColumns(withoutExtensions(back))).toEqual(sortColumns(withoutExtensions(from)));
        expect(diff(back, from).operations).toEqual([]);
      }),
      RUNS,
    );
  }, 60_000);
});

/** Pushes `snapshot` onto the empty schema: the diff from nothing, extensions first. */
async function create(driver: Driver, snapshot: Snapshot): Promise<void> {
  const empty: Snapshot = { version: snapshot.version, tables: [], enums: [] };
  await runAtomic(driver, plan(empty, diff(empty, snapshot).operations).statements);
}
