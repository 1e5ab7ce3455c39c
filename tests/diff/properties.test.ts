import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyOperations, diff, invertOperations } from "../../src/diff/index.js";
import { canonicalize } from "../../src/schema/snapshot.js";
import { alignColumns, arbEditedPair, arbSnapshot, sortColumns } from "./arbitraries.js";
import { runLikeDatabase } from "./executable.js";

// Small schemas, many runs: each property stays well under two seconds.
const RUNS = { numRuns: 100 };

describe("diff properties over generated snapshots", () => {
  it("diff(a, a) plans nothing and flags nothing", () => {
    fc.assert(
      fc.property(arbSnapshot, (a) => {
        const result = diff(a, structuredClone(a));
        expect(result.operations).toEqual([]);
        expect(result.changes).toEqual([]);
      }),
      RUNS,
    );
  });

  it("applying diff(a, b) to a yields b, for independent snapshots", () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, generated) => {
        // Column order is not a migration: keep shared columns in a's order, new ones after.
        const b = canonicalize(alignColumns(a, generated));
        const { operations } = diff(a, b);
        expect(applyOperations(a, operations)).toEqual(b);
        runLikeDatabase(a, operations, b);
      }),
      RUNS,
    );
  });

  it("applying diff(a, b) to a yields b, for edited snapshots, with and without the renames", () => {
    fc.assert(
      fc.property(arbEditedPair, ({ a, b, renames }) => {
        const withRenames = diff(a, b, { renames }).operations;
        expect(applyOperations(a, withRenames)).toEqual(b);
        runLikeDatabase(a, withRenames, b);
        // Without them, a renamed column is dropped and re-added, so it moves to the end.
        const aligned = canonicalize(alignColumns(a, b));
        const without = diff(a, b).operations;
        expect(applyOperations(a, without)).toEqual(aligned);
        runLikeDatabase(a, without, aligned);
        const renamed = diff(a, b, { renames }).operations;
        expect(renamed.filter((op) => op.kind.startsWith("rename"))).toHaveLength(renames.length);
      }),
      RUNS,
    );
  });

  it("the inverted operations take b back to a (up to column order)", () => {
    fc.assert(
      fc.property(arbEditedPair, ({ a, b, renames }) => {
        const { operations } = diff(a, b, { renames });
        const down = invertOperations(operations);
        const back = applyOperations(b, down);
        expect(sortColumns(back)).toEqual(sortColumns(a));
        runLikeDatabase(b, down, back);
      }),
      RUNS,
    );
  });

  it("after applying diff(a, b), a second diff against b is empty", () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, generated) => {
        const b = canonicalize(alignColumns(a, generated));
        const after = applyOperations(a, diff(a, b).operations);
        expect(diff(after, b).operations).toEqual([]);
      }),
      RUNS,
    );
  });

  it("is deterministic: same input, same bytes, whatever the input's array order", () => {
    fc.assert(
      fc.property(arbSnapshot, arbSnapshot, (a, b) => {
        const shuffled = { ...b, tables: [...b.tables].reverse(), enums: [...b.enums].reverse() };
        expect(JSON.stringify(diff(a, shuffled))).toBe(JSON.stringify(diff(a, b)));
      }),
      { numRuns: 50 },
    );
  });
});
