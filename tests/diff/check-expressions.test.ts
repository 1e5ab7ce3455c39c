/**
 * CHECK expressions compare as the diff compares them: servers store them rewritten, and a
 * rewrite the author did not make is not a change.
 */
import { describe, expect, test } from "vitest";
import { checksEqual } from "../../src/diff/compare.js";
import { renameColumnReferences } from "../../src/schema/expression.js";

const same = (a: string, b: string) => checksEqual({ name: "c", expression: a }, { name: "c", expression: b });

describe("CHECK expressions compare through servers' rewrites", () => {
  test.each([
    ["price > 0", "(`price` > 0)"],
    ['"Price" != 0', "price <> 0"],
    ["fee >= 0", "(fee >= (0)::numeric)"],
    ["name <> ''", "(name <> ''::text)"],
    ["code <> 'x'", "((code)::text <> 'x'::character varying(8))"],
    ["at > '2020-01-01'", "(at > '2020-01-01'::timestamp without time zone)"],
    ["tags <> '{}'", "(tags <> '{}'::text[])"],
  ] as [string, string][])("%s ≡ %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  test.each([
    ["price > 0", "price >= 0"],
    ["a > 0 AND b > 0", "a > 0 OR b > 0"],
    ["name <> 'x'", "name <> 'X'"],
  ])("%s ≠ %s", (a, b) => {
    expect(same(a, b)).toBe(false);
  });
});

describe("a renamed column is renamed inside checks and predicates", () => {
  test.each([
    ["amount > 0", "total > 0"],
    [`"amount" > 0 AND t.amount < 9`, `"total" > 0 AND t.total < 9`],
    ["`amount` > 0", "`total` > 0"],
    ["note <> 'amount' AND amount(x) > 0", "note <> 'amount' AND amount(x) > 0"],
    ["amounts > 0 AND Amount > 1e5", "amounts > 0 AND total > 1e5"],
  ])("%s → %s", (before, after) => {
    expect(renameColumnReferences(before, "amount", "total")).toBe(after);
  });

  test("a bare reference to a name that needs quoting is left for the diff to re-create", () => {
    expect(renameColumnReferences("amount > 0", "amount", "Total")).toBeNull();
    expect(renameColumnReferences(`"amount" > 0`, "amount", "Total")).toBe(`"Total" > 0`);
  });
});
