import { getModelDefinition, s } from "viborm";
import { describe, expect, test } from "vitest";
import { post, user } from "../../examples/schema.js";

describe("getModelDefinition", () => {
  test("exposes each field's column and how the client fills it", () => {
    const definition = getModelDefinition(user);
    expect(definition.table).toBe("users");
    expect(definition.id).toEqual(["id"]);
    expect(definition.fields.id).toMatchObject({
      type: "scalar",
      kind: "string",
      column: "id",
      id: true,
      default: { kind: "generator", generator: "uuid" },
    });
    expect(definition.fields.role).toMatchObject({
      kind: "enum",
      enumValues: ["USER", "ADMIN"],
      default: { kind: "literal", value: "USER" },
    });
    expect(definition.fields.createdAt).toMatchObject({ default: { kind: "now" }, updatedAt: false });
    expect(definition.fields.posts).toMatchObject({ type: "relation", kind: "oneToMany" });
    expect(Object.keys(definition.fields)).toEqual(["id", "email", "name", "role", "createdAt", "posts"]);
  });

  test("client-side generators and function defaults, which the snapshot leaves out", () => {
    const makeSlug = () => "slug";
    const m = s
      .model({
        tenant: s.int(),
        key: s.string().cuid().map("the_key"),
        slug: s.string().default(makeSlug),
        touchedAt: s.dateTime().updatedAt(),
      })
      .id(["tenant", "key"]);
    const definition = getModelDefinition(m);
    expect(definition.table).toBeUndefined();
    expect(definition.id).toEqual(["tenant", "key"]);
    expect(definition.fields.key).toMatchObject({
      column: "the_key",
      default: { kind: "generator", generator: "cuid" },
    });
    expect(definition.fields.slug).toMatchObject({ default: { kind: "function", fn: makeSlug } });
    expect(definition.fields.touchedAt).toMatchObject({ updatedAt: true, default: undefined });
  });

  test("relations keep their target thunk and foreign-key settings", () => {
    const author = getModelDefinition(post).fields.author;
    expect(author).toMatchObject({
      type: "relation",
      kind: "manyToOne",
      fields: ["authorId"],
      references: ["id"],
      onDelete: "cascade",
    });
    expect(author?.type === "relation" && author.target()).toBe(user);
  });

  test('model and field state is readable through ["~"]', () => {
    expect(user["~"].table).toBe("users");
    expect(user["~"].indexes).toEqual([{ fields: ["role", "createdAt"] }]);
    expect(user["~"].fields.email["~"]).toMatchObject({ type: "scalar", kind: "string", unique: true });
  });
});
