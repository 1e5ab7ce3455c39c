/**
 * Schema breadth on PostgreSQL (pg, and PGlite with its contrib extensions): every feature of
 * "Schema: the rest of what real applications declare" pushed, re-pushed to nothing, generated,
 * applied, changed and rolled back, checked in the catalog and with rows.
 */
import { PGlite } from "@electric-sql/pglite";
import { citext } from "@electric-sql/pglite/contrib/citext";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { createStorage } from "unstorage";
import { type Schema, s, type VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";

const EXTENSIONS = ["citext", "pg_trgm"];

/** The schema with every feature; `changed`: a narrowed VARCHAR, more digits, a sort order and checks changed. */
function breadthSchema(changed = false) {
  const team = s.model({
    id: s.int().id().increment(),
    name: s
      .string()
      .varchar(changed ? 50 : 191)
      .unique(),
  });
  const post = s
    .model({
      id: s.int().id().increment(),
      teamId: s.int(),
      team: s
        .manyToOne(() => team)
        .fields("teamId")
        .references("id"),
      title: s.string().varchar(191),
      country: s.string().char(2),
      email: s.string().nativeType({ postgres: "citext", mysql: "VARCHAR(191)" }),
      body: s.string(),
      price: s.decimal(10, 2),
      publishedAt: s
        .dateTime()
        .withoutTimezone()
        .precision(changed ? 3 : 0),
      createdAt: s.dateTime().precision(6).now(),
      opensAt: s.time().precision(0),
      deletedAt: s.dateTime().nullable(),
    })
    .index(["teamId", { field: "createdAt", order: changed ? "asc" : "desc" }])
    .index([{ field: "title", opclass: "gin_trgm_ops" }], { type: "gin" })
    .index(["email"], { where: '"deletedAt" IS NULL', name: "post_live_email_idx" })
    .check("price_positive", changed ? "price >= 1" : "price > 0");
  const checked = changed ? post.check("title_set", "length(title) > 0") : post;
  // A model identified by a unique alone: its table has no primary key.
  const setting = s.model({ key: s.string().varchar(64).unique(), value: s.json() });
  return { team, post: checked, setting };
}

interface Target {
  name: string;
  available(): Promise<boolean>;
  client<S extends Schema>(schema: S, options?: { foreignKeys?: boolean }): Promise<VibormClient<S>>;
  cleanup(): Promise<void>;
}

function pgTarget(): Target {
  const databases: TempDatabase[] = [];
  const clients: VibormClient[] = [];
  return {
    name: "pg",
    available: () => requireDatabase("postgres", "schema breadth on pg"),
    async client(schema, options = {}) {
      const database = await createPgDatabase("breadth");
      databases.push(database);
      const client = createPgClient({ schema, databaseUrl: database.url, extensions: EXTENSIONS, ...options });
      clients.push(client);
      return client;
    },
    async cleanup() {
      for (const client of clients) await client.$close();
      for (const database of databases) await database.drop();
    },
  };
}

function pgliteTarget(): Target {
  const clients: VibormClient[] = [];
  return {
    name: "pglite",
    available: async () => true,
    async client(schema, options = {}) {
      const db = await PGlite.create({ extensions: { citext, pg_trgm } });
      const client = createPgliteClient({ schema, client: db, extensions: EXTENSIONS, ...options });
      clients.push(client);
      return client;
    },
    async cleanup() {
      for (const client of clients) await client.$close();
    },
  };
}

function memoryStorage() {
  return createUnstorageDriver(createStorage());
}

describe.each([pgTarget(), pgliteTarget()])("schema breadth on $name", (target) => {
  let ready = false;
  beforeAll(async () => {
    ready = await target.available();
  });
  afterAll(() => target.cleanup());

  test("push creates every feature, and a second push plans nothing", async (ctx) => {
    if (!ready) ctx.skip();
    const client = await target.client(breadthSchema());
    const migrations = createMigrationClient(client);
    const first = await migrations.push();
    expect(first.applied).toBe(true);
    expect(first.statements.join("\n")).toContain('CREATE EXTENSION IF NOT EXISTS "pg_trgm"');
    expect((await migrations.push()).operations).toEqual([]);

    const types = await client.$queryRaw<{ column_name: string; type: string }>(
      `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a WHERE a.attrelid = 'post'::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
    );
    expect(Object.fromEntries(types.map((row) => [row.column_name, row.type]))).toMatchObject({
      title: "character varying(191)",
      country: "character(2)",
      email: "citext",
      publishedAt: "timestamp(0) without time zone",
      createdAt: "timestamp(6) with time zone",
      opensAt: "time(0) without time zone",
      deletedAt: "timestamp(3) with time zone",
    });
    const indexes = await client.$queryRaw<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'post'",
    );
    const definitions = indexes.map((row) => row.indexdef).join("\n");
    expect(definitions).toContain('USING btree ("teamId", "createdAt" DESC)');
    expect(definitions).toContain("USING gin (title gin_trgm_ops)");
    expect(definitions).toContain('WHERE ("deletedAt" IS NULL)');
    const keys = await client.$queryRaw<{ contype: string }>(
      "SELECT contype FROM pg_constraint WHERE conrelid = 'setting'::regclass",
    );
    expect(keys.map((row) => row.contype)).not.toContain("p");

    await client.$executeRaw(`INSERT INTO team (name) VALUES ('a')`);
    const insert = (price: string) =>
      client.$executeRaw(
        `INSERT INTO post ("teamId", title, country, email, body, price, "publishedAt", "opensAt") VALUES (1, 't', 'NZ', 'A@x.org', 'b', ${price}, now(), '10:00')`,
      );
    await insert("5");
    await expect(insert("-1")).rejects.toThrow(/price_positive/);
    // citext compares case-insensitively: the extension's type is really in use.
    const found = await client.$queryRaw<{ n: number }>(`SELECT count(*)::int AS n FROM post WHERE email = 'a@X.ORG'`);
    expect(found[0]!.n).toBe(1);
  });

  test("generate + apply builds the same schema, and generate then plans nothing", async (ctx) => {
    if (!ready) ctx.skip();
    const client = await target.client(breadthSchema());
    const storageDriver = memoryStorage();
    const migrations = createMigrationClient(client, { storageDriver });
    const generated = await migrations.generate({ name: "init" });
    expect(generated.migration).not.toBeNull();
    await migrations.apply();
    expect((await migrations.generate({ name: "again" })).migration).toBeNull();
    expect((await migrations.push({ dryRun: true })).operations).toEqual([]);
    expect((await migrations.check()).ok).toBe(true);
  });

  // PGlite shares the dialect: one run of the change cycle, on the server, is enough.
  if (target.name !== "pg") return;

  test("changes are planned, a narrowing asks, and rollback restores", async (ctx) => {
    if (!ready) ctx.skip();
    const client = await target.client(breadthSchema());
    const storageDriver = memoryStorage();
    await createMigrationClient(client, { storageDriver }).generate({ name: "init" });

    const changed = await target.client(breadthSchema(true));
    // The second client is a new database: bring it to "before" with the same migrations.
    const changedMigrations = createMigrationClient(changed, { storageDriver });
    await changedMigrations.apply();
    await changed.$executeRaw(`INSERT INTO team (name) VALUES ('keep me')`);

    await expect(changedMigrations.generate({ name: "narrow" })).rejects.toMatchObject({
      code: "DESTRUCTIVE_REJECTED",
    });
    const seen: string[] = [];
    const result = await changedMigrations.generate({
      name: "narrow",
      resolve: (change) => {
        seen.push(`${change.type}:${change.kind}:${change.table}.${"column" in change ? change.column : ""}`);
        return "proceed";
      },
    });
    expect(seen).toEqual(["destructive:narrowType:team.name"]);
    const kinds = result.migration ? result.up.join("\n") : "";
    expect(kinds).toContain('DROP CONSTRAINT "price_positive"');
    expect(kinds).toContain('"title_set" CHECK (length(title) > 0)');
    expect(kinds).toContain("timestamp(3) without time zone");
    await changedMigrations.apply();
    expect((await changedMigrations.push({ dryRun: true })).operations).toEqual([]);
    expect((await changedMigrations.generate({ name: "none" })).migration).toBeNull();

    await changedMigrations.rollback();
    const name = await changed.$queryRaw<{ type: string }>(
      `SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'team'::regclass AND attname = 'name'`,
    );
    expect(name[0]!.type).toBe("character varying(191)");
    const rows = await changed.$queryRaw<{ name: string }>("SELECT name FROM team");
    expect(rows.map((row) => row.name)).toEqual(["keep me"]);
    const checks = await changed.$queryRaw<{ conname: string }>(
      "SELECT conname FROM pg_constraint WHERE conrelid = 'post'::regclass AND contype = 'c' ORDER BY conname",
    );
    expect(checks.map((row) => row.conname)).toEqual(["price_positive"]);
  });

  test("foreignKeys: false makes indexes instead of foreign keys", async (ctx) => {
    if (!ready) ctx.skip();
    const author = s.model({ id: s.int().id().increment() });
    const book = s.model({
      id: s.int().id().increment(),
      authorId: s.int(),
      author: s.manyToOne(() => author).fields("authorId"),
    });
    const client = await target.client({ author, book }, { foreignKeys: false });
    const migrations = createMigrationClient(client);
    await migrations.push();
    expect((await migrations.push()).operations).toEqual([]);
    const fks = await client.$queryRaw<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f'",
    );
    expect(fks[0]!.n).toBe(0);
    const indexes = await client.$queryRaw<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'book' ORDER BY indexname",
    );
    expect(indexes.map((row) => row.indexname)).toContain("book_authorId_idx");
  });
});

describe("schema breadth: what a dialect cannot express", () => {
  test("createClient names the model, the field and the dialect", () => {
    const doc = s.model({ id: s.int().id(), body: s.string() }).index([{ field: "body", length: 64 }]);
    expect(() => createPgClient({ schema: { doc }, databaseUrl: "postgres://127.0.0.1:1/none" })).toThrow(
      expect.objectContaining({
        code: "INVALID_SCHEMA",
        meta: expect.objectContaining({ model: "doc", field: "body", dialect: "postgres" }),
      }),
    );
    const full = s.model({ id: s.int().id(), body: s.string() }).index(["body"], { type: "fulltext" });
    expect(() => createPgClient({ schema: { full }, databaseUrl: "postgres://127.0.0.1:1/none" })).toThrow(
      /fulltext.*postgres/,
    );
  });

  test("a model with neither an id nor a unique is INVALID_SCHEMA", () => {
    const loose = s.model({ a: s.string() });
    expect(() => createPgClient({ schema: { loose }, databaseUrl: "postgres://127.0.0.1:1/none" })).toThrow(
      expect.objectContaining({ code: "INVALID_SCHEMA", meta: expect.objectContaining({ problem: "missingId" }) }),
    );
  });

  test("bad modifiers are INVALID_SCHEMA", () => {
    const cases = [
      s.model({ id: s.int().id(), a: s.string().varchar(0) }),
      s.model({ id: s.int().id(), a: s.dateTime().precision(7) }),
      s.model({ id: s.int().id(), a: s.string().nativeType({ postgres: "text; DROP TABLE x" }) }),
    ];
    for (const model of cases) {
      expect(() => createPgClient({ schema: { model }, databaseUrl: "postgres://127.0.0.1:1/none" })).toThrow(
        expect.objectContaining({ code: "INVALID_SCHEMA" }),
      );
    }
  });
});
