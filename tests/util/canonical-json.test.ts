import fc from "fast-check";
import { isVibormError } from "viborm";
import { describe, expect, test } from "vitest";
import { canonicalJson } from "../../src/util/canonical-json.js";

describe("canonicalJson", () => {
  test("sorts keys by code unit, 2-space indent and a trailing newline", () => {
    expect(canonicalJson({ b: 1, a: [true, null], B: {} })).toBe(
      '{\n  "B": {},\n  "a": [\n    true,\n    null\n  ],\n  "b": 1\n}\n',
    );
  });

  test("compact form: one line, no trailing newline", () => {
    expect(canonicalJson({ b: [1, { d: 1, c: "x" }], a: "é" }, { compact: true })).toBe(
      '{"a":"é","b":[1,{"c":"x","d":1}]}',
    );
  });

  test("integer-like keys sort as strings too", () => {
    expect(canonicalJson({ 10: 1, 2: 2, a: 3 }, { compact: true })).toBe('{"10":1,"2":2,"a":3}');
  });

  test("follows JSON.stringify for toJSON and undefined members", () => {
    const date = new Date("2024-01-02T03:04:05.000Z");
    expect(canonicalJson({ at: date, gone: undefined }, { compact: true })).toBe('{"at":"2024-01-02T03:04:05.000Z"}');
  });

  test("equals JSON.stringify of the same value with sorted keys", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(text.endsWith("\n")).toBe(true);
      }),
    );
  });

  test.each([
    ["bigint", { n: 1n }],
    ["function", { f: () => 1 }],
    ["NaN", [Number.NaN]],
    ["Infinity", { x: Number.POSITIVE_INFINITY }],
    ["undefined in an array", [undefined]],
    ["undefined at the top", undefined],
  ])("rejects %s with INVALID_ARGUMENT", (_, value) => {
    expect(() => canonicalJson(value)).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
  });

  test("rejects cycles with INVALID_ARGUMENT", () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    try {
      canonicalJson(cycle);
      expect.unreachable();
    } catch (error) {
      expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
    }
  });

  test("a value shared twice is not a cycle", () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared }, { compact: true })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });
});
