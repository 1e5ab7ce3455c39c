/**
 * Hand-written snapshots covering every scalar, modifier, default kind, enum, key, index and
 * foreign-key action, plus reserved and odd names. `exact` ones are already in the form SQLite
 * keeps (introspection must return them unchanged); the others need `normalize`.
 */
import type { ColumnType, ForeignKey, ReferentialAction, Snapshot } from "../../../src/schema/snapshot.js";
import { col, snapshot, table } from "./helpers.js";

export interface CorpusEntry {
  name: string;
  snapshot: Snapshot;
  /** Introspection returns the snapshot itself, without normalisation. */
  exact: boolean;
}

const role: ColumnType = { kind: "enum", name: "Role", values: ["USER", "ADMIN", "it's"] };
const weirdEnum: ColumnType = { kind: "enum", name: 'we"ird', values: ["a", "b"] };

function fk(
  name: string,
  columns: string[],
  referencedTable: string,
  referencedColumns: string[],
  onDelete: ReferentialAction = "noAction",
  onUpdate: ReferentialAction = "noAction",
): ForeignKey {
  return { name, columns, referencedTable, referencedColumns, onDelete, onUpdate };
}

export const CORPUS: CorpusEntry[] = [
  {
    name: "every scalar, nullable and not",
    exact: true,
    snapshot: snapshot([
      table("scalars", [
        col("id", "int"),
        col("text", "string"),
        col("short", "string", { nullable: true }),
        col("count", "int", { nullable: true }),
        col("big", "bigInt"),
        col("ratio", "float", { nullable: true }),
        col("price", { kind: "decimal", precision: 10, scale: 2 }),
        col("flag", "boolean"),
        col("at", "dateTime", { nullable: true }),
        col("day", "date"),
        col("clock", "time", { nullable: true }),
        col("doc", "json"),
        col("bytes", "blob", { nullable: true }),
        col("role", role),
      ]),
    ]),
  },
  {
    name: "every default kind",
    exact: true,
    snapshot: snapshot([
      table("defaults", [
        col("id", "int"),
        col("quote", "string", { default: { kind: "literal", value: "it's" } }),
        col("empty", "string", { default: { kind: "literal", value: "" } }),
        col("answer", "int", { default: { kind: "literal", value: 42 } }),
        col("below", "int", { default: { kind: "literal", value: -7 } }),
        col("big", "bigInt", { default: { kind: "literal", value: "9007199254740993" } }),
        col("ratio", "float", { default: { kind: "literal", value: 1.5 } }),
        col("price", { kind: "decimal", precision: 12, scale: 2 }, { default: { kind: "literal", value: "12.50" } }),
        col("yes", "boolean", { default: { kind: "literal", value: true } }),
        col("no", "boolean", { default: { kind: "literal", value: false } }),
        col("doc", "json", { default: { kind: "literal", value: '{"a":[1,2],"b":"it\'s"}' } }),
        col("fixed_at", "dateTime", { default: { kind: "literal", value: "2024-01-01T00:00:00.000Z" } }),
        col("fixed_day", "date", { default: { kind: "literal", value: "2024-01-01" } }),
        col("fixed_clock", "time", { default: { kind: "literal", value: "12:30:00" } }),
        col("created_at", "dateTime", { default: { kind: "now" } }),
        col("created_on", "date", { default: { kind: "now" } }),
        col("created_time", "time", { default: { kind: "now" } }),
        col("lowered", "string", { default: { kind: "sql", expression: "lower('ABC')" } }),
        col("bytes", "blob", { default: { kind: "sql", expression: "X'00FF'" } }),
        col("role", role, { default: { kind: "literal", value: "USER" } }),
      ]),
    ]),
  },
  {
    name: "enums shared, several per table, with odd values",
    exact: true,
    snapshot: snapshot([
      table("a", [col("id", "int"), col("role", role), col("other", weirdEnum, { nullable: true })]),
      table("b", [col("id", "int"), col("role", role, { nullable: true })]),
    ]),
  },
  {
    name: "auto-increment keys",
    exact: true,
    snapshot: snapshot([table("counter", [col("id", "int", { autoIncrement: true }), col("label", "string")])]),
  },
  {
    name: "compound keys, uniques and indexes",
    exact: true,
    snapshot: snapshot([
      table(
        "membership",
        [
          col("org", "int"),
          col("member", "string"),
          col("email", "string"),
          col("nick", "string", { nullable: true }),
          col("deleted_at", "dateTime", { nullable: true }),
        ],
        ["org", "member"],
        {
          uniques: [
            { name: "membership_email_key", columns: ["email"] },
            { name: "membership_org_nick_key", columns: ["org", "nick"] },
          ],
          indexes: [
            { name: "membership_nick_idx", columns: ["nick"], unique: false },
            { name: "by_org_and_member", columns: ["org", "member", "deleted_at"], unique: false },
            { name: "live_email", columns: ["email"], unique: true, where: '"deleted_at" IS NULL' },
            { name: "recent", columns: ["deleted_at"], unique: false, where: "\"deleted_at\" > '2024-01-01'" },
          ],
        },
      ),
    ]),
  },
  {
    name: "self and cross-table foreign keys with every action",
    exact: true,
    snapshot: snapshot([
      table("parent", [col("id", "int"), col("code", "string"), col("parent_id", "int", { nullable: true })], ["id"], {
        uniques: [{ name: "parent_code_key", columns: ["code"] }],
        foreignKeys: [fk("parent_parent_id_fkey", ["parent_id"], "parent", ["id"], "setNull", "cascade")],
      }),
      table(
        "child",
        [
          col("id", "int"),
          col("a", "int"),
          col("b", "int", { nullable: true }),
          col("c", "int", { nullable: true, default: { kind: "literal", value: 0 } }),
          col("d", "int"),
          col("e", "int"),
          col("code", "string", { nullable: true }),
        ],
        ["id"],
        {
          foreignKeys: [
            fk("child_a_fkey", ["a"], "parent", ["id"], "cascade", "cascade"),
            fk("child_b_fkey", ["b"], "parent", ["id"], "setNull", "noAction"),
            fk("child_c_fkey", ["c"], "parent", ["id"], "setDefault", "restrict"),
            fk("child_d_fkey", ["d"], "parent", ["id"], "restrict", "setNull"),
            fk("child_e_fkey", ["e"], "parent", ["id"], "noAction", "setDefault"),
            fk("child_code_fkey", ["code"], "parent", ["code"]),
          ],
        },
      ),
      table("grand", [col("x", "int"), col("y", "int"), col("z", "string")], ["x", "y"]),
      table("grand_ref", [col("id", "int"), col("x", "int"), col("y", "int")], ["id"], {
        foreignKeys: [fk("grand_ref_x_y_fkey", ["x", "y"], "grand", ["x", "y"], "cascade")],
      }),
    ]),
  },
  {
    name: "reserved and odd names",
    exact: true,
    snapshot: snapshot([
      table(
        "order",
        [
          col("select", "int"),
          col('we"ird', "string", { default: { kind: "literal", value: "it's" } }),
          col("group", weirdEnum, { default: { kind: "literal", value: "a" } }),
          col("from", "int", { nullable: true }),
        ],
        ["select"],
        {
          uniques: [{ name: "where", columns: ['we"ird'] }],
          indexes: [{ name: "select", columns: ["group", "from"], unique: false, where: '"from" > 0' }],
          foreignKeys: [fk('we"ird fk', ["from"], 'we"ird', ['we"ird'], "cascade")],
        },
      ),
      table('we"ird', [col('we"ird', "int"), col("[x]", "string"), col("`y`", "string")], ['we"ird']),
    ]),
  },
  {
    name: "a junction table",
    exact: true,
    snapshot: snapshot([
      table("post", [col("id", "int", { autoIncrement: true })]),
      table("tag", [col("id", "int", { autoIncrement: true }), col("label", "string")], ["id"], {
        uniques: [{ name: "tag_label_key", columns: ["label"] }],
      }),
      table("post_tag", [col("post_id", "int"), col("tag_id", "int")], ["post_id", "tag_id"], {
        indexes: [{ name: "post_tag_tag_id_idx", columns: ["tag_id"], unique: false }],
        foreignKeys: [
          fk("post_tag_post_id_fkey", ["post_id"], "post", ["id"], "cascade"),
          fk("post_tag_tag_id_fkey", ["tag_id"], "tag", ["id"], "cascade"),
        ],
      }),
    ]),
  },
  {
    name: "what SQLite cannot keep: arrays, uuid defaults, index types, unique indexes, bigInt rowid",
    exact: false,
    snapshot: snapshot(
      [
        table(
          "users",
          [
            col("id", "string", { default: { kind: "uuid" } }),
            col("tags", "string", { array: true }),
            col("scores", "int", { array: true, nullable: true, default: { kind: "literal", value: "[]" } }),
            col("roles", role, { array: true }),
            col("email", "string"),
          ],
          ["id"],
          {
            indexes: [
              { name: "users_email_key", columns: ["email"], unique: true, type: "btree" },
              { name: "users_tags_idx", columns: ["tags"], unique: false, type: "gin" },
            ],
          },
        ),
        table("events", [
          col("id", "bigInt", { autoIncrement: true }),
          col("at", "dateTime", { default: { kind: "now" } }),
        ]),
      ],
      [
        { name: "Role", values: ["USER", "ADMIN", "it's"] },
        { name: "Unused", values: ["x"] },
      ],
    ),
  },
  {
    name: "schema breadth: descending index columns, CHECKs, native types, a table without a primary key",
    exact: true,
    snapshot: snapshot([
      table(
        "post",
        [
          col("id", "int"),
          col("team_id", "int"),
          col("price", "int"),
          col("body", "string", { nativeType: { sqlite: "CITEXT" } }),
          col("tiny", "int", { nativeType: { sqlite: "MEDIUMINT" }, nullable: true }),
          col("status", { kind: "enum", name: "Status", values: ["a", "b"] }),
          col("at", "dateTime"),
        ],
        ["id"],
        {
          indexes: [
            {
              name: "post_team_at_idx",
              columns: ["team_id", "at"],
              unique: false,
              columnOptions: { at: { order: "desc" } },
            },
            { name: "post_desc_key", columns: ["price"], unique: true, columnOptions: { price: { order: "desc" } } },
          ],
          checks: [
            { name: "price_positive", expression: "price > 0" },
            { name: "status_known", expression: `"status" IN ('a', 'b')` },
            { name: 'we"ird', expression: `length("body") BETWEEN 1 AND (10 * 2)` },
          ],
        },
      ),
      table("setting", [col("key", "string"), col("value", "string", { nullable: true })], [], {
        uniques: [{ name: "setting_key_key", columns: ["key"] }],
      }),
    ]),
  },
  {
    name: "schema breadth kept in the snapshot only: lengths, precision, time zones, other dialects' native types",
    exact: false,
    snapshot: snapshot([
      table("sized", [
        col("id", "int"),
        col("name", { kind: "string", length: 191 }),
        col("country", { kind: "string", length: 2, fixed: true }),
        col("at", { kind: "dateTime", withTimezone: false, precision: 0 }),
        col("clock", { kind: "time", precision: 6 }),
        col("doc", "string", { nativeType: { mysql: "LONGTEXT", postgres: "citext" } }),
      ]),
    ]),
  },
];
