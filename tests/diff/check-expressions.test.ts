/**
 * CHECK expressions compare as the diff compares them: servers store them rewritten, and a
 * rewrite the author did not make is not a change.
 */
import { describe, expect, test } from "vitest";
import { checksEqual } from "../../src/diff/compare.js";

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
