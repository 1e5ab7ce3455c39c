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
    // PostgreSQL's rewrites: every operation parenthesised, BETWEEN and IN expanded, LIKE as ~~.
    ["x BETWEEN 1 AND 10", "((x >= 1) AND (x <= 10))"],
    ["s NOT BETWEEN 'a' AND 'c'", "((s < 'a'::text) OR (s > 'c'::text))"],
    ["s IN ('a','b')", "(s = ANY (ARRAY['a'::text, 'b'::text]))"],
    ["x NOT IN (1,2)", "(x <> ALL (ARRAY[1, 2]))"],
    ["n IN (1.5, 2)", "(n = ANY (ARRAY[1.5, (2)::numeric]))"],
    ["x IN (y, 3)", "((x = y) OR (x = 3))"],
    ["x > 0 AND y > 0 OR x IS NULL", "(((x > 0) AND (y > 0)) OR (x IS NULL))"],
    ["x + y * 2 > -5", "((x + (y * 2)) > '-5'::integer)"],
    ["s LIKE 'a%'", "(s ~~ 'a%'::text)"],
    ["s NOT ILIKE 'a%'", "(s !~~* 'a%'::text)"],
    ["length(s) > 0", "(length((s)::text) > 0)"],
    ["CASE WHEN x > 1 THEN y > 1 ELSE true END", "CASE WHEN (x > 1) THEN (y > 1) ELSE true END"],
    // MariaDB's: NOT pushed inwards, true as 1, its own names for functions.
    ["NOT (x = 1)", "`x` <> 1"],
    ["NOT (x = 1 AND y = 2)", "`x` <> 1 or `y` <> 2"],
    ["NOT (x > 0 OR y IS NULL)", "`x` <= 0 and `y` is not null"],
    ["NOT NOT (x = 1)", "`x` = 1"],
    ["x in (3)", "`x` = 3"],
    ["b = true", "`b` = 1"],
    ["lower(s) = upper(s)", "lcase(`s`) = ucase(`s`)"],
    ["substring(s, 1, 2) = 'ab'", "substr(`s`,1,2) = 'ab'"],
    ["x % 2 = 0", "`x` MOD 2 = 0"],
    ["s NOT LIKE 'a%'", "`s`  not like 'a%'"],
    ["s = 'it''s'", "`s` = 'it\\'s'"],
  ] as [string, string][])("%s ≡ %s", (a, b) => {
    expect(same(a, b)).toBe(true);
  });

  test.each([
    ["price > 0", "price >= 0"],
    ["a > 0 AND b > 0", "a > 0 OR b > 0"],
    ["name <> 'x'", "name <> 'X'"],
    // Grouping that changes the meaning is kept.
    ["a > 0 AND b > 0 OR c", "a > 0 AND (b > 0 OR c)"],
    ["x + y * 2 > 0", "(x + y) * 2 > 0"],
    ["NOT (a OR b) AND c", "NOT (a OR b AND c)"],
    // NOT of a quantified comparison is not the complement's quantified comparison.
    ["NOT (x = ANY (arr))", "x <> ANY (arr)"],
    // Characters against bytes on PostgreSQL and SQLite (MySQL's normalisation maps its synonym).
    ["length(s) > 0", "octet_length(s) > 0"],
    // What the grammar does not read compares by its tokens.
    ["x IN (SELECT 1)", "x IN (SELECT 2)"],
    ["x BETWEEN SYMMETRIC 1 AND 9", "x BETWEEN 1 AND 9"],
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
