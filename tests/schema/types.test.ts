/**
 * Type-level tests: checked by the type checker (`tsc --noEmit`), each `@ts-expect-error` line must
 * fail to compile; vitest also runs the file, so every builder call here is valid at run time.
 */

import { type FieldValue, type Model, type ScalarField, type Schema, s, serializeSchema } from "viborm";
import { describe, expectTypeOf, test } from "vitest";

/** The value type a scalar builder infers. */
type ValueOf<B> = B extends { readonly "~types"?: { value: infer V } } ? V : never;

describe("types flow from the builders", () => {
  test("scalar value types, nullable and array", () => {
    expectTypeOf<ValueOf<ReturnType<typeof s.string>>>().toEqualTypeOf<string>();
    expectTypeOf<ValueOf<ReturnType<typeof s.int>>>().toEqualTypeOf<number>();
    expectTypeOf<ValueOf<ReturnType<typeof s.bigInt>>>().toEqualTypeOf<bigint>();
    expectTypeOf<ValueOf<ReturnType<typeof s.decimal>>>().toEqualTypeOf<string>();
    expectTypeOf<ValueOf<ReturnType<typeof s.dateTime>>>().toEqualTypeOf<Date>();
    expectTypeOf<ValueOf<ReturnType<typeof s.blob>>>().toEqualTypeOf<Uint8Array>();
    const role = s.enum(["USER", "ADMIN"]).nullable();
    expectTypeOf<ValueOf<typeof role>>().toEqualTypeOf<"USER" | "ADMIN" | null>();
    const tags = s.string().array();
    expectTypeOf<ValueOf<typeof tags>>().toEqualTypeOf<string[]>();
    expectTypeOf<FieldValue<number, { nullable: true; array: true; hasDefault: false }>>().toEqualTypeOf<
      number[] | null
    >();
  });

  test("defaults and generators make a field optional on create", () => {
    const plain = s.int();
    const counted = s.int().increment();
    expectTypeOf<NonNullable<(typeof plain)["~types"]>["flags"]["hasDefault"]>().toEqualTypeOf<false>();
    expectTypeOf<NonNullable<(typeof counted)["~types"]>["flags"]["hasDefault"]>().toEqualTypeOf<true>();
  });

  test("kind-specific modifiers exist only where they fit", () => {
    expectTypeOf(s.int()).toHaveProperty("increment");
    expectTypeOf(s.bigInt()).toHaveProperty("increment");
    expectTypeOf(s.string()).toHaveProperty("uuid");
    expectTypeOf(s.date()).toHaveProperty("now");
    expectTypeOf(s.time()).toHaveProperty("updatedAt");
    expectTypeOf(s.string()).not.toHaveProperty("increment");
    expectTypeOf(s.float()).not.toHaveProperty("increment");
    expectTypeOf(s.int()).not.toHaveProperty("now");
    expectTypeOf(s.int()).not.toHaveProperty("uuid");
    expectTypeOf<ScalarField<"json", unknown>>().not.toHaveProperty("cuid");
  });

  test("mutually referencing and self-referencing models keep their types", () => {
    const user = s.model({ id: s.string().id(), posts: s.oneToMany(() => post) }).map("users");
    const post = s.model({
      id: s.int().id(),
      authorId: s.string(),
      author: s
        .manyToOne(() => user)
        .fields("authorId")
        .references("id"),
      parentId: s.int().nullable(),
      parent: s
        .manyToOne(() => post)
        .fields("parentId")
        .references("id")
        .optional(),
    });
    type Target = ReturnType<NonNullable<(typeof post)["~"]["fields"]["author"]["~types"]>["target"]>;
    expectTypeOf<Target>().toEqualTypeOf<typeof user>();
    expectTypeOf(user).not.toBeAny();
    expectTypeOf(post).toExtend<Model>();
    const schema = { user, post };
    expectTypeOf(schema).toExtend<Schema>();
    serializeSchema(schema);
  });
});

describe("misuse is a type error", () => {
  test("modifiers on the wrong kind", () => {
    // @ts-expect-error increment() exists only on int and bigInt
    s.string().increment;
    // @ts-expect-error now() exists only on dateTime, date and time
    s.int().now;
    // @ts-expect-error updatedAt() exists only on dateTime, date and time
    s.boolean().updatedAt;
    // @ts-expect-error id generators exist only on strings
    s.int().uuid;
  });

  test("defaults of the wrong type", () => {
    // @ts-expect-error "C" is not one of the enum's values
    s.enum(["A", "B"]).default("C");
    // @ts-expect-error a string default on an int field
    s.int().default("1");
    // @ts-expect-error a number default on a bigInt field
    s.bigInt().default(1);
    // @ts-expect-error an array field takes an array default
    s.string().array().default("a");
    s.string().array().default(["a"]);
    s.enum(["A", "B"]).default(() => "A");
  });

  test("model field lists name scalar fields", () => {
    const user = s.model({ id: s.int().id(), email: s.string(), posts: s.oneToMany(() => post) });
    const post = s.model({ id: s.int().id(), userId: s.int(), user: s.manyToOne(() => user).fields("userId") });
    user.index(["email", "id"]).unique("email").id(["id"]);
    // @ts-expect-error "nope" is not a field
    user.index("nope");
    // @ts-expect-error "posts" is a relation, not a scalar field
    user.unique(["posts"]);
    // @ts-expect-error "nope" is not a field
    user.id(["nope"]);
  });

  test(".fields() names a scalar field of the model", () => {
    const user = s.model({ id: s.int().id() });
    s.model({
      id: s.int().id(),
      userId: s.int(),
      // @ts-expect-error "userID" is not a field of this model
      user: s.manyToOne(() => user).fields("userID"),
    });
  });

  test("relation methods exist only on the kinds that take them", () => {
    const tag = s.model({ id: s.int().id() });
    // @ts-expect-error oneToMany takes no .fields()
    s.oneToMany(() => tag).fields;
    // @ts-expect-error only manyToMany takes .through()
    s.manyToOne(() => tag).through;
    // @ts-expect-error manyToMany takes no .references()
    s.manyToMany(() => tag).references;
    // @ts-expect-error not a referential action
    s.manyToOne(() => tag).onDelete("delete");
  });
});
