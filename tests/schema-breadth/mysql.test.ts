/**
 * Schema breadth on MariaDB through the public API: VARCHAR/CHAR lengths, DATETIME/TIME precision,
 * native types, descending and prefix index entries, FULLTEXT, CHECK constraints, unique-only
 * models, `foreignKeys: false` and compound foreign keys listed out of the referenced key's order.
 * Each pushes, re-pushes to nothing, generates + applies to nothing more, and changes roll back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isVibormError, s, type VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient } from "viborm/mysql2";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createMysqlDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { clock } from "../migrate/helpers.js";

const available = await requireDatabase("mysql", "schema breadth on MariaDB");

function product(code: ReturnType<typeof s.string>, withCheck = true) {
  const model = s
    .model({
      id: s.int().id().increment(),
      code,
      country: s.string().char(2),
      title: s.string(),
      body: s.string(),
      notes: s.string().nativeType({ mysql: "LONGTEXT", postgres: "citext" }),
      small: s.int().nativeType({ mysql: "smallint" }),
      price: s.int(),
      createdAt: s.dateTime().precision(0).withoutTimezone(),
      updatedAt: s.dateTime(),
      at: s.time().precision(6),
    })
    .index(["price", { field: "createdAt", order: "desc" }])
    .index([{ field: "body", length: 64 }])
    .index(["title", "body"], { type: "fulltext" });
  return withCheck ? model.check("price_positive", "price > 0") : model;
}

const V1 = { product: product(s.string().varchar(50).unique()) };
const V2 = { product: product(s.string().varchar(191).unique()) };
const NO_CHECK = { product: product(s.string().varchar(50).unique(), false) };

const enrollment = s
  .model({ partnerId: s.int(), programId: s.int(), note: s.string().nullable() })
  .unique(["partnerId", "programId"]);
const COMPOUND = {
  enrollment,
  link: s.model({
    id: s.int().id(),
    programId: s.int(),
    partnerId: s.int(),
    enrollment: s
      .manyToOne(() => enrollment)
      .fields(["programId", "partnerId"])
      .references(["programId", "partnerId"]),
  }),
};

describe.skipIf(!available)("schema breadth on MariaDB", () => {
  let database: TempDatabase;
  let dir: string;
  const clients: VibormClient[] = [];
  const client = <S extends Record<string, unknown>>(schema: S, options: { foreignKeys?: boolean } = {}) => {
    // biome-ignore lint/suspicious/noExplicitAny: the schema objects are the DSL's own
    const made = createClient({ schema: schema as any, databaseUrl: database.url, ...options });
    clients.push(made);
    return made;
  };
  const rows = async (c: VibormClient, sql: string) =>
    (await c.$queryRaw<Record<string, unknown>>(sql)).map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v])),
    );

  beforeEach(async () => {
    database = await createMysqlDatabase("viborm_breadth");
    dir = mkdtempSync(join(tmpdir(), "viborm-breadth-"));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.$close()));
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("push creates every feature, a second push plans nothing, and the catalog has them", async () => {
    const c = client(V1);
    const migrations = createMigrationClient(c);
    await migrations.push();
    expect((await migrations.push()).operations).toEqual([]);
    const types = await rows(
      c,
      "SELECT column_name AS name, column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'product' ORDER BY ordinal_position",
    );
    expect(Object.fromEntries(types.map((row) => [row.name, row.type]))).toMatchObject({
      code: "varchar(50)",
      country: "char(2)",
      title: "text",
      notes: "longtext",
      small: "smallint(6)",
      createdAt: "datetime",
      updatedAt: "datetime(3)",
      at: "time(6)",
    });
    const stats = await rows(
      c,
      "SELECT index_name AS name, column_name AS col, collation AS coll, sub_part AS sub, index_type AS type FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'product'",
    );
    expect(stats).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ col: "createdAt", coll: "D" }),
        expect.objectContaining({ col: "body", sub: "64", type: "BTREE" }),
        expect.objectContaining({ col: "title", type: "FULLTEXT" }),
      ]),
    );
    const checks = await rows(
      c,
      "SELECT constraint_name AS name FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() AND table_name = 'product'",
    );
    expect(checks.map((row) => row.name)).toEqual(["price_positive"]);
    const insert =
      "INSERT INTO product (code, country, title, body, notes, small, price, createdAt, updatedAt, at) VALUES ('a', 'fr', 't', 'b', 'n', 1, ?, NOW(), NOW(3), '10:00:00')";
    await c.$executeRaw(insert, [5]);
    await expect(c.$executeRaw(insert.replace("'a'", "'b'"), [-1])).rejects.toThrow();
  });

  test("a time's precision is what was asked: precision(3) is TIME(3), a bare time TIME; pull writes them back", async () => {
    const clock3 = { clock: s.model({ id: s.int().id(), at: s.time().precision(3), plain: s.time() }) };
    const c = client(clock3);
    const migrations = createMigrationClient(c);
    await migrations.push();
    expect((await migrations.push()).operations).toEqual([]);
    const types = await rows(
      c,
      "SELECT column_name AS name, column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'clock'",
    );
    expect(Object.fromEntries(types.map((row) => [row.name, row.type]))).toMatchObject({
      at: "time(3)",
      plain: "time",
    });
    const { source } = await migrations.pull();
    expect(source).toContain("s.time().precision(3)");
    expect(source).not.toContain("s.time().precision(0)");
  });

  test("changes are planned and undone: VARCHAR widens, narrowing asks, a check drops and comes back", async () => {
    const storageDriver = createFsStorageDriver(dir);
    const now = clock("2026-12-03T18:00:00Z");
    const m1 = createMigrationClient(client(V1), { storageDriver, now });
    await m1.generate({ name: "init" });
    await m1.apply();
    expect((await m1.generate()).migration).toBeNull();
    expect((await m1.push({ dryRun: true })).operations).toEqual([]);

    const m2 = createMigrationClient(client(V2), { storageDriver, now });
    const widened = await m2.generate({ name: "wider" });
    expect(widened.migration).not.toBeNull();
    await m2.apply();
    expect((await m2.push({ dryRun: true })).operations).toEqual([]);
    const type = async () =>
      (
        await rows(
          client(V1),
          "SELECT column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'product' AND column_name = 'code'",
        )
      )[0]?.type;
    expect(await type()).toBe("varchar(191)");
    await m2.rollback();
    expect(await type()).toBe("varchar(50)");
    await m2.apply();

    const narrow = createMigrationClient(client(V1));
    const error = await narrow.push().catch((e: unknown) => e);
    expect(isVibormError(error, "DESTRUCTIVE_REJECTED"), String(error)).toBe(true);
    const asked: string[] = [];
    await narrow.push({
      resolve: (change) => {
        asked.push(change.kind);
        return "proceed";
      },
    });
    expect(asked.length).toBeGreaterThan(0);
    expect(await type()).toBe("varchar(50)");

    const dropCheck = createMigrationClient(client(NO_CHECK));
    const dropped = await dropCheck.push();
    expect(dropped.operations.map((op) => op.kind)).toEqual(["dropCheck"]);
    expect((await dropCheck.push()).operations).toEqual([]);
    const added = await createMigrationClient(client(V1)).push();
    expect(added.operations.map((op) => op.kind)).toEqual(["addCheck"]);
  });

  test("a compound foreign key out of the referenced key's order pushes, re-pushes to nothing, and round-trips migrations", async () => {
    const migrations = createMigrationClient(client(COMPOUND));
    await migrations.push();
    expect((await migrations.push()).operations).toEqual([]);

    const storageDriver = createFsStorageDriver(dir);
    const fresh = await createMysqlDatabase("viborm_breadth");
    try {
      const other = createClient({ schema: COMPOUND, databaseUrl: fresh.url });
      clients.push(other);
      const m = createMigrationClient(other, { storageDriver, now: clock("2026-12-03T18:00:00Z") });
      await m.generate({ name: "init" });
      await m.apply();
      expect((await m.generate()).migration).toBeNull();
      expect((await m.push({ dryRun: true })).operations).toEqual([]);
      await m.rollback();
      expect((await m.push({ dryRun: true })).operations.length).toBeGreaterThan(0);
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.$close()));
      await fresh.drop();
    }
  });

  test("unique-only models and foreignKeys: false push and re-push to nothing", async () => {
    const c = client(COMPOUND, { foreignKeys: false });
    const migrations = createMigrationClient(c);
    await migrations.push();
    expect((await migrations.push()).operations).toEqual([]);
    const fks = await rows(
      c,
      "SELECT constraint_name AS name FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE()",
    );
    expect(fks).toEqual([]);
    const pk = await rows(
      c,
      "SELECT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = 'enrollment' AND index_name = 'PRIMARY'",
    );
    expect(pk).toEqual([]);
  });
  test("an index over a BLOB, TEXT or JSON column, or one too long for a key, needs a prefix length (MariaDB made one up, and every push re-planned it)", async () => {
    const doc = (field: ReturnType<typeof s.json> | ReturnType<typeof s.blob> | ReturnType<typeof s.string>) =>
      s.model({ id: s.int().id(), x: field, y: s.int() }).index(["y", "x"]);
    for (const field of [
      s.json(),
      s.blob(),
      s.int().array(),
      s.string().nativeType({ mysql: "MEDIUMTEXT" }),
      s.string().varchar(1000),
    ]) {
      const migrations = createMigrationClient(client({ doc: doc(field as ReturnType<typeof s.json>) }));
      await expect(migrations.push()).rejects.toMatchObject({
        code: "UNSUPPORTED_OPERATION",
        meta: { dialect: "mysql", operation: "createIndex", table: "doc", detail: "x" },
      });
    }
    expect(await rows(client({}), "SHOW TABLES")).toEqual([]);
    // With a prefix length, as a unique (MariaDB hashes a long one) or a FULLTEXT index, they push and re-push to nothing.
    const fine = s
      .model({ id: s.int().id(), body: s.json(), title: s.string().varchar(1000).unique(), text: s.string() })
      .index([{ field: "body", length: 100 }])
      .index(["text"], { type: "fulltext" });
    const migrations = createMigrationClient(client({ fine }));
    await migrations.push();
    expect((await migrations.push()).operations).toEqual([]);
  });

  test("a check on a column its foreign key's SET NULL writes is INVALID_SCHEMA at createClient; with NO ACTION it pushes", async () => {
    const parent = s.model({ id: s.int().id() });
    const child = (action: "setNull" | "noAction") =>
      s
        .model({
          id: s.int().id(),
          parentId: s.int().nullable(),
          parent: s
            .manyToOne(() => parent)
            .fields("parentId")
            .references("id")
            .onDelete(action)
            .optional(),
        })
        .check("parent_positive", "parentId > 0");
    let refused: unknown;
    try {
      client({ parent, child: child("setNull") });
    } catch (error) {
      refused = error;
    }
    expect(isVibormError(refused, "INVALID_SCHEMA")).toBe(true);
    expect(refused).toMatchObject({
      meta: { model: "child", field: "parentId", problem: "unsupportedByDialect", dialect: "mysql" },
    });
    expect(String((refused as Error).message)).toContain("parent_positive");
    // Without a database key, or with an action that writes nothing, MariaDB takes the check.
    expect(() => client({ parent, child: child("setNull") }, { foreignKeys: false })).not.toThrow();
    const c = client({ parent, child: child("noAction") });
    await createMigrationClient(c).push();
    await c.$executeRaw("INSERT INTO parent (id) VALUES (0)");
    await expect(c.$executeRaw("INSERT INTO child (id, parentId) VALUES (1, 0)")).rejects.toThrow(/parent_positive/);
    expect(Number((await rows(c, "SELECT COUNT(*) AS n FROM child"))[0]?.n)).toBe(0);
  });
});
