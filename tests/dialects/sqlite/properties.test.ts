/**
 * Properties of the SQLite dialect over generated snapshots (the diff's fast-check generators),
 * on real in-memory databases: what the DDL creates reads back as its normalised snapshot, and the
 * DDL of any planned change leads to the schema the plan promises, after which a push plans nothing.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diff } from "../../../src/diff/index.js";
import type { Snapshot } from "../../../src/schema/snapshot.js";
import { arbEditedPair, arbSnapshot } from "../../diff/arbitraries.js";
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

/** A database could hold it: distinct index names, foreign keys to keys. */
function valid(snapshot: Snapshot): boolean {
  return distinctIndexNames(snapshot) && keyedForeignKeys(snapshot);
}

describe("SQLite dialect properties over generated snapshots", () => {
  test("normalize(read(database after the DDL for s)) equals normalize(s)", async () => {
    await fc.assert(
      fc.asyncProperty(arbSnapshot, async (generated) => {
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
      fc.asyncProperty(arbEditedPair, async ({ a, b, renames }) => {
        // SQLite rewrites a renamed column inside a partial index's WHERE; the generator keeps the
        // old text (a predicate naming a column that no longer exists), which no database can hold.
        fc.pre(!(renames.some((r) => r.kind === "column") && b.tables.some((t) => t.indexes.some((i) => i.where))));
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
          expect(live).toEqual(dialect.normalize(after));
          expect(diff(live, to).operations).toEqual([]);
        } finally {
          await driver.close();
        }
      }),
      RUNS,
    );
  });
});
