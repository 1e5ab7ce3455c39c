/**
 * Every operation kind on SQLite, run on tables holding rows: the introspected schema equals the
 * expected after-state (the operation applied to the before-state), and rows survive every
 * non-destructive change, including those that need a table rebuild.
 */
import type { Driver } from "viborm";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { diff } from "../../../src/diff/index.js";
import type { Operation } from "../../../src/diff/operations.js";
import type { Column, ColumnType, Snapshot, Table } from "../../../src/schema/snapshot.js";
import {
  col,
  create,
  dialect,
  execute,
  freshDriver,
  insert,
  introspect,
  plan,
  rows,
  snapshot,
  table,
} from "./helpers.js";

const role: ColumnType = { kind: "enum", name: "Role", values: ["USER", "ADMIN"] };

const USERS = table(
  "users",
  [
    col("id", "int", { autoIncrement: true }),
    col("email", "string"),
    col("name", "string", { nullable: true }),
    col("role", role, { default: { kind: "literal", value: "USER" } }),
    col("score", "int", { default: { kind: "literal", value: 0 } }),
  ],
  ["id"],
  {
    uniques: [{ name: "users_email_key", columns: ["email"] }],
    indexes: [{ name: "users_name_idx", columns: ["name"], unique: false }],
  },
);
const POSTS = table(
  "posts",
  [col("id", "int"), col("author_id", "int"), col("title", "string"), col("views", "int", { nullable: true })],
  ["id"],
  {
    foreignKeys: [
      {
        name: "posts_author_id_fkey",
        columns: ["author_id"],
        referencedTable: "users",
        referencedColumns: ["id"],
        onDelete: "cascade",
        onUpdate: "noAction",
      },
    ],
  },
);
const LOGS = table("logs", [col("at", "string"), col("line", "string")], []);
const BASE = snapshot([USERS, POSTS, LOGS]);

const USER_ROWS = [
  { id: 1, email: "a@x", name: "Ann", role: "ADMIN", score: 5 },
  { id: 2, email: "b@x", name: null, role: "USER", score: 7 },
  { id: 3, email: "c@x", name: "it's", role: "USER", score: 9 },
];
const POST_ROWS = [
  { id: 10, author_id: 1, title: "one", views: 3 },
  { id: 11, author_id: 1, title: "two", views: null },
  { id: 12, author_id: 2, title: "three", views: 1 },
  { id: 13, author_id: 3, title: "four", views: 0 },
];
const LOG_ROWS = [
  { at: "2024-01-01", line: "x" },
  { at: "2024-01-02", line: "y" },
];

function column(tableName: string, name: string): Column {
  return BASE.tables.find((t: Table) => t.name === tableName)!.columns.find((c) => c.name === name)!;
}

interface Case {
  name: string;
  operations: Operation[];
  /** The rows expected afterwards, per table (default: unchanged). */
  rows?: Record<string, Record<string, unknown>[]>;
  /** Extra checks on the database afterwards. */
  check?: (driver: Driver) => Promise<void>;
  /** The SQL of the plan must (not) contain a table rebuild. */
  rebuild?: boolean;
}

const withColumn = (list: Record<string, unknown>[], key: string, value: (row: Record<string, unknown>) => unknown) =>
  list.map((row) => ({ ...row, [key]: value(row) }));
const without = (list: Record<string, unknown>[], key: string) =>
  list.map(({ [key]: _, ...rest }) => rest as Record<string, unknown>);

const CASES: Case[] = [
  {
    name: "createTable",
    rebuild: false,
    operations: [
      {
        kind: "createTable",
        table: table("tags", [col("id", "int"), col("label", "string")], ["id"], {
          uniques: [{ name: "tags_label_key", columns: ["label"] }],
        }),
      },
    ],
  },
  { name: "dropTable", rebuild: false, operations: [{ kind: "dropTable", table: LOGS }], rows: { logs: [] } },
  {
    name: "renameTable: the children's foreign keys follow",
    rebuild: false,
    operations: [{ kind: "renameTable", from: "users", to: "members" }],
    rows: { members: USER_ROWS, users: [] },
    check: async (driver) => {
      const fks = (await driver.query(`PRAGMA foreign_key_list("posts")`)).rows;
      expect(fks.map((fk) => fk.table)).toEqual(["members"]);
    },
  },
  {
    name: "addColumn nullable (ALTER TABLE)",
    rebuild: false,
    operations: [{ kind: "addColumn", table: "users", column: col("bio", "string", { nullable: true }) }],
    rows: { users: withColumn(USER_ROWS, "bio", () => null) },
  },
  {
    name: "addColumn NOT NULL with a default, and an enum column (ALTER TABLE)",
    rebuild: false,
    operations: [
      {
        kind: "addColumn",
        table: "users",
        column: col("plan", "string", { default: { kind: "literal", value: "it's" } }),
      },
      {
        kind: "addColumn",
        table: "users",
        column: col("tier", role, { default: { kind: "literal", value: "ADMIN" } }),
      },
    ],
    rows: {
      users: withColumn(
        withColumn(USER_ROWS, "plan", () => "it's"),
        "tier",
        () => "ADMIN",
      ),
    },
  },
  {
    name: "addColumn with a now() default (rebuild: SQLite refuses it in ADD COLUMN)",
    rebuild: true,
    operations: [
      { kind: "addColumn", table: "users", column: col("joined", "dateTime", { default: { kind: "now" } }) },
    ],
    rows: { users: withColumn(USER_ROWS, "joined", () => expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)) },
  },
  {
    name: "dropColumn (ALTER TABLE), after dropping its index",
    rebuild: false,
    operations: [
      { kind: "dropIndex", table: "users", index: USERS.indexes[0]! },
      { kind: "dropColumn", table: "users", column: column("users", "name") },
    ],
    rows: { users: without(USER_ROWS, "name") },
  },
  {
    name: "renameColumn: indexes, uniques and the enum CHECK follow",
    rebuild: false,
    operations: [
      { kind: "renameColumn", table: "users", from: "name", to: "display_name" },
      { kind: "renameColumn", table: "users", from: "role", to: "kind" },
      { kind: "renameColumn", table: "users", from: "id", to: "user_id" },
    ],
    rows: {
      users: USER_ROWS.map(({ id, name, role: value, ...rest }) => ({
        user_id: id,
        ...rest,
        display_name: name,
        kind: value,
      })),
    },
    check: async (driver) => {
      await expect(driver.query(`UPDATE "users" SET "kind" = 'NOPE'`)).rejects.toMatchObject({ code: "QUERY_FAILED" });
      const fks = (await driver.query(`PRAGMA foreign_key_list("posts")`)).rows;
      expect(fks.map((fk) => fk.to)).toEqual(["user_id"]);
    },
  },
  {
    name: "alterColumn widens int → bigInt on a parent table: children keep every row",
    rebuild: true,
    operations: [{ kind: "alterColumn", table: "users", from: column("users", "score"), to: col("score", "bigInt") }],
  },
  {
    name: "alterColumn nullable → NOT NULL with a default fills the NULLs",
    rebuild: true,
    operations: [
      {
        kind: "alterColumn",
        table: "users",
        from: column("users", "name"),
        to: col("name", "string", { default: { kind: "literal", value: "anon" } }),
      },
    ],
    rows: { users: withColumn(USER_ROWS, "name", (row) => row.name ?? "anon") },
  },
  {
    name: "alterColumn changes a default and a string length",
    rebuild: true,
    operations: [
      {
        kind: "alterColumn",
        table: "users",
        from: column("users", "score"),
        to: col("score", "int", { default: { kind: "literal", value: 100 } }),
      },
      {
        kind: "alterColumn",
        table: "posts",
        from: column("posts", "title"),
        to: col("title", { kind: "string", length: 200 }),
      },
    ],
  },
  {
    name: "addPrimaryKey and dropPrimaryKey",
    rebuild: true,
    operations: [
      { kind: "addPrimaryKey", table: "logs", primaryKey: { columns: ["at"] } },
      { kind: "dropPrimaryKey", table: "posts", primaryKey: { columns: ["id"] } },
    ],
  },
  {
    name: "addUnique and dropUnique (named unique indexes)",
    rebuild: false,
    operations: [
      { kind: "dropUnique", table: "users", unique: USERS.uniques[0]! },
      {
        kind: "addUnique",
        table: "posts",
        unique: { name: "posts_author_title_key", columns: ["author_id", "title"] },
      },
    ],
  },
  {
    name: "createIndex (partial, unique) and dropIndex",
    rebuild: false,
    operations: [
      { kind: "dropIndex", table: "users", index: USERS.indexes[0]! },
      {
        kind: "createIndex",
        table: "posts",
        index: { name: "posts_popular", columns: ["views"], unique: false, where: '"views" > 0' },
      },
      {
        kind: "createIndex",
        table: "users",
        index: { name: "users_named_unique", columns: ["name"], unique: true, where: '"name" IS NOT NULL' },
      },
    ],
  },
  {
    name: "dropForeignKey and addForeignKey",
    rebuild: true,
    operations: [
      { kind: "dropForeignKey", table: "posts", foreignKey: POSTS.foreignKeys[0]! },
      {
        kind: "addForeignKey",
        table: "posts",
        foreignKey: { ...POSTS.foreignKeys[0]!, name: "posts_author_fk", onDelete: "restrict", onUpdate: "cascade" },
      },
    ],
    check: async (driver) => {
      await expect(driver.query(`DELETE FROM "users" WHERE "id" = 1`)).rejects.toMatchObject({ code: "QUERY_FAILED" });
    },
  },
  {
    name: "createEnum and dropEnum need no statement",
    rebuild: false,
    operations: [
      { kind: "createEnum", enum: { name: "Mood", values: ["up", "down"] } },
      { kind: "dropEnum", enum: { name: "Mood", values: ["up", "down"] } },
    ],
  },
  {
    name: "alterEnum rebuilds the tables using it with the new CHECK",
    rebuild: true,
    operations: [{ kind: "alterEnum", name: "Role", from: ["USER", "ADMIN"], to: ["USER", "ADMIN", "GUEST"] }],
    check: async (driver) => {
      await driver.query(`UPDATE "users" SET "role" = 'GUEST' WHERE "id" = 2`);
      await expect(driver.query(`UPDATE "users" SET "role" = 'NOPE'`)).rejects.toMatchObject({ code: "QUERY_FAILED" });
    },
  },
];

describe("SQLite dialect operations on tables holding rows", () => {
  let driver: Driver;
  beforeEach(async () => {
    driver = freshDriver();
    await create(driver, BASE);
    await insert(driver, "users", USER_ROWS);
    await insert(driver, "posts", POST_ROWS);
    await insert(driver, "logs", LOG_ROWS);
  });
  afterEach(() => driver.close());

  test.each(CASES)("$name", async (entry) => {
    const { statements, after } = plan(BASE, entry.operations);
    if (entry.rebuild !== undefined) {
      expect(statements.some((s) => s.sql.startsWith("PRAGMA defer_foreign_keys"))).toBe(entry.rebuild);
    }
    await execute(driver, statements);
    expect(dialect.normalize(await introspect(driver))).toEqual(dialect.normalize(after));
    const expected = { users: USER_ROWS, posts: POST_ROWS, logs: LOG_ROWS, ...entry.rows };
    for (const [name, list] of Object.entries(expected)) {
      if (!after.tables.some((t) => t.name === name)) continue;
      expect(await rows(driver, name)).toEqual(list);
    }
    await entry.check?.(driver);
    expect((await driver.query("PRAGMA foreign_key_check")).rows).toEqual([]);
  });

  test("every operation kind is covered", () => {
    const kinds = new Set(CASES.flatMap((entry) => entry.operations.map((op) => op.kind)));
    expect([...kinds].sort()).toEqual(
      [
        "createTable",
        "dropTable",
        "renameTable",
        "addColumn",
        "dropColumn",
        "renameColumn",
        "alterColumn",
        "addPrimaryKey",
        "dropPrimaryKey",
        "addUnique",
        "dropUnique",
        "createIndex",
        "dropIndex",
        "addForeignKey",
        "dropForeignKey",
        "createEnum",
        "dropEnum",
        "alterEnum",
      ].sort(),
    );
  });

  test("addColumn NOT NULL without a default: rebuilt, so it works on an empty table and fails cleanly on rows", async () => {
    const operation: Operation = { kind: "addColumn", table: "logs", column: col("level", "int") };
    const { statements, after } = plan(BASE, [operation]);
    await expect(execute(driver, statements)).rejects.toMatchObject({ code: "QUERY_FAILED" });
    expect(await introspect(driver)).toEqual(dialect.normalize(BASE));
    expect(await rows(driver, "logs")).toEqual(LOG_ROWS);
    await driver.query(`DELETE FROM "logs"`);
    await execute(driver, statements);
    expect(dialect.normalize(await introspect(driver))).toEqual(dialect.normalize(after));
  });

  test("a planned change of an auto-increment key passes through states SQLite cannot express", async () => {
    const from = snapshot([table("keyed", [col("id", "int", { autoIncrement: true }), col("code", "string")])]);
    const to = snapshot([table("keyed", [col("id", "int"), col("code", "string")], ["id", "code"])]);
    const other = freshDriver();
    try {
      await create(other, from);
      await insert(other, "keyed", [{ code: "a" }, { code: "it's" }]);
      const { statements } = plan(from, diff(from, to).operations);
      await execute(other, statements);
      expect(await introspect(other)).toEqual(dialect.normalize(to));
      expect(await rows(other, "keyed")).toEqual([
        { id: 1, code: "a" },
        { id: 2, code: "it's" },
      ]);
    } finally {
      await other.close();
    }
  });

  test("dropColumn of a column still in a key or foreign key falls back to a rebuild", () => {
    const before: Snapshot = BASE;
    const after = snapshot([USERS, { ...POSTS, columns: POSTS.columns.filter((c) => c.name !== "views") }, LOGS]);
    const sql = dialect.ddl(
      { kind: "dropColumn", table: "posts", column: column("posts", "views") },
      { before, after },
    );
    expect(sql.map((s) => s.sql)).toEqual([`ALTER TABLE "posts" DROP COLUMN "views"`]);
    const keyed = dialect.ddl(
      { kind: "dropColumn", table: "users", column: column("users", "email") },
      { before, after: BASE },
    );
    expect(keyed[0]?.sql).toBe("PRAGMA defer_foreign_keys = ON");
  });
});
