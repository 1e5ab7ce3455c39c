/**
 * Hand-written snapshots covering what the PostgreSQL dialect must create and read back:
 * every scalar, nullability, every default kind, arrays, enums, identity columns, compound keys,
 * uniques, indexes (unique, named, typed, partial), foreign keys with every action (self,
 * cross-table, compound, cyclic), reserved and odd names, and names past PostgreSQL's 63 bytes.
 */
import type { Enum, Snapshot } from "../../../src/schema/snapshot.js";
import { col, enumType, lit, serialId, snapshot, table } from "./harness.js";

const role: Enum = { name: "Role", values: ["USER", "ADMIN"] };
const mood: Enum = { name: "mood", values: ["HAPPY", "SAD", "it's"] };
const odd: Enum = { name: 'we"ird enum', values: ["a b", "it's", 'quo"te'] };

const everyScalar = snapshot(
  [
    table(
      "scalars",
      [
        serialId(),
        col("text", "string"),
        col("short", { kind: "string", length: 40 }),
        col("count", "int"),
        col("big", "bigInt", { nullable: true }),
        col("ratio", "float"),
        col("price", { kind: "decimal", precision: 10, scale: 2 }),
        col("free", { kind: "decimal", precision: 0, scale: 0 }, { nullable: true }),
        col("active", "boolean"),
        col("seenAt", "dateTime", { nullable: true }),
        col("birthday", "date", { nullable: true }),
        col("wakeUp", "time", { nullable: true }),
        col("payload", "json", { nullable: true }),
        col("raw", "blob", { nullable: true }),
        col("mood", enumType(mood), { nullable: true }),
      ],
      { primaryKey: { columns: ["id"] } },
    ),
    table("bigs", [col("id", "bigInt", { autoIncrement: true }), col("note", "string", { nullable: true })], {
      primaryKey: { columns: ["id"] },
    }),
  ],
  [mood],
);

const everyDefault = snapshot(
  [
    table(
      "defaults",
      [
        col("id", "string", { default: { kind: "uuid" } }),
        col("quote", "string", { default: lit("it's") }),
        col("backslash", "string", { default: lit("C:\\temp\\") }),
        col("empty", "string", { default: lit("") }),
        col("sized", { kind: "string", length: 20 }, { default: lit("x") }),
        col("answer", "int", { default: lit(42) }),
        col("negative", "int", { default: lit(-1) }),
        col("huge", "bigInt", { default: lit("9007199254740993") }),
        col("minus", "bigInt", { default: lit("-5") }),
        col("zero", "bigInt", { default: lit("0") }),
        col("ratio", "float", { default: lit(1.5) }),
        col("tiny", "float", { default: lit(-0.25) }),
        col("price", { kind: "decimal", precision: 10, scale: 2 }, { default: lit("9.99") }),
        col("debt", { kind: "decimal", precision: 10, scale: 2 }, { default: lit("-12.50") }),
        col("yes", "boolean", { default: lit(true) }),
        col("no", "boolean", { default: lit(false) }),
        col("at", "dateTime", { default: lit("2024-01-02T03:04:05.678Z") }),
        col("offset", "dateTime", { default: lit("2024-06-30T23:30:00+02:00") }),
        col("created", "dateTime", { default: { kind: "now" } }),
        col("day", "date", { default: lit("2024-02-03") }),
        col("today", "date", { default: { kind: "now" } }),
        col("clock", "time", { default: lit("12:34:56.5") }),
        col("noon", "time", { default: lit("12:00:00") }),
        col("now", "time", { default: { kind: "now" } }),
        col("doc", "json", { default: lit('{"b": 1, "a": [1, 2, {"z": null, "y": "it\'s"}]}') }),
        col("list", "json", { default: lit("[]") }),
        col("bytes", "blob", { default: lit("\\x6869") }),
        col("role", enumType(role), { default: lit("USER") }),
        col("expr", "string", { default: { kind: "sql", expression: "'abc'::text || 'def'::text" } }),
        col("nullable", "string", { nullable: true, default: lit("maybe") }),
      ],
      { primaryKey: { columns: ["id"] } },
    ),
  ],
  [role],
);

const enumsAndArrays = snapshot(
  [
    table(
      "arrays",
      [
        serialId(),
        col("tags", "string", { array: true }),
        col("scores", "int", { array: true, nullable: true }),
        col("sized", { kind: "string", length: 20 }, { array: true, nullable: true }),
        col("prices", { kind: "decimal", precision: 8, scale: 3 }, { array: true, nullable: true }),
        col("roles", enumType(role), { array: true, default: lit("{USER}") }),
        col("none", "string", { array: true, default: lit("{}") }),
        col("words", "string", { array: true, default: lit('["a","b c","it\'s",null,"NULL","{x}","q\\"uote"]') }),
        col("flags", "boolean", { array: true, default: lit("[true,false]") }),
        col("days", "date", { array: true, default: lit('["2024-01-02"]') }),
        col("amounts", { kind: "decimal", precision: 8, scale: 3 }, { array: true, default: lit('["1.50","-2"]') }),
        col("role", enumType(role), { default: lit("ADMIN") }),
        col("odd", enumType(odd), { default: lit("it's") }),
        col("odds", enumType(odd), { array: true, nullable: true }),
      ],
      { primaryKey: { columns: ["id"] } },
    ),
  ],
  [role, odd, { name: "unused", values: [] }],
);

const keysAndIndexes = snapshot([
  table(
    "membership",
    [
      col("tenantId", "int"),
      col("code", "string"),
      col("label", "string", { nullable: true }),
      col("email", "string"),
      col("deletedAt", "dateTime", { nullable: true }),
      col("data", "json", { nullable: true }),
      col("tags", "string", { array: true, nullable: true }),
    ],
    {
      primaryKey: { columns: ["tenantId", "code"] },
      uniques: [
        { name: "membership_label_tenant", columns: ["label", "tenantId"] },
        { name: "membership_email_key", columns: ["email"] },
      ],
      indexes: [
        { name: "membership_code_idx", columns: ["code"], unique: false },
        { name: "membership_code_label_idx", columns: ["code", "label"], unique: true },
        { name: "membership_label_hash", columns: ["label"], unique: false, type: "hash" },
        { name: "membership_data_gin", columns: ["data"], unique: false, type: "gin" },
        { name: "membership_tags_gin", columns: ["tags"], unique: false, type: "gin" },
        { name: "live_emails", columns: ["email"], unique: true, where: '"deletedAt" IS NULL' },
        { name: "recent", columns: ["tenantId"], unique: false, where: "\"code\" <> 'it''s' AND \"tenantId\" > 10" },
      ],
    },
  ),
]);

const relations = snapshot([
  table("parent", [serialId(), col("code", "string")], {
    primaryKey: { columns: ["id"] },
    uniques: [{ name: "parent_code_key", columns: ["code"] }],
  }),
  table(
    "child",
    [
      serialId(),
      col("cascadeId", "int"),
      col("restrictId", "int"),
      col("noActionId", "int", { nullable: true }),
      col("setNullId", "int", { nullable: true }),
      col("setDefaultId", "int", { nullable: true, default: lit(1) }),
      col("parentCode", "string", { nullable: true }),
      col("parentId", "int", { nullable: true }),
    ],
    {
      primaryKey: { columns: ["id"] },
      foreignKeys: [
        fk("child_cascade_fkey", ["cascadeId"], "parent", ["id"], "cascade", "cascade"),
        fk("child_restrict_fkey", ["restrictId"], "parent", ["id"], "restrict", "restrict"),
        fk("child_no_action_fkey", ["noActionId"], "parent", ["id"], "noAction", "noAction"),
        fk("child_set_null_fkey", ["setNullId"], "parent", ["id"], "setNull", "setNull"),
        fk("child_set_default_fkey", ["setDefaultId"], "parent", ["id"], "setDefault", "setDefault"),
        fk("child_code_fkey", ["parentCode"], "parent", ["code"], "noAction", "cascade"),
        fk("child_self_fkey", ["parentId"], "child", ["id"], "setNull", "noAction"),
      ],
    },
  ),
  table("tenant", [col("tenantId", "int"), col("code", "string")], { primaryKey: { columns: ["tenantId", "code"] } }),
  table("seat", [serialId(), col("tenantId", "int"), col("code", "string")], {
    primaryKey: { columns: ["id"] },
    foreignKeys: [fk("seat_tenant_fkey", ["tenantId", "code"], "tenant", ["tenantId", "code"], "cascade", "noAction")],
  }),
  // A cycle: each side references the other, so one foreign key is added after both tables exist.
  table("egg", [serialId(), col("henId", "int", { nullable: true })], {
    primaryKey: { columns: ["id"] },
    foreignKeys: [fk("egg_hen_fkey", ["henId"], "hen", ["id"], "setNull", "noAction")],
  }),
  table("hen", [serialId(), col("eggId", "int", { nullable: true })], {
    primaryKey: { columns: ["id"] },
    foreignKeys: [fk("hen_egg_fkey", ["eggId"], "egg", ["id"], "setNull", "noAction")],
  }),
  // A junction table, as many-to-many makes one.
  table("post", [serialId()], { primaryKey: { columns: ["id"] } }),
  table("tag", [serialId()], { primaryKey: { columns: ["id"] } }),
  table("post_tag", [col("post_id", "int"), col("tag_id", "int")], {
    primaryKey: { columns: ["post_id", "tag_id"] },
    indexes: [{ name: "post_tag_tag_id_idx", columns: ["tag_id"], unique: false }],
    foreignKeys: [
      fk("post_tag_post_id_fkey", ["post_id"], "post", ["id"], "cascade", "noAction"),
      fk("post_tag_tag_id_fkey", ["tag_id"], "tag", ["id"], "cascade", "noAction"),
    ],
  }),
]);

const reservedNames = snapshot(
  [
    table(
      "order",
      [
        col("select", "int"),
        col("from", "string"),
        col('we"ird', "string", { default: lit("it's") }),
        col("group", "string", { nullable: true }),
        col("User Name", "string", { nullable: true }),
      ],
      {
        primaryKey: { columns: ["select"] },
        uniques: [{ name: 'order_we"ird_key', columns: ['we"ird'] }],
        indexes: [{ name: "select", columns: ["from", "group"], unique: false }],
      },
    ),
    table('we"ird', [col("table", "int"), col("order", "int", { nullable: true }), col("user", enumType(odd))], {
      primaryKey: { columns: ["table"] },
      foreignKeys: [fk('we"ird_order_fkey', ["order"], "order", ["select"], "cascade", "noAction")],
    }),
  ],
  [odd],
);

const longNames = snapshot([
  table(
    `a_table_name_well_past_the_sixty_three_bytes_postgres_keeps_${"x".repeat(20)}`,
    [serialId(), col(`a_column_name_also_longer_than_sixty_three_bytes_of_utf8_éééééé_${"y".repeat(10)}`, "string")],
    {
      primaryKey: { columns: ["id"] },
      indexes: [
        {
          name: `an_index_name_longer_than_the_sixty_three_bytes_limit_${"z".repeat(20)}`,
          columns: ["id"],
          unique: false,
        },
      ],
    },
  ),
]);

const mappedNames = snapshot([
  table(
    "UserProfile",
    [col("userId", "bigInt", { autoIncrement: true }), col("displayName", "string"), col("createdAt", "dateTime")],
    {
      primaryKey: { columns: ["userId"] },
      indexes: [
        { name: "UserProfile_displayName_createdAt_idx", columns: ["displayName", "createdAt"], unique: false },
      ],
    },
  ),
]);

/** Every corpus entry, by name. */
export const CORPUS: { name: string; snapshot: Snapshot }[] = [
  { name: "every scalar, nullable and identity", snapshot: everyScalar },
  { name: "every default kind", snapshot: everyDefault },
  { name: "enums and arrays", snapshot: enumsAndArrays },
  { name: "compound keys, uniques and indexes", snapshot: keysAndIndexes },
  { name: "foreign keys: actions, self, compound, cycle, junction", snapshot: relations },
  { name: "reserved and odd names", snapshot: reservedNames },
  { name: "names past 63 bytes", snapshot: longNames },
  { name: "mapped camel-case names", snapshot: mappedNames },
];

// internal

function fk(
  name: string,
  columns: string[],
  referencedTable: string,
  referencedColumns: string[],
  onDelete: "cascade" | "restrict" | "noAction" | "setNull" | "setDefault",
  onUpdate: "cascade" | "restrict" | "noAction" | "setNull" | "setDefault",
) {
  return { name, columns, referencedTable, referencedColumns, onDelete, onUpdate };
}
