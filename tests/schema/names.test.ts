import { fnv1a32, MAX_IDENTIFIER_LENGTH, type Snapshot, s, serializeSchema, shortenIdentifier } from "viborm";
import { describe, expect, test } from "vitest";

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** Every generated name in a snapshot. */
function allNames(snapshot: Snapshot): string[] {
  return [
    ...snapshot.enums.map((e) => e.name),
    ...snapshot.tables.flatMap((t) => [
      t.name,
      ...t.columns.map((c) => c.name),
      ...t.uniques.map((u) => u.name),
      ...t.indexes.map((i) => i.name),
      ...t.foreignKeys.map((f) => f.name),
    ]),
  ];
}

describe("FNV-1a", () => {
  test("matches the published 32-bit test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });
});

describe("shortenIdentifier", () => {
  test("keeps names that fit", () => {
    expect(shortenIdentifier("users_email_key")).toBe("users_email_key");
    expect(shortenIdentifier("x".repeat(63))).toBe("x".repeat(63));
  });

  test("shortens a long name to 63 bytes: a prefix, _ and 8 hex digits of the full name's hash", () => {
    const long = `${"a".repeat(70)}_key`;
    const short = shortenIdentifier(long);
    expect(short).toHaveLength(MAX_IDENTIFIER_LENGTH);
    expect(short).toBe(`${"a".repeat(54)}_${fnv1a32(long).toString(16).padStart(8, "0")}`);
    expect(shortenIdentifier(long)).toBe(short);
  });

  test("two long names sharing a prefix stay distinct", () => {
    const prefix = "p".repeat(80);
    expect(shortenIdentifier(`${prefix}_a_key`)).not.toBe(shortenIdentifier(`${prefix}_b_key`));
  });

  test("counts UTF-8 bytes and never cuts a character in two", () => {
    const short = shortenIdentifier("é".repeat(40));
    expect(bytes(short)).toBeLessThanOrEqual(MAX_IDENTIFIER_LENGTH);
    expect(short.startsWith("é".repeat(27))).toBe(true);
    expect(short).not.toContain("\uFFFD");
  });
});

describe("generated names in the snapshot", () => {
  const longTable = "an_unusually_long_table_name_for_the_purpose_of_testing";
  const longColumn = "a_very_long_column_name_that_goes_on_and_on";

  test("long constraint, index, enum and junction names fit the limit and stay distinct", () => {
    const other = s.model({ id: s.int().id(), things: s.manyToMany(() => thing) }).map(`${longTable}_other`);
    const thing = s
      .model({
        id: s.int().id(),
        [`${longColumn}_1`]: s.string().unique(),
        [`${longColumn}_2`]: s.string().unique(),
        [`${longColumn}_e`]: s.enum(["A", "B"]),
        otherId: s.int(),
        other: s.manyToOne(() => other).fields("otherId"),
      })
      .map(longTable)
      .index([`${longColumn}_1`, `${longColumn}_2`])
      .index([`${longColumn}_2`, `${longColumn}_1`]);
    const snapshot = serializeSchema({ thing, other });
    const names = allNames(snapshot);
    for (const name of names) expect(bytes(name), name).toBeLessThanOrEqual(MAX_IDENTIFIER_LENGTH);
    const table = snapshot.tables.find((t) => t.name === longTable)!;
    const generated = [...table.uniques, ...table.indexes, ...table.foreignKeys].map((item) => item.name);
    expect(new Set(generated).size).toBe(generated.length);
    expect(table.uniques.map((u) => u.name)).toEqual(
      [`${longTable}_${longColumn}_1_key`, `${longTable}_${longColumn}_2_key`].map((n) => shortenIdentifier(n)).sort(),
    );
    expect(snapshot.enums[0]!.name).toBe(shortenIdentifier(`${longTable}_${longColumn}_e`));
    const junction = snapshot.tables.find((t) => t.name === shortenIdentifier(`${longTable}_${longTable}_other`));
    expect(junction).toBeDefined();
    expect(junction!.columns.every((c) => bytes(c.name) <= MAX_IDENTIFIER_LENGTH)).toBe(true);
  });

  test("the same long schema always gives the same names", () => {
    const build = () => ({
      m: s.model({ id: s.int().id(), [longColumn]: s.string().unique() }).map(longTable),
    });
    expect(allNames(serializeSchema(build()))).toEqual(allNames(serializeSchema(build())));
  });

  test("user-given names are kept as given", () => {
    const m = s
      .model({ id: s.int().id(), a: s.string(), b: s.string() })
      .index("a", { name: "by_a", type: "hash", where: "a IS NOT NULL" })
      .index("b", { name: "by_b", unique: true })
      .unique(["a", "b"], { name: "a_and_b" });
    expect(serializeSchema({ m }).tables[0]).toMatchObject({
      uniques: [{ name: "a_and_b", columns: ["a", "b"] }],
      indexes: [
        { name: "by_a", columns: ["a"], unique: false, type: "hash", where: "a IS NOT NULL" },
        { name: "by_b", columns: ["b"], unique: true },
      ],
    });
  });
});
