import { s, serializeSchema, type Table } from "viborm";
import { describe, expect, test } from "vitest";

function table(snapshot: { tables: Table[] }, name: string): Table {
  const found = snapshot.tables.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no table ${name} in ${snapshot.tables.map((t) => t.name).join(", ")}`);
  return found;
}

describe("to-one relations", () => {
  const user = s.model({ id: s.string().id(), posts: s.oneToMany(() => post) }).map("users");
  const post = s.model({
    id: s.int().id().increment(),
    authorId: s.string().map("author_id"),
    author: s.manyToOne(() => user).fields("authorId"),
  });

  test("manyToOne with .fields() owns a foreign key to the target's primary key, noAction by default", () => {
    const snapshot = serializeSchema({ user, post });
    expect(table(snapshot, "post").foreignKeys).toEqual([
      {
        name: "post_author_id_fkey",
        columns: ["author_id"],
        referencedTable: "users",
        referencedColumns: ["id"],
        onDelete: "noAction",
        onUpdate: "noAction",
      },
    ]);
    expect(table(snapshot, "users").foreignKeys).toEqual([]);
    expect(table(snapshot, "users").columns.map((column) => column.name)).toEqual(["id"]);
  });

  test("onDelete, onUpdate and references to a unique field", () => {
    const account = s.model({ id: s.int().id(), email: s.string().unique().map("mail") });
    const session = s.model({
      id: s.int().id(),
      email: s.string().nullable(),
      account: s
        .manyToOne(() => account)
        .fields("email")
        .references("email")
        .onDelete("setNull")
        .onUpdate("cascade")
        .optional(),
    });
    const snapshot = serializeSchema({ account, session });
    expect(table(snapshot, "session").foreignKeys).toEqual([
      {
        name: "session_email_fkey",
        columns: ["email"],
        referencedTable: "account",
        referencedColumns: ["mail"],
        onDelete: "setNull",
        onUpdate: "cascade",
      },
    ]);
  });

  test("compound foreign key to a compound primary key, field lists in order", () => {
    const parent = s.model({ tenant: s.int(), code: s.string() }).id(["tenant", "code"]);
    const child = s.model({
      id: s.int().id(),
      parentCode: s.string(),
      parentTenant: s.int(),
      parent: s
        .manyToOne(() => parent)
        .fields(["parentTenant", "parentCode"])
        .references(["tenant", "code"]),
    });
    const snapshot = serializeSchema({ parent, child });
    expect(table(snapshot, "parent").primaryKey).toEqual({ columns: ["tenant", "code"] });
    expect(table(snapshot, "child").foreignKeys[0]).toMatchObject({
      name: "child_parentTenant_parentCode_fkey",
      columns: ["parentTenant", "parentCode"],
      referencedColumns: ["tenant", "code"],
    });
  });

  test("oneToOne: the side with .fields() gets the foreign key and a unique on it; the other side nothing", () => {
    const account = s.model({ id: s.int().id(), profile: s.oneToOne(() => profile) });
    const profile = s.model({
      id: s.int().id(),
      accountId: s.int(),
      account: s
        .oneToOne(() => account)
        .fields("accountId")
        .onDelete("cascade"),
    });
    const snapshot = serializeSchema({ account, profile });
    expect(table(snapshot, "profile").uniques).toEqual([{ name: "profile_accountId_key", columns: ["accountId"] }]);
    expect(table(snapshot, "profile").foreignKeys[0]).toMatchObject({ columns: ["accountId"], onDelete: "cascade" });
    expect(table(snapshot, "account")).toMatchObject({ uniques: [], foreignKeys: [] });
  });

  test("oneToOne whose field is already unique gets no second unique", () => {
    const account = s.model({ id: s.int().id() });
    const profile = s.model({
      id: s.int().id(),
      accountId: s.int().unique(),
      account: s.oneToOne(() => account).fields("accountId"),
    });
    expect(table(serializeSchema({ account, profile }), "profile").uniques).toEqual([
      { name: "profile_accountId_key", columns: ["accountId"] },
    ]);
  });

  test("self-relation", () => {
    const node = s.model({
      id: s.int().id(),
      parentId: s.int().nullable(),
      parent: s
        .manyToOne(() => node)
        .fields("parentId")
        .onDelete("setNull")
        .optional(),
      children: s.oneToMany(() => node),
    });
    expect(table(serializeSchema({ node }), "node").foreignKeys).toEqual([
      {
        name: "node_parentId_fkey",
        columns: ["parentId"],
        referencedTable: "node",
        referencedColumns: ["id"],
        onDelete: "setNull",
        onUpdate: "noAction",
      },
    ]);
  });
});

describe("many-to-many junction tables", () => {
  test("one side declared: <a>_<b> with sorted FK columns, compound key, index on the second, cascading FKs", () => {
    const tag = s.model({ id: s.int().id() });
    const post = s.model({ id: s.string().id(), tags: s.manyToMany(() => tag) });
    const snapshot = serializeSchema({ tag, post });
    expect(table(snapshot, "post_tag")).toEqual({
      name: "post_tag",
      columns: [
        {
          name: "post_id",
          type: { kind: "string" },
          array: false,
          nullable: false,
          default: null,
          autoIncrement: false,
        },
        { name: "tag_id", type: { kind: "int" }, array: false, nullable: false, default: null, autoIncrement: false },
      ],
      primaryKey: { columns: ["post_id", "tag_id"] },
      uniques: [],
      indexes: [{ name: "post_tag_tag_id_idx", columns: ["tag_id"], unique: false }],
      foreignKeys: [
        {
          name: "post_tag_post_id_fkey",
          columns: ["post_id"],
          referencedTable: "post",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "cascade",
        },
        {
          name: "post_tag_tag_id_fkey",
          columns: ["tag_id"],
          referencedTable: "tag",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "cascade",
        },
      ],
    });
  });

  test("both sides declared make one junction table, the same whichever side is declared", () => {
    const tagA = s.model({ id: s.int().id(), posts: s.manyToMany(() => postA) });
    const postA = s.model({ id: s.int().id(), tags: s.manyToMany(() => tagA) });
    const both = serializeSchema({ tag: tagA, post: postA });
    expect(both.tables.map((t) => t.name)).toEqual(["post", "post_tag", "tag"]);

    const tagB = s.model({ id: s.int().id(), posts: s.manyToMany(() => postB) });
    const postB = s.model({ id: s.int().id() });
    expect(table(serializeSchema({ tag: tagB, post: postB }), "post_tag")).toEqual(table(both, "post_tag"));
  });

  test("junction names and columns use mapped table and column names", () => {
    const tag = s.model({ key: s.string().id().map("tag_key") }).map("labels");
    const post = s.model({ id: s.int().id().map("post_id"), tags: s.manyToMany(() => tag) }).map("articles");
    const junction = table(serializeSchema({ tag, post }), "articles_labels");
    expect(junction.columns.map((column) => column.name)).toEqual(["articles_post_id", "labels_tag_key"]);
    expect(junction.foreignKeys.map((fk) => [fk.referencedTable, fk.referencedColumns])).toEqual([
      ["articles", ["post_id"]],
      ["labels", ["tag_key"]],
    ]);
  });

  test(".through(name) names the table; declaring it on one side is enough", () => {
    const tag = s.model({ id: s.int().id(), posts: s.manyToMany(() => post) });
    const post = s.model({ id: s.int().id(), tags: s.manyToMany(() => tag).through("post_tags") });
    const snapshot = serializeSchema({ tag, post });
    expect(snapshot.tables.map((t) => t.name)).toEqual(["post", "post_tags", "tag"]);
    expect(table(snapshot, "post_tags").indexes).toEqual([
      { name: "post_tags_tag_id_idx", columns: ["tag_id"], unique: false },
    ]);
  });

  test("two relations between the same models, each with its own .through()", () => {
    const tag = s.model({ id: s.int().id() });
    const post = s.model({
      id: s.int().id(),
      tags: s.manyToMany(() => tag).through("post_tags"),
      featured: s.manyToMany(() => tag).through("post_featured_tags"),
    });
    expect(serializeSchema({ tag, post }).tables.map((t) => t.name)).toEqual([
      "post",
      "post_featured_tags",
      "post_tags",
      "tag",
    ]);
  });

  test("self-relation: columns end in _a and _b; declared from both ends it is still one table", () => {
    const user = s.model({
      id: s.int().id(),
      followers: s.manyToMany(() => user),
      following: s.manyToMany(() => user),
    });
    const snapshot = serializeSchema({ user });
    expect(snapshot.tables.map((t) => t.name)).toEqual(["user", "user_user"]);
    const junction = table(snapshot, "user_user");
    expect(junction.columns.map((column) => column.name)).toEqual(["user_id_a", "user_id_b"]);
    expect(junction.primaryKey).toEqual({ columns: ["user_id_a", "user_id_b"] });
    expect(junction.indexes).toEqual([{ name: "user_user_user_id_b_idx", columns: ["user_id_b"], unique: false }]);
    expect(junction.foreignKeys.map((fk) => [fk.name, fk.columns, fk.referencedTable])).toEqual([
      ["user_user_user_id_a_fkey", ["user_id_a"], "user"],
      ["user_user_user_id_b_fkey", ["user_id_b"], "user"],
    ]);
  });

  test("compound primary keys give one junction column per key column", () => {
    const a = s.model({ x: s.int(), y: s.string(), bs: s.manyToMany(() => b) }).id(["x", "y"]);
    const b = s.model({ id: s.int().id() });
    const junction = table(serializeSchema({ a, b }), "a_b");
    expect(junction.columns.map((column) => column.name)).toEqual(["a_x", "a_y", "b_id"]);
    expect(junction.foreignKeys[0]).toMatchObject({ columns: ["a_x", "a_y"], referencedColumns: ["x", "y"] });
  });

  test("onDelete/onUpdate on a many-to-many apply to both junction keys", () => {
    const tag = s.model({ id: s.int().id() });
    const post = s.model({
      id: s.int().id(),
      tags: s
        .manyToMany(() => tag)
        .onDelete("restrict")
        .onUpdate("noAction"),
    });
    const fks = table(serializeSchema({ tag, post }), "post_tag").foreignKeys;
    expect(fks.map((fk) => [fk.onDelete, fk.onUpdate])).toEqual([
      ["restrict", "noAction"],
      ["restrict", "noAction"],
    ]);
  });

  test("the junction copies the referenced column types (an enum key reuses its enum)", () => {
    const color = s.model({ code: s.enum(["RED", "BLUE"], { name: "color_code" }).id() });
    const car = s.model({ vin: s.string().id(), colors: s.manyToMany(() => color) });
    const snapshot = serializeSchema({ color, car });
    expect(table(snapshot, "car_color").columns[1]!.type).toEqual({
      kind: "enum",
      name: "color_code",
      values: ["RED", "BLUE"],
    });
    expect(snapshot.enums).toEqual([{ name: "color_code", values: ["RED", "BLUE"] }]);
  });
});
