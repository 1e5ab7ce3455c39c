/**
 * A corpus of schemas for round-trip and idempotence tests: every scalar and modifier, defaults,
 * enums, relations, junction tables, compound keys, partial indexes and mapped names.
 */
import { s } from "viborm";
import { schema as blog } from "../../examples/schema.js";

export interface SchemaFixture {
  name: string;
  schema: Record<string, ReturnType<typeof s.model>>;
  /** Dialects that cannot express it (e.g. MySQL has no partial index). */
  unsupported?: ("postgres" | "mysql" | "sqlite")[];
}

const everyScalar = s.model({
  id: s.int().id().increment(),
  text: s.string(),
  textDefault: s.string().default("it's"),
  count: s.int().default(42),
  big: s.bigInt().nullable(),
  ratio: s.float().default(1.5),
  price: s.decimal(10, 2).default("9.99"),
  active: s.boolean().default(true),
  seenAt: s.dateTime().nullable(),
  createdAt: s.dateTime().now(),
  updatedAt: s.dateTime().updatedAt(),
  birthday: s.date().nullable(),
  wakeUp: s.time().nullable(),
  payload: s.json().nullable(),
  raw: s.blob().nullable(),
  mood: s.enum(["HAPPY", "SAD"]).nullable(),
  ulid: s.string().ulid(),
  cuid: s.string().cuid(),
  nano: s.string().nanoid(),
});

const reserved = s
  .model({
    select: s.int().id(),
    order: s.string().map("from"),
    weird: s.string().map('we"ird').default("it's"),
  })
  .map("order");

const compound = s
  .model({
    tenantId: s.int(),
    code: s.string(),
    label: s.string().nullable(),
  })
  .id(["tenantId", "code"])
  .unique(["label", "tenantId"], { name: "membership_label_tenant" });

const compoundChild = s.model({
  id: s.int().id().increment(),
  tenantId: s.int(),
  code: s.string(),
  parent: s
    .manyToOne(() => compound)
    .fields(["tenantId", "code"])
    .references(["tenantId", "code"])
    .onDelete("cascade"),
});

const tree = s.model({
  id: s.int().id().increment(),
  parentId: s.int().nullable(),
  parent: s
    .manyToOne(() => tree)
    .fields("parentId")
    .references("id")
    .onDelete("setNull")
    .optional(),
  children: s.oneToMany(() => tree),
});

const account = s.model({
  id: s.int().id().increment(),
  email: s.string(),
  deletedAt: s.dateTime().nullable(),
  profile: s.oneToOne(() => profile),
});

const profile = s.model({
  id: s.int().id().increment(),
  bio: s.string().nullable(),
  accountId: s.int(),
  account: s
    .oneToOne(() => account)
    .fields("accountId")
    .references("id")
    .onDelete("cascade"),
});

const partial = s
  .model({
    id: s.int().id().increment(),
    email: s.string(),
    deletedAt: s.dateTime().nullable(),
  })
  .index("email", { name: "live_emails", unique: true, where: '"deletedAt" IS NULL' });

const arrays = s.model({
  id: s.int().id().increment(),
  tags: s.string().array(),
  scores: s.int().array().nullable(),
});

const mapped = s
  .model({
    id: s.bigInt().id().increment().map("item_id"),
    displayName: s.string().map("display_name"),
    sku: s.string().map("stock_keeping_unit").unique(),
  })
  .map("inventory_items")
  .index(["displayName"], { name: "inventory_by_name" });

export const FIXTURES: SchemaFixture[] = [
  { name: "blog (DESIGN example)", schema: blog },
  { name: "every scalar and default", schema: { everyScalar } },
  { name: "reserved and odd names", schema: { reserved } },
  { name: "compound keys and a compound foreign key", schema: { compound, compoundChild } },
  { name: "self relation with set null", schema: { tree } },
  { name: "one-to-one", schema: { account, profile } },
  { name: "partial unique index", schema: { partial }, unsupported: ["mysql"] },
  { name: "arrays", schema: { arrays } },
  { name: "mapped names", schema: { mapped } },
];
