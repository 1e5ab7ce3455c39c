/**
 * The SQLite round trip over the corpus: DDL run on a real database, introspected back through the
 * driver, equals the snapshot (normalised where SQLite cannot keep something). An independent look
 * at SQLite's own pragmas checks the introspection is not just agreeing with itself.
 */
import { isVibormError } from "viborm";
import { describe, expect, test } from "vitest";
import { diff } from "../../../src/diff/index.js";
import { CORPUS } from "./corpus.js";
import { col, create, dialect, freshDriver, introspect, snapshot, table } from "./helpers.js";

describe("SQLite dialect round trip (corpus)", () => {
  test.each(CORPUS)("$name", async ({ snapshot: target, exact }) => {
    const driver = freshDriver();
    try {
      await create(driver, target);
      const live = await introspect(driver);
      expect(dialect.normalize(live)).toEqual(dialect.normalize(target));
      // What push does next: the diff of the live schema against the same schema is empty.
      expect(diff(dialect.normalize(live), dialect.normalize(target)).operations).toEqual([]);
      if (exact) {
        expect(live).toEqual(target);
        expect(dialect.normalize(target)).toEqual(target);
      }
      expect(dialect.normalize(dialect.normalize(target))).toEqual(dialect.normalize(target));
    } finally {
      await driver.close();
    }
  });

  test("SQLite's own catalog agrees: types, not-null, keys and foreign keys", async () => {
    const driver = freshDriver();
    try {
      await create(driver, CORPUS.find((entry) => entry.name.startsWith("self and cross"))!.snapshot);
      const info = (await driver.query(`PRAGMA table_info("child")`)).rows;
      expect(info.map((row) => [row.name, row.type, row.notnull, row.pk])).toEqual([
        ["id", "INTEGER", 1, 1],
        ["a", "INTEGER", 1, 0],
        ["b", "INTEGER", 0, 0],
        ["c", "INTEGER", 0, 0],
        ["d", "INTEGER", 1, 0],
        ["e", "INTEGER", 1, 0],
        ["code", "TEXT", 0, 0],
      ]);
      const fks = (await driver.query(`PRAGMA foreign_key_list("child")`)).rows;
      expect(fks.map((row) => [row.from, row.table, row.to, row.on_delete, row.on_update]).sort()).toEqual(
        [
          ["a", "parent", "id", "CASCADE", "CASCADE"],
          ["b", "parent", "id", "SET NULL", "NO ACTION"],
          ["c", "parent", "id", "SET DEFAULT", "RESTRICT"],
          ["code", "parent", "code", "NO ACTION", "NO ACTION"],
          ["d", "parent", "id", "RESTRICT", "SET NULL"],
          ["e", "parent", "id", "NO ACTION", "SET DEFAULT"],
        ].sort(),
      );
      const indexes = (await driver.query(`PRAGMA index_list("parent")`)).rows;
      expect(indexes.map((row) => [row.name, row.unique])).toEqual([["parent_code_key", 1]]);
    } finally {
      await driver.close();
    }
  });

  test("enum CHECKs hold: a value outside the enum is refused, NULL and listed values pass", async () => {
    const driver = freshDriver();
    try {
      await create(driver, CORPUS.find((entry) => entry.name.startsWith("enums"))!.snapshot);
      await driver.query(`INSERT INTO "a" ("id", "role", "other") VALUES (1, 'it''s', NULL)`);
      await expect(driver.query(`INSERT INTO "a" ("id", "role") VALUES (2, 'GUEST')`)).rejects.toMatchObject({
        code: "QUERY_FAILED",
        cause: { code: "SQLITE_CONSTRAINT_CHECK" },
      });
    } finally {
      await driver.close();
    }
  });

  test("defaults fill rows inserted by plain SQL", async () => {
    const driver = freshDriver();
    try {
      await create(driver, CORPUS.find((entry) => entry.name === "every default kind")!.snapshot);
      await driver.query(`INSERT INTO "defaults" ("id") VALUES (1)`);
      const [row] = (await driver.query(`SELECT * FROM "defaults"`)).rows;
      expect(row).toMatchObject({
        quote: "it's",
        empty: "",
        answer: 42,
        below: -7,
        big: "9007199254740993",
        ratio: 1.5,
        yes: 1,
        no: 0,
        doc: '{"a":[1,2],"b":"it\'s"}',
        fixed_day: "2024-01-01",
        lowered: "abc",
        role: "USER",
      });
      expect(row?.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(row?.created_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row?.bytes).toEqual(Buffer.from([0, 255]));
    } finally {
      await driver.close();
    }
  });

  test("normalize folds what SQLite cannot keep", () => {
    const entry = CORPUS.find((candidate) => !candidate.exact)!;
    const normal = dialect.normalize(entry.snapshot);
    const users = normal.tables.find((t) => t.name === "users")!;
    expect(users.columns.map((c) => [c.name, c.type.kind, c.array, c.default])).toEqual([
      ["id", "string", false, null],
      ["tags", "json", false, null],
      ["scores", "json", false, { kind: "literal", value: "[]" }],
      ["roles", "json", false, null],
      ["email", "string", false, null],
    ]);
    expect(users.uniques).toEqual([{ name: "users_email_key", columns: ["email"] }]);
    expect(users.indexes).toEqual([{ name: "users_tags_idx", columns: ["tags"], unique: false }]);
    const events = normal.tables.find((t) => t.name === "events")!;
    expect(events.columns[0]).toMatchObject({ type: { kind: "int" }, autoIncrement: true, nullable: false });
    expect(normal.enums).toEqual([]);
  });

  test("an auto-increment that is not the lone integer key is UNSUPPORTED_OPERATION", () => {
    const bad = snapshot([table("t", [col("a", "int", { autoIncrement: true }), col("b", "int")], ["a", "b"])]);
    let caught: unknown;
    try {
      dialect.ddl({ kind: "createTable", table: bad.tables[0]! }, { before: bad, after: bad });
    } catch (error) {
      caught = error;
    }
    expect(isVibormError(caught, "UNSUPPORTED_OPERATION")).toBe(true);
    expect((caught as { meta: unknown }).meta).toMatchObject({ dialect: "sqlite", table: "t", detail: "a" });
  });
});
