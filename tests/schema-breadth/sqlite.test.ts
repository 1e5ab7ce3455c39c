/**
 * Schema breadth on SQLite (better-sqlite3 and D1 in Miniflare), through the public API: lengths,
 * precision and time zones kept in the snapshot only, native types, descending index columns,
 * CHECK constraints, unique-only tables and `foreignKeys: false` push, re-push to nothing,
 * generate/apply to nothing, and each change is planned, applied with the rows kept, and rolled back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Schema, s, type VibormClient } from "viborm";
import { createClient as createD1Client } from "viborm/d1";
import { createMigrationClient } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { emptyD1, sharedD1 } from "../edge/fixtures/d1.js";
import { clock } from "../migrate/helpers.js";

interface ClientOptions {
  foreignKeys?: boolean;
}

interface Database {
  client<S extends Schema>(schema: S, options?: ClientOptions): VibormClient<S>;
  close(): Promise<void>;
}

const CASES: { name: string; fresh(): Promise<Database> }[] = [
  {
    name: "sqlite3",
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), "viborm-breadth-"));
      const filename = join(dir, "test.db");
      return tracked(
        (schema, options) => createSqliteClient({ schema, filename, ...options }),
        async () => rmSync(dir, { recursive: true, force: true }),
      );
    },
  },
  {
    name: "d1",
    async fresh() {
      const { binding } = await sharedD1();
      await emptyD1(binding);
      return tracked(
        (schema, options) => createD1Client({ schema, database: binding, ...options }),
        async () => undefined,
      );
    },
  },
];

const team = s.model({
  id: s.int().id(),
  name: s.string().varchar(191),
  country: s.string().char(2),
});

function postModel(v: { order: "asc" | "desc"; checks: [string, string][] }) {
  let post = s
    .model({
      id: s.int().id().increment(),
      team_id: s.int(),
      title: s.string().varchar(191),
      body: s.string().nativeType({ sqlite: "CITEXT", postgres: "citext", mysql: "LONGTEXT" }),
      price: s.int(),
      created_at: s.dateTime().withoutTimezone().precision(0),
      at: s.time().precision(6),
      status: s.enum(["draft", "live"]).default("draft"),
      deleted_at: s.dateTime().nullable(),
    })
    .index(["team_id", { field: "created_at", order: v.order }])
    .index("title", { where: "deleted_at IS NULL" });
  for (const [name, expression] of v.checks) post = post.check(name, expression);
  return post;
}

const setting = s.model({ key: s.string().varchar(64).unique(), value: s.string() });

const V1 = {
  team,
  post: postModel({ order: "desc", checks: [["price_positive", "price > 0"]] }),
  setting,
};

describe.each(CASES)("schema breadth on $name", (driverCase) => {
  let db: Database;
  let dir: string;
  beforeEach(async () => {
    db = await driverCase.fresh();
    dir = mkdtempSync(join(tmpdir(), "viborm-breadth-migrations-"));
  });
  afterEach(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("push creates what was declared, and a second push plans nothing", async () => {
    const client = db.client(V1);
    const first = await createMigrationClient(client).push();
    expect(first.applied).toBe(true);
    const again = await createMigrationClient(client).push();
    expect(again.operations).toEqual([]);
    expect(again.statements).toEqual([]);

    const columns = await tableInfo(client, "post");
    // Lengths, precision and time zones live in the snapshot only: SQLite has none of them.
    expect(columns.title).toBe("TEXT");
    expect(columns.body).toBe("CITEXT");
    expect(columns.created_at).toBe("DATETIME");
    expect((await tableInfo(client, "team")).country).toBe("TEXT");

    expect(await indexOrder(client, "post_team_id_created_at_idx")).toEqual([
      ["team_id", 0],
      ["created_at", 1],
    ]);
    const master = await masterSql(client);
    expect(master.post_title_idx).toMatch(/WHERE deleted_at IS NULL$/);
    expect(master.post).toContain('CONSTRAINT "price_positive" CHECK (price > 0)');

    await insertPost(client, 1, 10);
    await expect(insertPost(client, 2, -1)).rejects.toSatisfy((error) => chain(error).includes("price_positive"));
    await expect(insertPost(client, 3, 5, "gone")).rejects.toSatisfy((error) => /CHECK/i.test(chain(error)));

    // The unique-only model is a table with no primary key, identified by its unique.
    expect(master.setting).not.toMatch(/PRIMARY KEY/);
    expect(master.setting_key_key).toMatch(/CREATE UNIQUE INDEX/);
  });

  test("generate + apply on a fresh database, then generate plans nothing", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const migrations = createMigrationClient(db.client(V1), { storageDriver, now: clock("2026-12-01T10:00:00Z") });
    const first = await migrations.generate({ name: "init" });
    expect(first.migration).not.toBeNull();
    await migrations.apply();
    expect((await migrations.generate()).migration).toBeNull();
    // And the database matches the schema: push finds nothing to do.
    expect((await createMigrationClient(db.client(V1)).push()).operations).toEqual([]);
  });

  test("a length, precision or time-zone change is nothing to do on SQLite", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const now = clock("2026-12-01T11:00:00Z");
    await createMigrationClient(db.client(V1), { storageDriver, now }).generate({ name: "init" });
    const wider = {
      ...V1,
      team: s.model({ id: s.int().id(), name: s.string().varchar(255), country: s.string().varchar(3) }),
    };
    const result = await createMigrationClient(db.client(wider), { storageDriver, now }).generate();
    expect(result.migration).toBeNull();
    await createMigrationClient(db.client(V1)).push();
    expect((await createMigrationClient(db.client(wider)).push()).operations).toEqual([]);
  });

  test("asc → desc, a new check and a changed check are planned, keep the rows and roll back", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const now = clock("2026-12-01T12:00:00Z");
    const m1 = createMigrationClient(db.client(V1), { storageDriver, now });
    await m1.generate({ name: "init" });
    await m1.apply();
    const client = db.client(V1);
    await insertPost(client, 1, 10);
    await insertPost(client, 2, 20);
    const before = await masterSql(client);

    const V2 = {
      ...V1,
      post: postModel({
        order: "asc",
        checks: [
          ["price_positive", "price > 1"],
          ["title_set", "length(title) > 0"],
        ],
      }),
    };
    const m2 = createMigrationClient(db.client(V2), { storageDriver, now });
    const second = await m2.generate({ name: "change" });
    expect(second.migration).not.toBeNull();
    expect(second.up.join("\n")).toContain("length(title) > 0");
    await m2.apply();
    expect((await m2.generate()).migration).toBeNull();
    expect(await indexOrder(client, "post_team_id_created_at_idx")).toEqual([
      ["team_id", 0],
      ["created_at", 0],
    ]);
    const after = await masterSql(client);
    expect(after.post).toContain('CONSTRAINT "price_positive" CHECK (price > 1)');
    expect(after.post).toContain('CONSTRAINT "title_set" CHECK (length(title) > 0)');
    expect(await postIds(client)).toEqual([1, 2]);
    await expect(insertPost(client, 3, 1)).rejects.toSatisfy((error) => chain(error).includes("price_positive"));
    expect((await createMigrationClient(db.client(V2)).push()).operations).toEqual([]);

    await m2.rollback();
    expect(await masterSql(client)).toEqual(before);
    expect(await postIds(client)).toEqual([1, 2]);
    expect((await createMigrationClient(db.client(V1)).push()).operations).toEqual([]);
  });

  test("push plans a dropped check and a sort-order change, and keeps the rows", async () => {
    const client = db.client(V1);
    await createMigrationClient(client).push();
    await insertPost(client, 1, 10);
    const V2 = { ...V1, post: postModel({ order: "asc", checks: [] }) };
    const result = await createMigrationClient(db.client(V2)).push();
    expect(result.operations.map((op) => op.kind).sort()).toEqual(["createIndex", "dropCheck", "dropIndex"]);
    expect((await masterSql(client)).post).not.toMatch(/CHECK \(price/);
    await insertPost(client, 2, -5);
    expect(await postIds(client)).toEqual([1, 2]);
    expect((await createMigrationClient(db.client(V2)).push()).operations).toEqual([]);
  });

  test("foreignKeys: false gives relations an index instead of a foreign key", async () => {
    const author = s.model({ id: s.int().id(), name: s.string() });
    const schema = {
      author,
      book: s.model({
        id: s.int().id(),
        author_id: s.int(),
        author: s
          .manyToOne(() => author)
          .fields("author_id")
          .references("id"),
      }),
    };
    const client = db.client(schema, { foreignKeys: false });
    await createMigrationClient(client).push();
    expect(await client.$queryRaw(`PRAGMA foreign_key_list("book")`)).toEqual([]);
    expect(Object.keys(await masterSql(client))).toContain("book_author_id_idx");
    expect((await createMigrationClient(client).push()).operations).toEqual([]);
  });

  test("a hand-made table with two identical foreign keys converges to the one declared", async () => {
    const client = db.client({});
    await client.$executeRaw(`CREATE TABLE "lg_parents" ("id" INTEGER NOT NULL, PRIMARY KEY ("id"))`);
    await client.$executeRaw(
      `CREATE TABLE "lg_children" ("id" INTEGER NOT NULL, "parent_id" INTEGER NOT NULL, PRIMARY KEY ("id"), ` +
        `FOREIGN KEY ("parent_id") REFERENCES "lg_parents" ("id"), FOREIGN KEY ("parent_id") REFERENCES "lg_parents" ("id"))`,
    );
    await client.$executeRaw(`INSERT INTO "lg_parents" ("id") VALUES (1)`);
    await client.$executeRaw(`INSERT INTO "lg_children" ("id", "parent_id") VALUES (10, 1)`);
    expect(await client.$queryRaw(`PRAGMA foreign_key_list("lg_children")`)).toHaveLength(2);

    const parents = s.model({ id: s.int().id() });
    const schema = {
      lg_parents: parents,
      lg_children: s.model({
        id: s.int().id(),
        parent_id: s.int(),
        parent: s
          .manyToOne(() => parents)
          .fields("parent_id")
          .references("id"),
      }),
    };
    const typed = db.client(schema);
    const first = await createMigrationClient(typed).push();
    expect(first.operations.length).toBeGreaterThan(0);
    expect(await typed.$queryRaw(`PRAGMA foreign_key_list("lg_children")`)).toHaveLength(1);
    expect(await typed.$queryRaw(`SELECT "id", "parent_id" FROM "lg_children"`)).toEqual([{ id: 10, parent_id: 1 }]);
    expect((await createMigrationClient(typed).push()).operations).toEqual([]);
  });
});

// internal

function tracked(
  make: <S extends Schema>(schema: S, options: ClientOptions | undefined) => VibormClient<S>,
  teardown: () => Promise<void>,
): Database {
  const clients: VibormClient<Schema>[] = [];
  return {
    client(schema, options) {
      const client = make(schema, options);
      clients.push(client as unknown as VibormClient<Schema>);
      return client;
    },
    async close() {
      for (const client of clients) await client.$close();
      await teardown();
    },
  };
}

async function tableInfo(client: VibormClient<Schema>, table: string): Promise<Record<string, string>> {
  const rows = await client.$queryRaw<{ name: string; type: string }>(`PRAGMA table_info("${table}")`);
  return Object.fromEntries(rows.map((row) => [row.name, row.type]));
}

/** Each key column of an index with its `desc` flag (1 when descending), from `PRAGMA index_xinfo`. */
async function indexOrder(client: VibormClient<Schema>, index: string): Promise<[string, number][]> {
  const rows = await client.$queryRaw<{ name: string | null; desc: number; key: number }>(
    `PRAGMA index_xinfo("${index}")`,
  );
  return rows.filter((row) => Number(row.key) === 1).map((row) => [row.name ?? "", Number(row.desc)]);
}

async function masterSql(client: VibormClient<Schema>): Promise<Record<string, string>> {
  const rows = await client.$queryRaw<{ name: string; sql: string }>(
    "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name",
  );
  return Object.fromEntries(rows.map((row) => [row.name, row.sql]));
}

async function insertPost(client: VibormClient<Schema>, id: number, price: number, status = "live"): Promise<void> {
  await client.$executeRaw(
    `INSERT INTO "post" ("id", "team_id", "title", "body", "price", "created_at", "at", "status") VALUES (?, 1, 't', 'b', ?, '2026-01-01', '10:00', ?)`,
    [id, price, status],
  );
}

async function postIds(client: VibormClient<Schema>): Promise<number[]> {
  const rows = await client.$queryRaw<{ id: number }>(`SELECT "id" FROM "post" ORDER BY "id"`);
  return rows.map((row) => Number(row.id));
}

/** Every message along an error's `cause` chain, joined. */
function chain(error: unknown): string {
  const messages: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) messages.push(current.message);
  return messages.join(" / ");
}
