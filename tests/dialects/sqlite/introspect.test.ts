/**
 * SQLite introspection: one query whatever the table count, system and bookkeeping tables left
 * out, and hand-written DDL (every quoting, column and table constraints, unnamed ones) read right.
 */
import type { Driver } from "viborm";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parseCreateIndex, parseCreateTable, parseInList } from "../../../src/dialects/sqlite/parse.js";
import type { Table } from "../../../src/schema/snapshot.js";
import { col, dialect, freshDriver, introspect, snapshot, table } from "./helpers.js";

describe("SQLite introspection", () => {
  let driver: Driver;
  beforeEach(() => {
    driver = freshDriver();
  });
  afterEach(() => driver.close());

  test("one catalog-wide query for 1 table and for 50, reading them all", async () => {
    const options = { excludeTables: [] };
    expect(dialect.introspection.queries(options)).toHaveLength(1);
    await driver.query(`CREATE TABLE "t0" ("id" INTEGER NOT NULL, PRIMARY KEY ("id"))`);
    const one = dialect.introspection.queries(options);
    expect(dialect.introspection.read(await driver.queryAll(one), options).tables).toHaveLength(1);
    for (let i = 1; i < 50; i++) {
      await driver.query(
        `CREATE TABLE "t${i}" ("id" INTEGER NOT NULL, "ref" INTEGER REFERENCES "t0" ("id"), PRIMARY KEY ("id"))`,
      );
      await driver.query(`CREATE INDEX "t${i}_ref_idx" ON "t${i}" ("ref")`);
    }
    const fifty = dialect.introspection.queries(options);
    expect(fifty).toEqual(one);
    const read = dialect.introspection.read(await driver.queryAll(fifty), options);
    expect(read.tables).toHaveLength(50);
    expect(read.tables.find((t) => t.name === "t7")?.indexes).toEqual([
      { name: "t7_ref_idx", columns: ["ref"], unique: false },
    ]);
    expect(one[0]?.sql).toMatch(/^SELECT type, name, tbl_name, sql FROM sqlite_master\b/);
    expect(one[0]?.sql).not.toMatch(/pragma_/i);
  });

  test("leaves out the tracking table, _viborm_*, _cf_*, sqlite_* tables, views, triggers and excludeTables", async () => {
    await driver.query(`CREATE TABLE "kept" ("id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, "n" TEXT)`);
    await driver.query(`INSERT INTO "kept" ("n") VALUES ('x')`);
    await driver.query(`CREATE INDEX "kept_n" ON "kept" ("n")`);
    await driver.query(`CREATE TABLE "_viborm_migrations" ("id" VARCHAR(255) NOT NULL PRIMARY KEY)`);
    await driver.query(`CREATE TABLE "_viborm_anything" ("id" INTEGER)`);
    await driver.query(`CREATE INDEX "_viborm_anything_idx" ON "_viborm_anything" ("id")`);
    await driver.query(`CREATE TABLE "_cf_KV" ("key" TEXT PRIMARY KEY, "value" BLOB)`);
    await driver.query(`CREATE TABLE "mine" ("id" INTEGER)`);
    await driver.query(`CREATE INDEX "mine_id" ON "mine" ("id")`);
    await driver.query(`CREATE VIEW "v" AS SELECT * FROM "kept"`);
    await driver.query(`CREATE TRIGGER "trg" AFTER INSERT ON "kept" BEGIN SELECT 1; END`);
    await driver.query("ANALYZE");
    const names = (await driver.query("SELECT name FROM sqlite_master")).rows.map((row) => row.name);
    expect(names).toEqual(expect.arrayContaining(["sqlite_sequence", "sqlite_stat1", "v", "trg"]));

    const live = await introspect(driver, { excludeTables: ["mine"] });
    expect(live.tables.map((t) => t.name)).toEqual(["kept"]);
    expect(live.tables[0]?.indexes.map((i) => i.name)).toEqual(["kept_n"]);
  });

  test("hand-written DDL: every quoting, column constraints, unnamed constraints, comments", async () => {
    await driver.query(`CREATE TABLE [parent] ("id" integer primary key autoincrement, [code] varchar(10) UNIQUE)`);
    await driver.query(`
      CREATE TABLE IF NOT EXISTS \`we"ird\` ( -- a comment with a ) in it
        "we""ird" TEXT NOT NULL DEFAULT 'it''s' COLLATE NOCASE,
        [select] INT /* block ( comment */ CHECK ([select] > 0),
        \`order\` BIGINT DEFAULT -12,
        "ratio" DOUBLE PRECISION DEFAULT (1.5),
        "price" NUMERIC(8, 3) DEFAULT '0.125',
        "flag" BOOL DEFAULT TRUE,
        "at" TIMESTAMP DEFAULT (CURRENT_TIMESTAMP),
        "kind" TEXT CHECK ("kind" IN ('a', 'b''c')) DEFAULT "a",
        "expr" TEXT DEFAULT (lower('X') || 'y'),
        "raw",
        "parent_code" TEXT CONSTRAINT "named_fk" REFERENCES "parent" ("code") ON UPDATE CASCADE ON DELETE SET NULL,
        "parent_id" INTEGER REFERENCES parent NOT NULL,
        CONSTRAINT "pk" PRIMARY KEY ("we""ird" COLLATE NOCASE, "select" DESC) ON CONFLICT ABORT,
        UNIQUE ("order", "ratio"),
        CONSTRAINT "u2" UNIQUE ("price"),
        CHECK ("ratio" >= 0),
        FOREIGN KEY ("order") REFERENCES "parent" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
      ) WITHOUT ROWID`);
    await driver.query(`CREATE UNIQUE INDEX IF NOT EXISTS "main"."by_expr" ON \`we"ird\` (lower("kind"), "at" DESC)`);
    await driver.query(`CREATE INDEX [partial] ON \`we"ird\` ([flag]) WHERE "flag" = 1 AND "kind" <> 'a;b'`);
    await driver.query(`CREATE VIRTUAL TABLE "search" USING fts5 ("body")`);

    const live = await introspect(driver);
    const weird = live.tables.find((t) => t.name === 'we"ird')!;
    const expected: Table = table(
      'we"ird',
      [
        col('we"ird', "string", { default: { kind: "literal", value: "it's" } }),
        col("select", "int", { nullable: true }),
        col("order", "bigInt", { nullable: true, default: { kind: "literal", value: "-12" } }),
        col("ratio", "float", { nullable: true, default: { kind: "literal", value: 1.5 } }),
        col(
          "price",
          { kind: "decimal", precision: 8, scale: 3 },
          { nullable: true, default: { kind: "literal", value: "0.125" } },
        ),
        col("flag", "boolean", { nullable: true, default: { kind: "literal", value: true } }),
        col("at", "dateTime", { nullable: true, default: { kind: "now" } }),
        col(
          "kind",
          { kind: "enum", name: 'we"ird_kind', values: ["a", "b'c"] },
          { nullable: true, default: { kind: "literal", value: "a" } },
        ),
        col("expr", "string", { nullable: true, default: { kind: "sql", expression: "lower('X') || 'y'" } }),
        col("raw", "blob", { nullable: true }),
        col("parent_code", "string", { nullable: true }),
        col("parent_id", "int"),
      ],
      ['we"ird', "select"],
      {
        uniques: [
          // Declared in the table: only a rebuild drops them.
          { name: 'we"ird_order_ratio_key', columns: ["order", "ratio"], inline: true },
          { name: "u2", columns: ["price"], inline: true },
        ],
        indexes: [
          {
            name: "by_expr",
            columns: ['lower("kind")', "at"],
            unique: true,
            columnOptions: { at: { order: "desc" } },
          },
          { name: "partial", columns: ["flag"], unique: false, where: `"flag" = 1 AND "kind" <> 'a;b'` },
        ],
        foreignKeys: [
          {
            name: "named_fk",
            columns: ["parent_code"],
            referencedTable: "parent",
            referencedColumns: ["code"],
            onDelete: "setNull",
            onUpdate: "cascade",
          },
          {
            name: 'we"ird_order_fkey',
            columns: ["order"],
            referencedTable: "parent",
            referencedColumns: ["id"],
            onDelete: "cascade",
            onUpdate: "noAction",
          },
          {
            name: 'we"ird_parent_id_fkey',
            columns: ["parent_id"],
            referencedTable: "parent",
            referencedColumns: ["id"],
            onDelete: "noAction",
            onUpdate: "noAction",
          },
        ],
        // Unnamed CHECKs get names; the enum's CHECK on "kind" is not among them.
        checks: [
          { name: 'we"ird_check', expression: '"ratio" >= 0' },
          { name: 'we"ird_select_check', expression: "[select] > 0" },
        ],
      },
    );
    expect(weird).toEqual(snapshot([expected]).tables[0]);
    const parent = live.tables.find((t) => t.name === "parent")!;
    expect(parent.columns).toEqual([
      col("id", "int", { autoIncrement: true }),
      // SQLite enforces no length: a VARCHAR(10) is a plain string.
      col("code", "string", { nullable: true }),
    ]);
    expect(parent.uniques).toEqual([{ name: "parent_code_key", columns: ["code"], inline: true }]);
    expect(live.tables.map((t) => t.name)).toEqual(["parent", 'we"ird']);
    expect(live.enums).toEqual([{ name: 'we"ird_kind', values: ["a", "b'c"] }]);
    // What was read is stable: normalising it changes nothing.
    expect(dialect.normalize(live)).toEqual(dialect.normalize(dialect.normalize(live)));
  });

  test("after ALTER TABLE (add, rename, drop column; rename table) the rewritten SQL still reads back", async () => {
    const users = table("users", [
      col("id", "int"),
      col("name", "string"),
      col("role", { kind: "enum", name: "Role", values: ["A", "B"] }),
    ]);
    const { statements } = {
      statements: dialect.ddl(
        { kind: "createTable", table: users },
        { before: snapshot([]), after: snapshot([users]) },
      ),
    };
    for (const statement of statements) await driver.query(statement.sql);
    await driver.query(`ALTER TABLE "users" ADD COLUMN "note" TEXT DEFAULT 'n'`);
    await driver.query(`ALTER TABLE "users" RENAME COLUMN "role" TO "kind"`);
    await driver.query(`ALTER TABLE "users" DROP COLUMN "name"`);
    await driver.query(`ALTER TABLE "users" RENAME TO "people"`);
    const live = await introspect(driver);
    expect(live).toEqual(
      snapshot([
        table("people", [
          col("id", "int"),
          col("kind", { kind: "enum", name: "Role", values: ["A", "B"] }),
          col("note", "string", { nullable: true, default: { kind: "literal", value: "n" } }),
        ]),
      ]),
    );
  });

  test("duplicates: identical foreign keys and CHECKs stay two, repeated UNIQUEs are SQLite's one index", async () => {
    await driver.query(`CREATE TABLE "p" ("id" INTEGER PRIMARY KEY)`);
    await driver.query(`
      CREATE TABLE "c" (
        "id" INTEGER PRIMARY KEY, "p_id" INTEGER, "email" TEXT UNIQUE, "a" TEXT,
        UNIQUE ("email"), UNIQUE ("a", "email"), UNIQUE ("email", "a"),
        FOREIGN KEY ("p_id") REFERENCES "p" ("id"), FOREIGN KEY ("p_id") REFERENCES "p" ("id"),
        CONSTRAINT "named" FOREIGN KEY ("p_id") REFERENCES "p", CONSTRAINT "named" FOREIGN KEY ("p_id") REFERENCES "p",
        CHECK ("a" <> ''), CHECK ("a" <> '')
      )`);
    await driver.query(`CREATE INDEX "c_p_id_fkey" ON "c" ("p_id")`);
    await driver.query(`CREATE INDEX "c_email_key" ON "c" ("email" DESC)`);
    const live = (await introspect(driver)).tables.find((t) => t.name === "c")!;
    expect(live.foreignKeys.map((fk) => fk.name)).toEqual(["c_p_id_fkey", "c_p_id_fkey1", "named", "named1"]);
    expect(live.checks).toEqual([
      { name: "c_check", expression: `"a" <> ''` },
      { name: "c_check1", expression: `"a" <> ''` },
    ]);
    // The index's own name wins; the made-up name of the UNIQUE it collides with moves aside.
    expect(live.uniques).toEqual([
      { name: "c_a_email_key", columns: ["a", "email"], inline: true },
      { name: "c_email_a_key", columns: ["email", "a"], inline: true },
      { name: "c_email_key1", columns: ["email"], inline: true },
    ]);
    expect(live.indexes.map((index) => [index.name, index.columnOptions])).toEqual([
      ["c_email_key", { email: { order: "desc" } }],
      ["c_p_id_fkey", undefined],
    ]);
    expect(dialect.normalize(live === undefined ? snapshot([]) : snapshot([live]))).toEqual(
      dialect.normalize(dialect.normalize(snapshot([live]))),
    );
  });

  test("declared types: viborm's and well-known names are neutral types, any other is nativeType.sqlite", async () => {
    await driver.query(
      `CREATE TABLE "t" ("a" VARCHAR(255), "b" char(2), "c" CITEXT, "d" MEDIUMINT, "e" INT, "f" UNSIGNED BIG INT, "g" DECIMAL(8,2), "h" INT(11))`,
    );
    const [t] = (await introspect(driver)).tables;
    expect(t!.columns.map((column) => [column.name, column.type, column.nativeType?.sqlite])).toEqual([
      ["a", { kind: "string" }, undefined],
      ["b", { kind: "string" }, undefined],
      ["c", { kind: "string" }, "CITEXT"],
      ["d", { kind: "int" }, "MEDIUMINT"],
      ["e", { kind: "int" }, undefined],
      ["f", { kind: "int" }, "UNSIGNED BIG INT"],
      ["g", { kind: "decimal", precision: 8, scale: 2 }, undefined],
      ["h", { kind: "int" }, "INT(11)"],
    ]);
  });

  test("unreadable SQL is an UNSUPPORTED_OPERATION naming the object", () => {
    const rows = [{ type: "table", name: "bad", tbl_name: "bad", sql: "CREATE TABLE bad (a TEXT DEFAULT 'oops" }];
    expect(() => dialect.introspection.read([rows], { excludeTables: [] })).toThrow(
      expect.objectContaining({ code: "UNSUPPORTED_OPERATION", meta: expect.objectContaining({ table: "bad" }) }),
    );
  });
});

describe("SQLite DDL parser", () => {
  test("CREATE TABLE with schema-qualified, bracketed and backticked names", () => {
    const parsed = parseCreateTable('CREATE TEMP TABLE main.[a b] (`x``y` TEXT, "z" INTEGER PRIMARY KEY DESC)');
    expect(parsed?.name).toBe("a b");
    expect(parsed?.columns.map((c) => c.name)).toEqual(["x`y", "z"]);
    expect(parsed?.primaryKey).toEqual(["z"]);
  });

  test("CREATE INDEX keeps the WHERE text verbatim, nested parentheses included", () => {
    const parsed = parseCreateIndex(
      `CREATE INDEX "i" ON "t" ("a", ("b" + 1)) WHERE ("a" IN (1, (2))) AND "b" IS NOT NULL;`,
    );
    expect(parsed).toEqual({
      name: "i",
      table: "t",
      unique: false,
      columns: ["a", '("b" + 1)'],
      expressions: true,
      descending: [],
      where: '("a" IN (1, (2))) AND "b" IS NOT NULL',
    });
  });

  test("enum CHECKs: only `column IN ('…', …)` counts", () => {
    expect(parseInList(`"role" IN ('USER', 'it''s')`)).toEqual({ column: "role", values: ["USER", "it's"] });
    expect(parseInList(`[role] IN ()`)).toEqual({ column: "role", values: [] });
    expect(parseInList(`"role" IN ('a', 1)`)).toBeNull();
    expect(parseInList(`"role" IN ('a',)`)).toBeNull();
    expect(parseInList(`length("role") > 0`)).toBeNull();
    expect(parseInList(`"role" NOT IN ('a')`)).toBeNull();
  });
});
