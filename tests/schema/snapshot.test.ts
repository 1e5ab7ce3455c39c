import {
  type Column,
  isVibormError,
  type Snapshot,
  s,
  serializeSchema,
  snapshotFromJson,
  snapshotToJson,
} from "viborm";
import { describe, expect, test } from "vitest";
import { post, schema, tag, user } from "../../examples/schema.js";
import { FIXTURES } from "../helpers/fixtures.js";

const column = (
  name: string,
  kind: "int" | "bigInt" | "string" | "dateTime" | "enum",
  extra: Partial<Column> = {},
): Column => ({
  name,
  type: { kind } as Column["type"],
  array: false,
  nullable: false,
  default: null,
  autoIncrement: false,
  ...extra,
});

/** DESIGN.md's example schema, serialised by hand. */
const DESIGN_SNAPSHOT: Snapshot = {
  version: 1,
  tables: [
    {
      name: "post",
      columns: [
        column("id", "int", { autoIncrement: true }),
        column("title", "string"),
        column("views", "bigInt", { default: { kind: "literal", value: "0" } }),
        column("authorId", "string"),
      ],
      primaryKey: { columns: ["id"] },
      uniques: [],
      indexes: [],
      foreignKeys: [
        {
          name: "post_authorId_fkey",
          columns: ["authorId"],
          referencedTable: "users",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction",
        },
      ],
    },
    {
      name: "post_tag",
      columns: [column("post_id", "int"), column("tag_id", "int")],
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
    },
    {
      name: "tag",
      columns: [column("id", "int", { autoIncrement: true }), column("label", "string")],
      primaryKey: { columns: ["id"] },
      uniques: [{ name: "tag_label_key", columns: ["label"] }],
      indexes: [],
      foreignKeys: [],
    },
    {
      name: "users",
      columns: [
        column("id", "string", { default: { kind: "uuid" } }),
        column("email", "string"),
        column("name", "string", { nullable: true }),
        {
          ...column("role", "enum"),
          type: { kind: "enum", name: "users_role", values: ["USER", "ADMIN"] },
          default: { kind: "literal", value: "USER" },
        },
        column("createdAt", "dateTime", { default: { kind: "now" } }),
      ],
      primaryKey: { columns: ["id"] },
      uniques: [{ name: "users_email_key", columns: ["email"] }],
      indexes: [{ name: "users_role_createdAt_idx", columns: ["role", "createdAt"], unique: false }],
      foreignKeys: [],
    },
  ],
  enums: [{ name: "users_role", values: ["USER", "ADMIN"] }],
};

describe("the DESIGN.md example", () => {
  test("serialises to the exact expected snapshot", () => {
    expect(serializeSchema(schema)).toStrictEqual(DESIGN_SNAPSHOT);
  });

  test("every shared fixture schema serialises", () => {
    for (const fixture of FIXTURES) expect(() => serializeSchema(fixture.schema), fixture.name).not.toThrow();
  });
});

describe("determinism", () => {
  test("serialising twice gives byte-identical JSON", () => {
    expect(snapshotToJson(serializeSchema(schema))).toBe(snapshotToJson(serializeSchema(schema)));
  });

  test("the order of models in the schema object does not matter", () => {
    const a = snapshotToJson(serializeSchema({ user, post, tag }));
    const b = snapshotToJson(serializeSchema({ tag, post, user }));
    const c = snapshotToJson(serializeSchema({ post, tag, user }));
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  test("the order of .index() and .unique() calls does not matter; column order follows the fields", () => {
    const build = (flip: boolean) => {
      const m = s.model({ id: s.int().id(), a: s.string(), b: s.string() });
      return flip ? m.index("b").index("a").unique("b").unique("a") : m.index("a").index("b").unique("a").unique("b");
    };
    expect(snapshotToJson(serializeSchema({ m: build(true) }))).toBe(
      snapshotToJson(serializeSchema({ m: build(false) })),
    );
    const reversed = s.model({ b: s.string(), a: s.string(), id: s.int().id() });
    expect(serializeSchema({ m: reversed }).tables[0]!.columns.map((c) => c.name)).toEqual(["b", "a", "id"]);
  });
});

describe("snapshot JSON", () => {
  test("sorted keys, 2-space indent, trailing newline", () => {
    const json = snapshotToJson(serializeSchema({ tag }));
    expect(json.endsWith("}\n")).toBe(true);
    expect(json.startsWith('{\n  "enums": [],\n  "tables": [\n    {\n      "columns": [\n')).toBe(true);
    expect(json).toContain('"type": {\n            "kind": "int"\n          }');
  });

  test("round-trips through snapshotFromJson", () => {
    const snapshot = serializeSchema(schema);
    const parsed = snapshotFromJson(snapshotToJson(snapshot));
    expect(parsed).toStrictEqual(snapshot);
    const everything = FIXTURES.map((fixture) => serializeSchema(fixture.schema));
    for (const one of everything) expect(snapshotFromJson(snapshotToJson(one))).toStrictEqual(one);
  });

  test("keys that look like integers are still sorted as strings", () => {
    const snapshot = serializeSchema({ m: s.model({ id: s.int().id(), j: s.json().default({ 10: 1, 2: 2, a: 3 }) }) });
    expect(snapshot.tables[0]!.columns[1]!.default).toEqual({ kind: "literal", value: '{"10":1,"2":2,"a":3}' });
  });

  test.each([
    ["not JSON", "{", "snapshot"],
    ["wrong version", '{"version":2,"tables":[],"enums":[]}', "$.version"],
    ["tables missing", '{"version":1,"enums":[]}', "$.tables"],
    [
      "bad column type",
      '{"version":1,"enums":[],"tables":[{"name":"t","columns":[{"name":"c","type":{"kind":"text"},"array":false,"nullable":false,"default":null,"autoIncrement":false}],"primaryKey":null,"uniques":[],"indexes":[],"foreignKeys":[]}]}',
      "$.tables[0].columns[0].type.kind",
    ],
    [
      "bad action",
      '{"version":1,"enums":[],"tables":[{"name":"t","columns":[],"primaryKey":null,"uniques":[],"indexes":[],"foreignKeys":[{"name":"f","columns":["a"],"referencedTable":"u","referencedColumns":["b"],"onDelete":"drop","onUpdate":"cascade"}]}]}',
      "$.tables[0].foreignKeys[0].onDelete",
    ],
  ])("rejects garbage: %s", (_, text, path) => {
    try {
      snapshotFromJson(text);
      expect.unreachable();
    } catch (error) {
      expect(isVibormError(error, "INVALID_ARGUMENT")).toBe(true);
      const meta = (error as { meta: { argument: string; value?: unknown } }).meta;
      expect(meta.argument).toBe("snapshot");
      if (path !== "snapshot") expect(meta.value).toBe(path);
    }
  });
});
