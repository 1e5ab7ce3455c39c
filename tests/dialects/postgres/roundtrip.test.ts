/**
 * The PostgreSQL dialect's central property on PostgreSQL and PGlite: for every corpus snapshot,
 * the DDL creates it, introspection reads it back equal (after normalize), and so a diff between
 * the two plans nothing — which is what makes push idempotent.
 */
import { describe, expect, test } from "vitest";
import { diff } from "../../../src/diff/index.js";
import { emptySnapshot } from "../../../src/schema/snapshot.js";
import { CORPUS } from "./corpus.js";
import { apply, creationOperations, dialect, introspect, TARGETS, useTarget } from "./harness.js";

describe.each(TARGETS)("postgres dialect round trip on $name", (target) => {
  const target$ = useTarget(target);

  test.each(CORPUS)("creates and reads back: $name", async ({ snapshot }) => {
    const expected = await apply(target$().driver, emptySnapshot(), creationOperations(snapshot));
    const live = await introspect(target$().driver);
    expect(live).toEqual(expected);
    expect(live).toEqual(dialect.normalize(snapshot));
    expect(diff(live, dialect.normalize(snapshot)).operations).toEqual([]);
  });

  test("the whole corpus at once, created through the diff, plans nothing the second time", async () => {
    const all = dialect.normalize({
      version: 1,
      tables: CORPUS.filter((entry) => !entry.name.startsWith("enums") && !entry.name.startsWith("reserved")).flatMap(
        (entry) => entry.snapshot.tables,
      ),
      enums: CORPUS.flatMap((entry) => entry.snapshot.enums).filter(
        (item, index, list) => list.findIndex((other) => other.name === item.name) === index,
      ),
    });
    await apply(target$().driver, emptySnapshot(), diff(emptySnapshot(), all).operations);
    const live = await introspect(target$().driver);
    expect(diff(live, all).operations).toEqual([]);
    expect(live).toEqual(all);
  });
});

describe("postgres dialect normalize", () => {
  test.each(CORPUS)("is idempotent: $name", ({ snapshot }) => {
    const once = dialect.normalize(snapshot);
    expect(dialect.normalize(once)).toEqual(once);
  });

  test("erases only what PostgreSQL cannot keep", () => {
    const [entry] = CORPUS;
    const normalized = dialect.normalize({
      ...entry!.snapshot,
      tables: [
        {
          name: "t".repeat(70),
          columns: [
            {
              name: "id",
              type: { kind: "int" },
              array: false,
              nullable: true,
              default: { kind: "literal", value: 5 },
              autoIncrement: true,
            },
            {
              name: "price",
              type: { kind: "decimal", precision: 10, scale: 2 },
              array: false,
              nullable: false,
              default: { kind: "literal", value: "+009.500" },
              autoIncrement: false,
            },
          ],
          primaryKey: null,
          uniques: [],
          indexes: [{ name: "i", columns: ["id"], unique: false, type: "BTREE" }],
          foreignKeys: [],
        },
      ],
    });
    const table = normalized.tables[0]!;
    expect(table.name).toBe("t".repeat(63));
    expect(table.columns[0]).toMatchObject({ nullable: false, default: null, autoIncrement: true });
    expect(table.columns[1]!.default).toEqual({ kind: "literal", value: "9.5" });
    expect(table.indexes[0]).toEqual({ name: "i", columns: ["id"], unique: false });
  });
});
