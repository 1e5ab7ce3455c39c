import { describe, expect, it } from "vitest";
import { type Change, compareColumnTypes, diff } from "../../src/diff/index.js";
import type { Column, ColumnType } from "../../src/schema/snapshot.js";
import { runLikeDatabase } from "./executable.js";
import { col, enumType, fk, kinds, labels, snapshot, table } from "./fixtures.js";

const users = (...columns: Column[]) => table("users", [col("id"), ...columns]);
const destructive = (changes: Change[]) =>
  changes.filter((c) => c.type === "destructive").map((c) => [c.kind, c.table, "column" in c ? c.column : undefined]);
const ambiguous = (changes: Change[]) => changes.filter((c) => c.type === "ambiguous");

describe("diff: each kind of change", () => {
  it("plans nothing for identical snapshots", () => {
    const a = snapshot([users(col("email", "string"))]);
    expect(diff(a, structuredClone(a))).toEqual({ operations: [], changes: [] });
  });

  it("creates a new table whole, with no change to decide", () => {
    const t = users(col("email", "string"));
    const { operations, changes } = diff(snapshot([]), snapshot([t]));
    expect(operations).toEqual([{ kind: "createTable", table: t }]);
    expect(changes).toEqual([]);
  });

  it("drops a table and flags it destructive, carrying its full definition", () => {
    const t = users(col("email", "string"));
    const { operations, changes } = diff(snapshot([t]), snapshot([]));
    expect(operations).toEqual([{ kind: "dropTable", table: t }]);
    expect(changes).toEqual([
      { type: "destructive", kind: "dropTable", table: "users", description: expect.stringMatching(/users/) },
    ]);
  });

  it("reports the only dropped and the only added table as a possible rename, planned as add + drop", () => {
    const { operations, changes } = diff(
      snapshot([table("users", [col("id")])]),
      snapshot([table("members", [col("key", "string")])]),
    );
    expect(kinds(operations)).toEqual(["createTable", "dropTable"]);
    expect(ambiguous(changes)).toEqual([
      {
        type: "ambiguous",
        kind: "renameTable",
        table: "members",
        from: "users",
        to: "members",
        description: expect.any(String),
      },
    ]);
    expect(destructive(changes)).toEqual([["dropTable", "users", undefined]]);
  });

  it("suspects table renames among several only where half the columns match, best match first", () => {
    const a = snapshot([
      table("users", [col("id"), col("email", "string"), col("name", "string")]),
      table("logs", [col("id"), col("line", "string"), col("at", "dateTime")]),
    ]);
    const b = snapshot([
      table("members", [col("id"), col("email", "string"), col("name", "string"), col("age")]),
      table("events", [col("id"), col("kind", "string"), col("payload", "json")]),
    ]);
    const pairs = ambiguous(diff(a, b).changes).map((c) => `${c.from}->${c.to}`);
    expect(pairs).toEqual(["users->members"]);
  });

  it("adds a nullable column safely, and flags a NOT NULL column without default", () => {
    const a = snapshot([users()]);
    const safe = diff(a, snapshot([users(col("bio", "string", { nullable: true }))]));
    expect(safe.operations).toEqual([
      { kind: "addColumn", table: "users", column: col("bio", "string", { nullable: true }) },
    ]);
    expect(safe.changes).toEqual([]);
    const defaulted = diff(a, snapshot([users(col("age", "int", { default: { kind: "literal", value: 0 } }))]));
    expect(defaulted.changes).toEqual([]);
    const counter = diff(a, snapshot([users(col("n", "bigInt", { autoIncrement: true }))]));
    expect(counter.changes).toEqual([]);
    const strict = diff(a, snapshot([users(col("age"))]));
    expect(destructive(strict.changes)).toEqual([["addNotNullColumn", "users", "age"]]);
  });

  it("drops a column and flags it; a dropped and an added column of one type kind may be a rename", () => {
    const a = snapshot([users(col("name", "string"))]);
    const dropped = diff(a, snapshot([users()]));
    expect(dropped.operations).toEqual([{ kind: "dropColumn", table: "users", column: col("name", "string") }]);
    expect(destructive(dropped.changes)).toEqual([["dropColumn", "users", "name"]]);

    const renamed = diff(a, snapshot([users(col("fullName", "string", { nullable: true }))]));
    expect(kinds(renamed.operations)).toEqual(["addColumn", "dropColumn"]);
    expect(ambiguous(renamed.changes)).toEqual([
      expect.objectContaining({ kind: "renameColumn", table: "users", from: "name", to: "fullName" }),
    ]);
    const otherKind = diff(a, snapshot([users(col("age", "int", { nullable: true }))]));
    expect(ambiguous(otherKind.changes)).toEqual([]);
  });

  it.each<[string, Partial<Column>, Partial<Column>, string[]]>([
    ["widening int → bigInt", { type: { kind: "int" } }, { type: { kind: "bigInt" } }, []],
    ["narrowing bigInt → int", { type: { kind: "bigInt" } }, { type: { kind: "int" } }, ["narrowType"]],
    [
      "shorter string",
      { type: { kind: "string", length: 255 } },
      { type: { kind: "string", length: 50 } },
      ["narrowType"],
    ],
    ["unbounded string", { type: { kind: "string", length: 50 } }, { type: { kind: "string" } }, []],
    ["nullable → NOT NULL", { nullable: true }, { nullable: false }, ["setNotNull"]],
    ["NOT NULL → nullable", { nullable: false }, { nullable: true }, []],
    ["a new default", { default: null }, { default: { kind: "literal", value: 1 } }, []],
    ["auto-increment on", { autoIncrement: false }, { autoIncrement: true }, []],
    ["scalar → array", { array: false }, { array: true }, ["narrowType"]],
    [
      "narrowing and NOT NULL at once",
      { type: { kind: "float" }, nullable: true },
      { type: { kind: "int" } },
      ["narrowType", "setNotNull"],
    ],
  ])("alters a column: %s", (_, from, to, expected) => {
    const { operations, changes } = diff(
      snapshot([users(col("v", "int", from))]),
      snapshot([users(col("v", "int", to))]),
    );
    expect(operations).toEqual([
      { kind: "alterColumn", table: "users", from: col("v", "int", from), to: col("v", "int", to) },
    ]);
    expect(destructive(changes)).toEqual(expected.map((kind) => [kind, "users", "v"]));
  });

  it("orders types: only clearly widening changes are safe", () => {
    const c = (type: ColumnType) => col("v", type);
    const cases: [ColumnType, ColumnType, string][] = [
      [{ kind: "int" }, { kind: "int" }, "same"],
      [{ kind: "int" }, { kind: "float" }, "widening"],
      [{ kind: "int" }, { kind: "decimal", precision: 12, scale: 2 }, "widening"],
      [{ kind: "int" }, { kind: "decimal", precision: 8, scale: 2 }, "narrowing"],
      [{ kind: "bigInt" }, { kind: "float" }, "narrowing"],
      [{ kind: "bigInt" }, { kind: "decimal", precision: 20, scale: 0 }, "widening"],
      [{ kind: "decimal", precision: 10, scale: 2 }, { kind: "decimal", precision: 12, scale: 3 }, "widening"],
      [{ kind: "decimal", precision: 10, scale: 2 }, { kind: "decimal", precision: 10, scale: 3 }, "narrowing"],
      [{ kind: "float" }, { kind: "int" }, "narrowing"],
      [{ kind: "date" }, { kind: "dateTime" }, "widening"],
      [{ kind: "dateTime" }, { kind: "date" }, "narrowing"],
      [{ kind: "boolean" }, { kind: "string" }, "widening"],
      [{ kind: "json" }, { kind: "string" }, "narrowing"],
      [{ kind: "string" }, { kind: "json" }, "narrowing"],
      [enumType("role", ["A"]), enumType("role", ["A", "B"]), "widening"],
      [enumType("role", ["A", "B"]), enumType("role", ["A"]), "narrowing"],
      [enumType("role", ["ADMIN"]), { kind: "string", length: 3 }, "narrowing"],
      [enumType("role", ["ADMIN"]), { kind: "string", length: 5 }, "widening"],
    ];
    for (const [from, to, expected] of cases)
      expect([from, to, compareColumnTypes(c(from), c(to))]).toEqual([from, to, expected]);
  });

  it("changes a primary key as drop + add, flagged; dropping one alone is safe", () => {
    const a = snapshot([table("t", [col("a"), col("b")], { primaryKey: { columns: ["a"] } })]);
    const changed = diff(a, snapshot([table("t", [col("a"), col("b")], { primaryKey: { columns: ["a", "b"] } })]));
    expect(changed.operations).toEqual([
      { kind: "dropPrimaryKey", table: "t", primaryKey: { columns: ["a"] } },
      { kind: "addPrimaryKey", table: "t", primaryKey: { columns: ["a", "b"] } },
    ]);
    expect(destructive(changed.changes)).toEqual([["changePrimaryKey", "t", undefined]]);
    const added = diff(snapshot([table("t", [col("a")], { primaryKey: null })]), snapshot([table("t", [col("a")])]));
    expect(destructive(added.changes)).toEqual([["changePrimaryKey", "t", undefined]]);
    const dropped = diff(a, snapshot([table("t", [col("a"), col("b")], { primaryKey: null })]));
    expect(kinds(dropped.operations)).toEqual(["dropPrimaryKey"]);
    expect(dropped.changes).toEqual([]);
  });

  it("compares uniques by name and definition; a new one on existing data is flagged", () => {
    const base = (uniques: { name: string; columns: string[] }[]) =>
      snapshot([users(col("email", "string"), col("org"))].map((t) => ({ ...t, uniques })));
    const added = diff(base([]), base([{ name: "u_email", columns: ["email"] }]));
    expect(added.operations).toEqual([
      { kind: "addUnique", table: "users", unique: { name: "u_email", columns: ["email"] } },
    ]);
    expect(destructive(added.changes)).toEqual([["addUnique", "users", "email"]]);
    const removed = diff(base([{ name: "u_email", columns: ["email"] }]), base([]));
    expect(kinds(removed.operations)).toEqual(["dropUnique"]);
    expect(removed.changes).toEqual([]);
    const widened = diff(base([{ name: "u", columns: ["email"] }]), base([{ name: "u", columns: ["email", "org"] }]));
    expect(kinds(widened.operations)).toEqual(["dropUnique", "addUnique"]);
    // Only the name changed: the same columns were already unique, so no existing row can clash.
    const renamed = diff(base([{ name: "u1", columns: ["email"] }]), base([{ name: "u2", columns: ["email"] }]));
    expect(kinds(renamed.operations)).toEqual(["dropUnique", "addUnique"]);
    expect(renamed.changes).toEqual([]);
  });

  it("compares indexes by name and full definition; a unique index on existing data is flagged", () => {
    const idx = { name: "i", columns: ["email"], unique: false };
    const base = (indexes: (typeof idx & { type?: string; where?: string })[]) =>
      snapshot([{ ...users(col("email", "string")), indexes }]);
    expect(diff(base([]), base([idx]))).toEqual({
      operations: [{ kind: "createIndex", table: "users", index: idx }],
      changes: [],
    });
    expect(kinds(diff(base([idx]), base([{ ...idx, where: "email IS NOT NULL" }])).operations)).toEqual([
      "dropIndex",
      "createIndex",
    ]);
    expect(kinds(diff(base([idx]), base([{ ...idx, type: "hash" }])).operations)).toEqual(["dropIndex", "createIndex"]);
    expect(diff(base([{ ...idx, type: undefined }]), base([idx])).operations).toEqual([]);
    expect(destructive(diff(base([]), base([{ ...idx, unique: true }])).changes)).toEqual([
      ["addUnique", "users", "email"],
    ]);
  });

  it("compares foreign keys by name and definition", () => {
    const posts = (fks: ReturnType<typeof fk>[]) => table("posts", [col("id"), col("authorId")], { foreignKeys: fks });
    const key = fk("posts_author_fkey", ["authorId"], "users");
    const a = snapshot([users(), posts([])]);
    expect(diff(a, snapshot([users(), posts([key])]))).toEqual({
      operations: [{ kind: "addForeignKey", table: "posts", foreignKey: key }],
      changes: [],
    });
    expect(diff(snapshot([users(), posts([key])]), a).operations).toEqual([
      { kind: "dropForeignKey", table: "posts", foreignKey: key },
    ]);
    const changed = diff(
      snapshot([users(), posts([key])]),
      snapshot([users(), posts([{ ...key, onDelete: "setNull" }])]),
    );
    expect(kinds(changed.operations)).toEqual(["dropForeignKey", "addForeignKey"]);
  });

  it("describes a narrowed inline enum (MySQL's, which has no name) by its values", () => {
    const { changes } = diff(
      snapshot([users(col("role", enumType("", ["USER", "ADMIN", "GUEST"])))]),
      snapshot([users(col("role", enumType("", ["USER", "ADMIN"])))]),
    );
    expect(changes).toEqual([
      expect.objectContaining({
        kind: "narrowType",
        table: "users",
        column: "role",
        description: expect.stringContaining("from enum('USER', 'ADMIN', 'GUEST') to enum('USER', 'ADMIN')"),
      }),
    ]);
  });

  it("creates, alters and drops enums; removing values or the enum is flagged with the enum's name", () => {
    const withRole = (values: string[]) =>
      snapshot([users(col("role", enumType("role", values)))], [{ name: "role", values }]);
    const created = diff(snapshot([users()]), withRole(["A"]));
    expect(kinds(created.operations)).toEqual(["createEnum", "addColumn"]);

    const added = diff(withRole(["A"]), withRole(["A", "B"]));
    expect(added.operations).toEqual([{ kind: "alterEnum", name: "role", from: ["A"], to: ["A", "B"] }]);
    expect(added.changes).toEqual([]);

    const removed = diff(withRole(["A", "B"]), withRole(["A"]));
    expect(removed.operations).toEqual([{ kind: "alterEnum", name: "role", from: ["A", "B"], to: ["A"] }]);
    expect(removed.changes).toEqual([
      expect.objectContaining({ type: "destructive", kind: "removeEnumValue", table: "role", enum: "role" }),
    ]);
    expect(removed.changes[0]?.description).toMatch(/'B'.*users\.role/);

    const dropped = diff(snapshot([], [{ name: "role", values: ["A"] }]), snapshot([]));
    expect(dropped.operations).toEqual([{ kind: "dropEnum", enum: { name: "role", values: ["A"] } }]);
    expect(destructive(dropped.changes)).toEqual([["dropEnum", "role", undefined]]);
  });

  it("splits an enum change that adds and removes: additions first, removal last", () => {
    const withRole = (values: string[], extra: Column[] = []) =>
      snapshot([users(col("role", enumType("role", values)), ...extra)], [{ name: "role", values }]);
    const { operations } = diff(
      withRole(["A", "B"]),
      withRole(["A", "C"], [col("level", enumType("role", ["A", "C"]), { default: { kind: "literal", value: "C" } })]),
    );
    expect(operations).toEqual([
      { kind: "alterEnum", name: "role", from: ["A", "B"], to: ["A", "B", "C"] },
      {
        kind: "addColumn",
        table: "users",
        // The column holds the enum's values as they are when it is added; the removal updates it.
        column: col("level", enumType("role", ["A", "B", "C"]), { default: { kind: "literal", value: "C" } }),
      },
      { kind: "alterEnum", name: "role", from: ["A", "B", "C"], to: ["A", "C"] },
    ]);
  });

  it("plans given renames as renames plus what still differs, and validates them", () => {
    const a = snapshot([table("users", [col("id"), col("name", "string", { nullable: true })])]);
    const b = snapshot([table("members", [col("id", "bigInt"), col("fullName", "string")])]);
    const { operations, changes } = diff(a, b, {
      renames: [
        { kind: "table", from: "users", to: "members" },
        { kind: "column", table: "members", from: "name", to: "fullName" },
      ],
    });
    expect(operations).toEqual([
      { kind: "renameTable", from: "users", to: "members" },
      { kind: "renameColumn", table: "members", from: "name", to: "fullName" },
      { kind: "alterColumn", table: "members", from: col("id"), to: col("id", "bigInt") },
      {
        kind: "alterColumn",
        table: "members",
        from: col("fullName", "string", { nullable: true }),
        to: col("fullName", "string"),
      },
    ]);
    expect(changes).toEqual([expect.objectContaining({ kind: "setNotNull", table: "members", column: "fullName" })]);
    for (const renames of [
      [{ kind: "table" as const, from: "nope", to: "members" }],
      [{ kind: "table" as const, from: "users", to: "users" }],
      [{ kind: "column" as const, table: "members", from: "name", to: "fullName" }],
      [
        { kind: "table" as const, from: "users", to: "members" },
        { kind: "table" as const, from: "users", to: "members" },
      ],
    ]) {
      expect(() => diff(a, b, { renames })).toThrow(expect.objectContaining({ code: "INVALID_ARGUMENT" }));
    }
  });

  it("lets a renamed table's or column's old name come back as a new one", () => {
    const a = snapshot([table("users", [col("id"), col("name", "string")])]);
    const b = snapshot([
      table("legacy_users", [col("id"), col("fullName", "string"), col("name", "int", { nullable: true })]),
      table("users", [col("id"), col("email", "string")]),
    ]);
    const { operations, changes } = diff(a, b, {
      renames: [
        { kind: "table", from: "users", to: "legacy_users" },
        { kind: "column", table: "legacy_users", from: "name", to: "fullName" },
      ],
    });
    expect(labels(operations)).toEqual([
      "renameTable users->legacy_users",
      "renameColumn legacy_users.name->fullName",
      "createTable users",
      "addColumn legacy_users.name",
    ]);
    expect(changes).toEqual([]);
    runLikeDatabase(a, operations, b);
    // The new table of the old name is not the renamed one: a column rename cannot point at it.
    const wrong = { kind: "column" as const, table: "users", from: "name", to: "email" };
    expect(() => diff(a, b, { renames: [{ kind: "table", from: "users", to: "legacy_users" }, wrong] })).toThrow(
      expect.objectContaining({ code: "INVALID_ARGUMENT" }),
    );
  });

  it("describes every change in one sentence with database names", () => {
    const a = snapshot([table("users", [col("id"), col("name", "string")])], [{ name: "role", values: ["A"] }]);
    const { changes } = diff(a, snapshot([table("people", [col("id")])]));
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) {
      expect(change.description).toMatch(/^[A-Z].*\.$/);
      expect(change.description).not.toMatch(/\n/);
    }
  });

  it("is deterministic whatever the order of the input arrays", () => {
    const t1 = table("a", [col("id"), col("x")], {
      uniques: [
        { name: "u2", columns: ["x"] },
        { name: "u1", columns: ["id"] },
      ],
    });
    const t2 = table("b", [col("id"), col("aId")], { foreignKeys: [fk("f", ["aId"], "a")] });
    const from = { version: 1 as const, tables: [t2, t1], enums: [] };
    const to = snapshot([]);
    expect(JSON.stringify(diff(from, to))).toBe(JSON.stringify(diff(snapshot([t1, t2]), to)));
  });
});
