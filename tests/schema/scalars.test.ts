import { type Column, s, serializeSchema } from "viborm";
import { describe, expect, test } from "vitest";

type AnyField = Parameters<typeof s.model>[0][string];

/** The snapshot column of `field` in a one-model schema. */
function columnOf(field: AnyField): Column {
  const snapshot = serializeSchema({ m: s.model({ id: s.int().id(), x: field }) });
  return snapshot.tables[0]!.columns.find((column) => column.name === "x")!;
}

const plain = { array: false, nullable: false, default: null, autoIncrement: false };

describe("scalar types", () => {
  test.each([
    ["string", s.string(), { kind: "string" }],
    ["int", s.int(), { kind: "int" }],
    ["bigInt", s.bigInt(), { kind: "bigInt" }],
    ["float", s.float(), { kind: "float" }],
    ["boolean", s.boolean(), { kind: "boolean" }],
    ["dateTime", s.dateTime(), { kind: "dateTime" }],
    ["date", s.date(), { kind: "date" }],
    ["time", s.time(), { kind: "time" }],
    ["json", s.json(), { kind: "json" }],
    ["blob", s.blob(), { kind: "blob" }],
  ])("%s", (_, field, type) => {
    expect(columnOf(field)).toEqual({ name: "x", type, ...plain });
  });

  test("decimal defaults to (10, 2); precision alone has scale 0", () => {
    expect(columnOf(s.decimal()).type).toEqual({ kind: "decimal", precision: 10, scale: 2 });
    expect(columnOf(s.decimal(18, 4)).type).toEqual({ kind: "decimal", precision: 18, scale: 4 });
    expect(columnOf(s.decimal(12)).type).toEqual({ kind: "decimal", precision: 12, scale: 0 });
  });

  test("enum: a type named <table>_<column> and an entry in snapshot.enums", () => {
    const snapshot = serializeSchema({
      user: s.model({ id: s.int().id(), role: s.enum(["USER", "ADMIN"]).map("kind") }).map("users"),
    });
    expect(snapshot.tables[0]!.columns[1]!.type).toEqual({
      kind: "enum",
      name: "users_kind",
      values: ["USER", "ADMIN"],
    });
    expect(snapshot.enums).toEqual([{ name: "users_kind", values: ["USER", "ADMIN"] }]);
  });

  test("a named enum shared by two columns is one entry", () => {
    const mood = ["HAPPY", "SAD"] as const;
    const snapshot = serializeSchema({
      a: s.model({ id: s.int().id(), mood: s.enum(mood, { name: "mood" }) }),
      b: s.model({ id: s.int().id(), feeling: s.enum(mood, { name: "mood" }).nullable() }),
    });
    expect(snapshot.enums).toEqual([{ name: "mood", values: ["HAPPY", "SAD"] }]);
    const types = snapshot.tables.map((table) => table.columns[1]!.type);
    expect(types).toEqual([
      { kind: "enum", name: "mood", values: ["HAPPY", "SAD"] },
      { kind: "enum", name: "mood", values: ["HAPPY", "SAD"] },
    ]);
  });
});

describe("modifiers", () => {
  test("nullable, array, map", () => {
    expect(columnOf(s.string().nullable())).toMatchObject({ nullable: true, array: false });
    expect(columnOf(s.int().array())).toMatchObject({ array: true, nullable: false, type: { kind: "int" } });
    expect(columnOf(s.int().array().nullable())).toMatchObject({ array: true, nullable: true });
    const snapshot = serializeSchema({ m: s.model({ id: s.int().id(), x: s.string().map("x_col") }) });
    expect(snapshot.tables[0]!.columns.map((column) => column.name)).toEqual(["id", "x_col"]);
  });

  test("id() makes the primary key; unique() a <table>_<column>_key unique", () => {
    const snapshot = serializeSchema({
      m: s.model({ code: s.string().id().map("the_code"), email: s.string().unique().map("mail") }).map("things"),
    });
    expect(snapshot.tables[0]).toMatchObject({
      name: "things",
      primaryKey: { columns: ["the_code"] },
      uniques: [{ name: "things_mail_key", columns: ["mail"] }],
      indexes: [],
      foreignKeys: [],
    });
  });

  test("increment() sets autoIncrement on int and bigInt, with no default", () => {
    const snapshot = serializeSchema({
      a: s.model({ id: s.int().id().increment() }),
      b: s.model({ id: s.bigInt().id().increment() }),
    });
    for (const table of snapshot.tables) {
      expect(table.columns[0]).toMatchObject({ autoIncrement: true, default: null });
    }
  });

  test("now() is a database default on dateTime, date and time; updatedAt() is client-side", () => {
    expect(columnOf(s.dateTime().now()).default).toEqual({ kind: "now" });
    expect(columnOf(s.date().now()).default).toEqual({ kind: "now" });
    expect(columnOf(s.time().now()).default).toEqual({ kind: "now" });
    expect(columnOf(s.dateTime().updatedAt())).toEqual({ name: "x", type: { kind: "dateTime" }, ...plain });
    expect(columnOf(s.dateTime().updatedAt().now()).default).toEqual({ kind: "now" });
  });

  test("uuid() is a database uuid default on a string column; ulid, cuid, nanoid are client-side", () => {
    expect(columnOf(s.string().uuid())).toEqual({
      name: "x",
      type: { kind: "string" },
      ...plain,
      default: { kind: "uuid" },
    });
    expect(columnOf(s.string().ulid()).default).toBeNull();
    expect(columnOf(s.string().cuid()).default).toBeNull();
    expect(columnOf(s.string().nanoid()).default).toBeNull();
    const snapshot = serializeSchema({ m: s.model({ id: s.string().id().uuid() }) });
    expect(snapshot.tables[0]!.columns[0]).toMatchObject({ type: { kind: "string" }, default: { kind: "uuid" } });
  });

  test("a function default is client-side: no database default", () => {
    expect(columnOf(s.string().default(() => "generated")).default).toBeNull();
    expect(columnOf(s.blob().default(() => new Uint8Array([1]))).default).toBeNull();
  });
});

describe("literal defaults", () => {
  test.each([
    ["string", s.string().default("it's"), "it's"],
    ["int", s.int().default(42), 42],
    ["negative int", s.int().default(-7), -7],
    ["bigInt as decimal string", s.bigInt().default(9007199254740993n), "9007199254740993"],
    ["float", s.float().default(1.5), 1.5],
    ["decimal string", s.decimal(10, 2).default("9.99"), "9.99"],
    ["decimal number", s.decimal(10, 2).default(3.5), "3.5"],
    ["decimal in canonical form", s.decimal(10, 3).default("+007.500"), "7.5"],
    ["negative zero decimal", s.decimal().default("-0.00"), "0"],
    ["boolean", s.boolean().default(false), false],
    ["dateTime from a Date", s.dateTime().default(new Date("2024-01-02T03:04:05.678Z")), "2024-01-02T03:04:05.678Z"],
    ["dateTime from a string", s.dateTime().default("2024-01-02T03:04:05Z"), "2024-01-02T03:04:05.000Z"],
    ["date from a Date", s.date().default(new Date("2024-01-02T00:00:00Z")), "2024-01-02"],
    ["date from a string", s.date().default("2024-02-29"), "2024-02-29"],
    ["time from a string", s.time().default("08:30:00"), "08:30:00"],
    ["time without seconds", s.time().default("08:30"), "08:30:00"],
    ["time with a fraction", s.time().default("08:30:01.250"), "08:30:01.25"],
    ["time from a Date", s.time().default(new Date("2024-01-02T08:30:00Z")), "08:30:00"],
    ["time from a Date with milliseconds", s.time().default(new Date("2024-01-02T08:30:00.120Z")), "08:30:00.12"],
    ["json as canonical JSON text", s.json().default({ b: [1, 2], a: "x" }), '{"a":"x","b":[1,2]}'],
    ["json null", s.json().default(null), "null"],
    ["enum", s.enum(["A", "B"]).default("B"), "B"],
    ["string array as JSON text", s.string().array().default(["a", "b"]), '["a","b"]'],
    ["empty int array", s.int().array().default([]), "[]"],
  ])("%s", (_, field, value) => {
    expect(columnOf(field).default).toEqual({ kind: "literal", value });
  });
});
