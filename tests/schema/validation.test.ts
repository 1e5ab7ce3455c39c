import { isVibormError, s, serializeSchema } from "viborm";
import { describe, expect, test } from "vitest";

/** The INVALID_SCHEMA error `serializeSchema(schema)` throws (fails the test when it does not). */
function invalid(schema: unknown): { model?: string; field?: string; problem: string; message: string } {
  try {
    serializeSchema(schema as Parameters<typeof serializeSchema>[0]);
  } catch (error) {
    if (!isVibormError(error, "INVALID_SCHEMA")) throw error;
    expect(error.name).toBe("InvalidSchemaError");
    return { ...error.meta, message: error.message };
  }
  throw new Error("expected INVALID_SCHEMA");
}

/** Asserts the model and field the error names, in meta and in the message. */
function expectNames(error: ReturnType<typeof invalid>, model: string, field?: string): void {
  expect(error.model).toBe(model);
  expect(error.field).toBe(field);
  expect(error.message).toContain(model);
  if (field !== undefined) expect(error.message).toContain(field);
}

const id = () => s.int().id();

describe("INVALID_SCHEMA names the model and field", () => {
  test("relation to a model not in the schema", () => {
    const outsider = s.model({ id: id() });
    const post = s.model({ id: id(), ownerId: s.int(), owner: s.manyToOne(() => outsider).fields("ownerId") });
    const error = invalid({ post });
    expectNames(error, "post", "owner");
    expect(error.problem).toBe("unknownRelationTarget");
  });

  test("relation whose target thunk is not a function or throws", () => {
    const broken = s.model({ id: id(), other: s.oneToMany((() => undefined) as never) });
    expectNames(invalid({ broken }), "broken", "other");
    const thrower = s.model({
      id: id(),
      other: s.manyToMany(() => {
        throw new Error("not yet defined");
      }),
    });
    expectNames(invalid({ thrower }), "thrower", "other");
  });

  test(".fields() naming a missing scalar", () => {
    const user = s.model({ id: id() });
    // @ts-expect-error "authorID" is not a field of the model
    const post = s.model({ id: id(), authorId: s.int(), author: s.manyToOne(() => user).fields("authorID") });
    const error = invalid({ user, post });
    expectNames(error, "post", "author");
    expect(error.problem).toBe("unknownField");
    expect(error.message).toContain("authorID");
  });

  test(".fields() naming a relation rather than a scalar", () => {
    const user = s.model({ id: id(), posts: s.oneToMany(() => post) });
    // @ts-expect-error "author" is a relation, not a scalar field
    const post = s.model({ id: id(), author: s.manyToOne(() => user).fields("author") });
    expect(invalid({ user, post })).toMatchObject({ model: "post", field: "author", problem: "unknownField" });
  });

  test(".fields() differing in count from .references()", () => {
    const user = s.model({ id: id(), code: s.string(), posts: s.oneToMany(() => post) }).unique(["id", "code"]);
    const post = s.model({
      id: id(),
      userId: s.int(),
      author: s
        .manyToOne(() => user)
        .fields("userId")
        .references(["id", "code"]),
    });
    const error = invalid({ user, post });
    expectNames(error, "post", "author");
    expect(error.problem).toBe("fieldsReferencesMismatch");
  });

  test(".fields() differing in count from the target's compound primary key", () => {
    const parent = s.model({ a: s.int(), b: s.int() }).id(["a", "b"]);
    const child = s.model({ id: id(), parentA: s.int(), parent: s.manyToOne(() => parent).fields("parentA") });
    expect(invalid({ parent, child })).toMatchObject({
      model: "child",
      field: "parent",
      problem: "fieldsReferencesMismatch",
    });
  });

  test(".references() naming a missing field on the target", () => {
    const user = s.model({ id: id() });
    const post = s.model({
      id: id(),
      userId: s.int(),
      user: s
        .manyToOne(() => user)
        .fields("userId")
        .references("uid"),
    });
    const error = invalid({ user, post });
    expectNames(error, "post", "user");
    expect(error.problem).toBe("unknownReference");
    expect(error.message).toContain("uid");
  });

  test(".references() naming a field that is neither the primary key nor unique", () => {
    const user = s.model({ id: id(), email: s.string() });
    const post = s.model({
      id: id(),
      email: s.string(),
      user: s
        .manyToOne(() => user)
        .fields("email")
        .references("email"),
    });
    expect(invalid({ user, post })).toMatchObject({ model: "post", field: "user", problem: "referencesNotUnique" });
  });

  test("a foreign key whose type differs from the referenced column", () => {
    const user = s.model({ id: s.string().id() });
    const post = s.model({ id: id(), userId: s.int(), user: s.manyToOne(() => user).fields("userId") });
    expect(invalid({ user, post })).toMatchObject({ model: "post", field: "user", problem: "typeMismatch" });
    // Two strings of different lengths: the message shows what differs, not "(string)" twice.
    const code = s.model({ code: s.string().varchar(20).id() });
    const item = s.model({ id: id(), codeId: s.string(), code: s.manyToOne(() => code).fields("codeId") });
    const error = invalid({ code, item });
    expect(error).toMatchObject({ model: "item", field: "code", problem: "typeMismatch" });
    expect(error.message).toContain("20");
  });

  test("manyToOne without .fields() says which call is missing", () => {
    const user = s.model({ id: id() });
    const post = s.model({ id: id(), author: s.manyToOne(() => user) });
    const error = invalid({ user, post });
    expectNames(error, "post", "author");
    expect(error.problem).toBe("missingFields");
    expect(error.message).toContain(".fields(");
  });

  test("oneToMany without a manyToOne back on the target", () => {
    const post = s.model({ id: id() });
    const user = s.model({ id: id(), posts: s.oneToMany(() => post) });
    expect(invalid({ user, post })).toMatchObject({ model: "user", field: "posts", problem: "missingInverse" });
  });

  test("oneToOne with .fields() on neither side", () => {
    const a = s.model({ id: id(), b: s.oneToOne(() => b) });
    const b = s.model({ id: id(), a: s.oneToOne(() => a) });
    expect(invalid({ a, b })).toMatchObject({ model: "a", field: "b", problem: "missingInverse" });
  });

  test("optional() or setNull on a relation whose field is not nullable", () => {
    const user = s.model({ id: id() });
    const optional = s.model({
      id: id(),
      userId: s.int(),
      user: s
        .manyToOne(() => user)
        .fields("userId")
        .optional(),
    });
    expect(invalid({ user, optional })).toMatchObject({ model: "optional", field: "user", problem: "nullability" });
    const setNull = s.model({
      id: id(),
      userId: s.int(),
      user: s
        .manyToOne(() => user)
        .fields("userId")
        .onDelete("setNull"),
    });
    expect(invalid({ user, setNull })).toMatchObject({ model: "setNull", field: "user", problem: "nullability" });
  });

  test("a referential action that is not one (a plain-JavaScript typo reached DDL as ON DELETE undefined)", () => {
    const user = s.model({ id: id() });
    const post = s.model({
      id: id(),
      userId: s.int(),
      user: s
        .manyToOne(() => user)
        .fields("userId")
        .onDelete("nuke" as never),
    });
    const error = invalid({ user, post });
    expectNames(error, "post", "user");
    expect(error).toMatchObject({ problem: "invalidModifier" });
    expect(error.message).toContain("nuke");
    const tag = s.model({ id: id(), users: s.manyToMany(() => user).onUpdate("delete" as never) });
    expect(invalid({ user, tag })).toMatchObject({ model: "tag", field: "users", problem: "invalidModifier" });
  });

  test("two models mapped to one table", () => {
    const a = s.model({ id: id() }).map("things");
    const b = s.model({ id: id() }).map("things");
    const error = invalid({ a, b });
    expectNames(error, "b");
    expect(error.problem).toBe("duplicateTable");
    expect(error.message).toContain("things");
  });

  test("a model key colliding with another model's mapped table", () => {
    const users = s.model({ id: id() });
    const user = s.model({ id: id() }).map("users");
    expect(invalid({ user, users })).toMatchObject({ model: "users", problem: "duplicateTable" });
  });

  test("a junction table colliding with a model's table", () => {
    const tag = s.model({ id: id() });
    const post = s.model({ id: id(), tags: s.manyToMany(() => tag) });
    const post_tag = s.model({ id: id() });
    expect(invalid({ tag, post, post_tag })).toMatchObject({ model: "post", field: "tags", problem: "duplicateTable" });
  });

  test("two fields mapped to one column", () => {
    const user = s.model({ id: id(), name: s.string(), fullName: s.string().map("name") });
    const error = invalid({ user });
    expectNames(error, "user", "fullName");
    expect(error.problem).toBe("duplicateColumn");
  });

  test("a nativeType that is not a type name; MySQL's SET and ENUM lists are", () => {
    for (const type of ["LONGTEXT; DROP TABLE x", "SET('a') NOT NULL, x int", "ENUM('a\\'', 'b')", "SET('a'"]) {
      const error = invalid({ item: s.model({ id: id(), tag: s.string().nativeType({ mysql: type }) }) });
      expectNames(error, "item", "tag");
      expect(error.message).toContain("not a type name");
    }
    for (const type of ["SET('a','b')", "ENUM('it''s', 'x y')", "VARCHAR(20)", "DECIMAL(10, 2) UNSIGNED", "text[]"])
      expect(() =>
        serializeSchema({ item: s.model({ id: id(), tag: s.string().nativeType({ mysql: type }) }) }),
      ).not.toThrow();
  });

  test("increment() on a non-integer", () => {
    // @ts-expect-error increment() exists only on int and bigInt
    const user = s.model({ id: s.string().id().increment() });
    const error = invalid({ user });
    expectNames(error, "user", "id");
    expect(error.problem).toBe("invalidModifier");
    // @ts-expect-error increment() exists only on int and bigInt
    const float = s.model({ id: id(), n: s.float().increment() });
    expect(invalid({ float })).toMatchObject({ model: "float", field: "n", problem: "invalidModifier" });
    const list = s.model({ id: id(), n: s.int().array().increment() });
    expect(invalid({ list })).toMatchObject({ model: "list", field: "n", problem: "invalidModifier" });
  });

  test("now() and updatedAt() off date/time fields; id generators off strings", () => {
    // @ts-expect-error now() exists only on dateTime, date and time
    expect(invalid({ m: s.model({ id: id(), x: s.int().now() }) })).toMatchObject({ model: "m", field: "x" });
    // @ts-expect-error updatedAt() exists only on dateTime, date and time
    expect(invalid({ m: s.model({ id: id(), x: s.string().updatedAt() }) })).toMatchObject({ model: "m", field: "x" });
    // @ts-expect-error uuid() exists only on strings
    expect(invalid({ m: s.model({ id: s.int().id().uuid() }) })).toMatchObject({ model: "m", field: "id" });
  });

  test("two defaults on one field", () => {
    expect(invalid({ m: s.model({ id: s.int().id().increment().default(1) }) })).toMatchObject({
      model: "m",
      field: "id",
      problem: "conflictingDefaults",
    });
  });

  test("a model without an id", () => {
    const error = invalid({ log: s.model({ message: s.string() }) });
    expectNames(error, "log");
    expect(error.problem).toBe("missingId");
  });

  test("two .id() fields, or .id() and a model .id([...])", () => {
    expect(invalid({ m: s.model({ a: s.int().id(), b: s.int().id() }) })).toMatchObject({
      model: "m",
      field: "b",
      problem: "multipleIds",
    });
    expect(invalid({ m: s.model({ a: s.int().id(), b: s.int() }).id(["a", "b"]) })).toMatchObject({
      model: "m",
      field: "a",
      problem: "multipleIds",
    });
  });

  test("a nullable id", () => {
    expect(invalid({ m: s.model({ a: s.int().id().nullable() }) })).toMatchObject({
      model: "m",
      field: "a",
      problem: "nullableId",
    });
  });

  test("an enum default outside its values", () => {
    // @ts-expect-error "GUEST" is not one of the enum's values
    const user = s.model({ id: id(), role: s.enum(["USER", "ADMIN"]).default("GUEST") });
    const error = invalid({ user });
    expectNames(error, "user", "role");
    expect(error.problem).toBe("invalidDefault");
  });

  test("a default that does not fit the type", () => {
    // @ts-expect-error a string default on an int field
    expect(invalid({ m: s.model({ id: id(), n: s.int().default("1") }) })).toMatchObject({
      model: "m",
      field: "n",
      problem: "invalidDefault",
    });
    expect(invalid({ m: s.model({ id: id(), n: s.int().default(1.5) }) })).toMatchObject({
      field: "n",
      problem: "invalidDefault",
    });
    expect(invalid({ m: s.model({ id: id(), d: s.date().default("2024-02-30") }) })).toMatchObject({
      field: "d",
      problem: "invalidDefault",
    });
    expect(invalid({ m: s.model({ id: id(), t: s.time().default("25:00") }) })).toMatchObject({
      field: "t",
      problem: "invalidDefault",
    });
    expect(invalid({ m: s.model({ id: id(), x: s.decimal().default(1e21) }) })).toMatchObject({
      field: "x",
      problem: "invalidDefault",
    });
    expect(invalid({ m: s.model({ id: id(), d: s.date().default("yesterday") }) })).toMatchObject({
      field: "d",
      problem: "invalidDefault",
    });
    // @ts-expect-error blob fields take only function defaults
    expect(invalid({ m: s.model({ id: id(), b: s.blob().default(new Uint8Array()) }) })).toMatchObject({
      field: "b",
      problem: "invalidDefault",
    });
  });

  test("an enum without values or with a repeated value", () => {
    expect(invalid({ m: s.model({ id: id(), e: s.enum(["A", "A"]) }) })).toMatchObject({
      model: "m",
      field: "e",
      problem: "invalidEnum",
    });
    // @ts-expect-error an enum needs at least one value
    expect(invalid({ m: s.model({ id: id(), e: s.enum([]) }) })).toMatchObject({
      model: "m",
      field: "e",
      problem: "invalidEnum",
    });
  });

  test("one enum name with different values", () => {
    const a = s.model({ id: id(), mood: s.enum(["HAPPY", "SAD"], { name: "mood" }) });
    const b = s.model({ id: id(), mood: s.enum(["HAPPY"], { name: "mood" }) });
    expect(invalid({ a, b })).toMatchObject({ model: "b", field: "mood", problem: "enumConflict" });
  });

  test("decimal precision and scale out of range", () => {
    expect(invalid({ m: s.model({ id: id(), d: s.decimal(5, 6) }) })).toMatchObject({
      model: "m",
      field: "d",
      problem: "invalidModifier",
    });
  });

  test.each([
    ["index", (m: ReturnType<typeof base>) => m.index(["name", "nope" as "name"])],
    ["unique", (m: ReturnType<typeof base>) => m.unique("nope" as "name")],
    ["compound id", () => s.model({ name: s.string() }).id(["name", "nope" as "name"])],
  ])("%s on an unknown field", (_, build) => {
    const error = invalid({ m: build(base()) });
    expectNames(error, "m", "nope");
    expect(error.problem).toBe("unknownField");
  });

  test("an index on a relation field", () => {
    const user = s.model({ id: id(), posts: s.oneToMany(() => post) });
    const post = s.model({ id: id(), userId: s.int(), user: s.manyToOne(() => user).fields("userId") });
    // @ts-expect-error indexes take scalar fields only
    expect(invalid({ user: user.index("posts"), post })).toMatchObject({
      model: "user",
      field: "posts",
      problem: "unknownField",
    });
  });

  test("two indexes or constraints with one name", () => {
    const m = s
      .model({ id: id(), a: s.string(), b: s.string() })
      .index("a", { name: "same" })
      .unique("b", { name: "same" });
    expect(invalid({ m })).toMatchObject({ model: "m", problem: "duplicateName" });
  });

  test("an index or enum type named like a table", () => {
    const other = s.model({ id: id() });
    const m = s.model({ id: id(), a: s.string() }).index("a", { name: "other" });
    expect(invalid({ m, other })).toMatchObject({ model: "other", problem: "duplicateName" });
    const e = s.model({ id: id(), mood: s.enum(["A"], { name: "other" }) });
    expect(invalid({ e, other })).toMatchObject({ model: "e", field: "mood", problem: "duplicateName" });
  });

  test("a user-given name longer than the identifier limit", () => {
    const long = "t".repeat(64);
    expect(invalid({ m: s.model({ id: id() }).map(long) })).toMatchObject({ model: "m", problem: "invalidName" });
    expect(invalid({ m: s.model({ id: id().map(long) }) })).toMatchObject({
      model: "m",
      field: "id",
      problem: "invalidName",
    });
  });

  test("a table named like viborm's own (_viborm_*), in any case", () => {
    for (const name of ["_viborm_migrations", "_VIBORM_progress", "_viborm_x"]) {
      const problem = invalid({ m: s.model({ id: id() }).map(name) });
      expect(problem).toMatchObject({ model: "m", problem: "reservedName" });
      expect(problem.message).toContain("_viborm_");
    }
    expect(invalid({ _viborm_log: s.model({ id: id() }) })).toMatchObject({ problem: "reservedName" });
  });

  test("two many-to-many relations sharing a junction table", () => {
    const tag = s.model({ id: id() });
    const post = s.model({ id: id(), tags: s.manyToMany(() => tag), more: s.manyToMany(() => tag) });
    expect(invalid({ tag, post })).toMatchObject({ model: "post", field: "more", problem: "junctionConflict" });
  });

  test("one .through() name joining different pairs of models", () => {
    const a = s.model({ id: id() });
    const b = s.model({ id: id() });
    const c = s.model({
      id: id(),
      as: s.manyToMany(() => a).through("links"),
      bs: s.manyToMany(() => b).through("links"),
    });
    expect(invalid({ a, b, c })).toMatchObject({ model: "c", field: "bs", problem: "junctionConflict" });
  });

  test("relation methods a kind does not take", () => {
    const tag = s.model({ id: id() });
    const misuse = (s.manyToMany(() => tag) as unknown as { fields(f: string): never }).fields("id");
    expect(invalid({ tag, post: s.model({ id: id(), tags: misuse }) })).toMatchObject({
      model: "post",
      field: "tags",
      problem: "invalidModifier",
    });
    const through = (s.manyToOne(() => tag) as unknown as { through(t: string): never }).through("x");
    expect(invalid({ tag, post: s.model({ id: id(), tag: through }) })).toMatchObject({
      model: "post",
      field: "tag",
      problem: "invalidModifier",
    });
  });

  test("a value in the schema that is not a model, or the same model twice", () => {
    expect(invalid({ m: { id: 1 } })).toMatchObject({ model: "m", problem: "notAModel" });
    const m = s.model({ id: id() });
    expect(invalid({ a: m, b: m })).toMatchObject({ model: "b", problem: "duplicateModel" });
  });
});

function base() {
  return s.model({ id: id(), name: s.string() });
}

describe("SQL fragments in a schema are refused when they cannot be pasted into DDL", () => {
  const ledger = () => s.model({ id: id(), amount: s.int(), note: s.string() });

  test.each([
    ["amount >= 0 -- no refunds", /line comment/],
    ["amount >= 0; DROP TABLE ledger", /`;`/],
    ["amount >= 0) OR (1 = 1", /closes a bracket/],
    ["(amount >= 0", /bracket open/],
    ["note <> 'x", /unterminated ' quote/],
    ["amount >= 0 /* no refunds", /unterminated \/\* comment/],
  ])("check %s", (expression, reason) => {
    const error = invalid({ ledger: ledger().check("ledger_ok", expression) });
    expectNames(error, "ledger");
    expect(error.problem).toBe("invalidModifier");
    expect(error.message).toMatch(reason);
  });

  test("a partial index's predicate too", () => {
    const error = invalid({ ledger: ledger().index(["amount"], { where: "note IS NULL -- soft-deleted" }) });
    expectNames(error, "ledger");
    expect(error.message).toMatch(/where predicate contains a line comment/);
  });

  test("comment markers and semicolons inside literals and quoted names are fine", () => {
    const schema = {
      ledger: ledger()
        .check("ledger_note_ok", `note <> '--' AND note <> ';' AND "note" <> 'it''s (' /* kept */`)
        .index(["amount"], { where: "note <> '-- x'" }),
    };
    expect(serializeSchema(schema).tables[0]!.checks).toHaveLength(1);
  });
});
