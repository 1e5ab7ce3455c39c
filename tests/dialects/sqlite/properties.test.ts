/**
 * Properties of the SQLite dialect over generated snapshots (the diff's fast-check generators),
 * on real in-memory databases: what the DDL creates reads back as its normalised snapshot, and the
 * DDL of any planned change leads to the schema the plan promises, after which a push plans nothing.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diff } from "../../../src/diff/index.js";
import type { Snapshot, Table } from "../../../src/schema/snapshot.js";
import { arbEditedPair, arbSnapshot } from "../../diff/arbitraries.js";
import { canonicalFragments } from "../parse-harness.js";
import { create, dialect, execute, freshDriver, introspect, plan } from "./helpers.js";

const RUNS = { numRuns: Number(process.env.VIBORM_PROPERTY_RUNS ?? 60) };

/**
 * The snapshot without what SQLite refuses outright (UNSUPPORTED_OPERATION): an auto-increment
 * column that is not the table's lone integer primary key.
 */
function expressible(snapshot: Snapshot): Snapshot {
  return {
    ...snapshot,
    tables: snapshot.tables.map((table) => {
      const key = table.primaryKey?.columns ?? [];
      return {
        ...table,
        columns: table.columns.map((column, _, all) => {
          const alone = key.length === 1 && key[0] === column.name && all.filter((c) => c.autoIncrement).length === 1;
          return column.autoIncrement && !(alone && !column.array) ? { ...column, autoIncrement: false } : column;
        }),
      };
    }),
  };
}

/** Index and unique names are one namespace per SQLite database; the generator may repeat one across tables. */
function distinctIndexNames(snapshot: Snapshot): boolean {
  const names = snapshot.tables.flatMap((t) => [...t.uniques, ...t.indexes].map((item) => item.name));
  return new Set(names).size === names.length;
}

/**
 * Every foreign key references a primary key or unique of its target: SQLite accepts others at
 * CREATE TABLE but refuses any row change on them ("foreign key mismatch"); the generator's edits
 * can leave one behind.
 */
function keyedForeignKeys(snapshot: Snapshot): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((c) => y.includes(c));
  return snapshot.tables.every((t) =>
    t.foreignKeys.every((fk) => {
      const target = snapshot.tables.find((candidate) => candidate.name === fk.referencedTable);
      const keys = [
        ...(target?.primaryKey ? [target.primaryKey.columns] : []),
        ...(target?.uniques ?? []).map((u) => u.columns),
      ];
      return keys.some((key) => same(key, fk.referencedColumns));
    }),
  );
}

/**
 * The snapshot with schema-breadth features the shared generators do not make, chosen by `seed`:
 * CHECKs naming a column, descending index columns, native types, lengths and precision (the last
 * two kept in the snapshot only). Two seeds on the two sides of an edited pair add, drop and change them.
 */
function widen(snapshot: Snapshot, seed: number): Snapshot {
  const pick = (i: number, n: number) => ((seed >> (i % 24)) + i) % n === 0;
  return {
    ...snapshot,
    tables: snapshot.tables.map((table, t) => {
      const first = table.columns[0];
      const widened: Table = {
        ...table,
        columns: table.columns.map((column, c) => {
          if (column.type.kind === "string" && !column.array && pick(t * 7 + c, 3))
            return { ...column, type: { kind: "string", length: 191 }, nativeType: { sqlite: "CITEXT" } };
          if (column.type.kind === "dateTime" && pick(t * 5 + c, 2))
            return { ...column, type: { kind: "dateTime", withTimezone: false, precision: 0 } };
          return column;
        }),
        indexes: table.indexes.map((index, i) => {
          const last = index.columns[index.columns.length - 1];
          return last && !last.includes("(") && pick(t * 3 + i, 2)
            ? { ...index, columnOptions: { [last]: { order: "desc" as const } } }
            : index;
        }),
      };
      if (first && pick(t, 2)) {
        const column = `"${first.name.replaceAll('"', '""')}"`;
        const expression = pick(t + 1, 2) ? `${column} IS NOT NULL OR 1` : `typeof(${column}) <> 'x'`;
        widened.checks = [{ name: `${table.name}_ok`, expression }];
      }
      return widened;
    }),
  };
}

const arbWideSnapshot = fc.tuple(arbSnapshot, fc.nat()).map(([snapshot, seed]) => widen(snapshot, seed));
const arbWideEditedPair = fc
  .tuple(arbEditedPair, fc.nat(), fc.nat())
  .map(([pair, left, right]) => ({ ...pair, a: widen(pair.a, left), b: widen(pair.b, right) }));

/** A database could hold it: distinct index names, foreign keys to keys. */
function valid(snapshot: Snapshot): boolean {
  return distinctIndexNames(snapshot) && keyedForeignKeys(snapshot);
}

describe("SQLite dialect properties over generated snapshots", () => {
  test("normalize(read(database after the DDL for s)) equals normalize(s)", async () => {
    await fc.assert(
      fc.asyncProperty(arbWideSnapshot, async (generated) => {
        fc.pre(valid(generated));
        const target = dialect.normalize(expressible(generated));
        const driver = freshDriver();
        try {
          await create(driver, target);
          expect(dialect.normalize(await introspect(driver))).toEqual(target);
        } finally {
          await driver.close();
        }
      }),
      RUNS,
    );
  });

  test("the DDL of diff(a, b) turns a into b on the database, and a second push plans nothing", async () => {
    await fc.assert(
      fc.asyncProperty(arbWideEditedPair, async ({ a, b, renames }) => {
        fc.pre(valid(a) && valid(b));
        const from = dialect.normalize(expressible(a));
        const to = dialect.normalize(expressible(b));
        const driver = freshDriver();
        try {
          await create(driver, from);
          const operations = diff(from, to, { renames }).operations;
          const { statements, after } = plan(from, operations);
          await execute(driver, statements);
          const live = dialect.normalize(await introspect(driver));
          expect(canonicalFragments(live)).toEqual(canonicalFragments(dialect.normalize(after)));
          expect(diff(live, to).operations).toEqual([]);
        } finally {
          await driver.close();
        }
      }),
      RUNS,
    );
  });
});
