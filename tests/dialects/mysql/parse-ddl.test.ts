/**
 * The MySQL/MariaDB reader of migration SQL: the DDL viborm writes reads back as the change it
 * makes, and hand-written DDL reads as information_schema shows it afterwards on the real server.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect as dialect } from "../../../src/dialects/mysql/index.js";
import { applyOperation } from "../../../src/diff/index.js";
import type { Operation } from "../../../src/diff/operations.js";
import { emptySnapshot, type Snapshot } from "../../../src/schema/snapshot.js";
import { requireDatabase } from "../../helpers/databases.js";
import { canonicalFragments, foldParsed, parseOne } from "../parse-harness.js";
import { col, type MysqlTestDatabase, openMysql, table } from "./helpers.js";

const role = { kind: "enum" as const, name: "users_role", values: ["USER", "ADMIN"] };
const users = table(
  "users",
  [
    col("id", "int", { autoIncrement: true }),
    col("email", "string"),
    col("name", { kind: "string", length: 80 }, { nullable: true }),
    col("role", role, { default: { kind: "literal", value: "USER" } }),
    col("balance", "decimal", { default: { kind: "literal", value: "0" } }),
    col("createdAt", "dateTime", { default: { kind: "now" } }),
    col("active", "boolean", { default: { kind: "literal", value: true } }),
    col("payload", "json", { nullable: true }),
  ],
  { primaryKey: { columns: ["id"] }, uniques: [{ name: "users_email_key", columns: ["email"] }] },
);
const posts = table(
  "posts",
  [col("id", "bigInt", { autoIncrement: true }), col("authorId", "int"), col("title", "string")],
  {
    primaryKey: { columns: ["id"] },
    foreignKeys: [
      {
        name: "posts_authorId_fkey",
        columns: ["authorId"],
        referencedTable: "users",
        referencedColumns: ["id"],
        onDelete: "cascade",
        onUpdate: "restrict",
      },
    ],
  },
);

/** A history of operations, each planned against the state before it. */
function history(): Operation[] {
  const email = users.columns[1]!;
  const name = users.columns[2]!;
  return [
    { kind: "createEnum", enum: { name: role.name, values: role.values } },
    { kind: "createTable", table: users },
    { kind: "createTable", table: posts },
    { kind: "addColumn", table: "users", column: col("age", "int", { nullable: true }) },
    {
      kind: "alterColumn",
      table: "users",
      from: name,
      to: { ...name, type: { kind: "string", length: 120 }, nullable: false, default: { kind: "literal", value: "" } },
    },
    {
      kind: "createIndex",
      table: "users",
      index: { name: "users_role_createdAt_idx", columns: ["role", "createdAt"], unique: false },
    },
    { kind: "renameColumn", table: "users", from: "age", to: "years" },
    { kind: "alterEnum", name: role.name, from: role.values, to: [...role.values, "GUEST"] },
    { kind: "dropUnique", table: "users", unique: { name: "users_email_key", columns: ["email"] } },
    { kind: "addUnique", table: "users", unique: { name: "users_email_name_key", columns: ["email", "name"] } },
    { kind: "dropForeignKey", table: "posts", foreignKey: posts.foreignKeys[0]! },
    { kind: "renameTable", from: "posts", to: "articles" },
    {
      kind: "addForeignKey",
      table: "articles",
      foreignKey: { ...posts.foreignKeys[0]!, name: "articles_authorId_fkey", onDelete: "setNull" },
    },
    { kind: "dropColumn", table: "users", column: col("years", "int", { nullable: true }) },
    { kind: "alterColumn", table: "users", from: email, to: { ...email, type: { kind: "string", length: 191 } } },
    { kind: "addCheck", table: "users", check: { name: "users_balance_ok", expression: "`balance` >= 0" } },
    {
      kind: "createIndex",
      table: "users",
      index: {
        name: "users_email_prefix_idx",
        columns: ["email", "createdAt"],
        unique: false,
        columnOptions: { email: { length: 20 }, createdAt: { order: "desc" } },
      },
    },
    {
      kind: "createIndex",
      table: "articles",
      index: { name: "articles_title_ft", columns: ["title"], unique: false, type: "fulltext" },
    },
    {
      kind: "createTable",
      table: {
        ...table("ledger", [col("id", "int"), col("amount", "decimal"), col("memo", { kind: "string", length: 80 })], {
          primaryKey: { columns: ["id"] },
          indexes: [
            {
              name: "ledger_memo_amount_idx",
              columns: ["memo", "amount"],
              unique: true,
              columnOptions: { memo: { length: 10, order: "desc" } },
            },
          ],
        }),
        checks: [{ name: "ledger_amount_ok", expression: "amount <> 0" }],
      },
    },
    { kind: "dropCheck", table: "users", check: { name: "users_balance_ok", expression: "`balance` >= 0" } },
  ];
}

describe("the DDL viborm writes reads back as the change it makes", () => {
  test("a history of operations, statement by statement", () => {
    let state: Snapshot = emptySnapshot();
    let read: Snapshot = emptySnapshot();
    for (const operation of history()) {
      const after = applyOperation(state, operation);
      const statements = dialect.ddl(operation, { before: state, after }).map((statement) => statement.sql);
      read = foldParsed(dialect, statements, read);
      state = after;
      expect(dialect.normalize(read), operation.kind).toEqual(dialect.normalize(state));
    }
  });
});

const HAND_WRITTEN: { name: string; statements: string[] }[] = [
  {
    name: "tables, columns and keys in the spellings people use",
    statements: [
      `CREATE TABLE IF NOT EXISTS accounts (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        email VARCHAR(191) NOT NULL,
        name varchar(100) DEFAULT NULL COMMENT 'shown in lists',
        status ENUM('active','Closed') NOT NULL DEFAULT 'active',
        created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
        flag BOOLEAN DEFAULT FALSE,
        score DOUBLE,
        note TEXT,
        PRIMARY KEY (id),
        UNIQUE KEY email (email),
        KEY (name)
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
      "CREATE TABLE `posts` (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, `account_id` INT UNSIGNED NOT NULL, `title` VARCHAR(200) NOT NULL, CONSTRAINT `posts_account_fk` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) ON DELETE CASCADE)",
      "ALTER TABLE posts ADD COLUMN views INT NOT NULL DEFAULT 0 AFTER title, ADD INDEX posts_title_idx (title), ALGORITHM=INPLACE, LOCK=NONE",
      "ALTER TABLE accounts MODIFY name VARCHAR(150) NOT NULL DEFAULT '', CHANGE COLUMN note bio TEXT NULL",
      "ALTER TABLE accounts ALTER COLUMN score SET DEFAULT 1.5",
      "ALTER TABLE accounts RENAME COLUMN flag TO is_flagged, RENAME INDEX name TO accounts_name_idx",
      "CREATE UNIQUE INDEX accounts_name_email ON accounts (name, email) ALGORITHM=INPLACE",
      "DROP INDEX accounts_name_email ON accounts",
      "ALTER TABLE posts DROP FOREIGN KEY posts_account_fk",
      "ALTER TABLE posts ADD CONSTRAINT posts_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id)",
      "RENAME TABLE posts TO articles",
      "ALTER TABLE articles DROP COLUMN views",
      "CREATE TABLE scratch (x INT)",
      "DROP TABLE IF EXISTS scratch, nothing_here",
    ],
  },
  {
    name: "checks, descending and prefix key columns, full-text indexes",
    statements: [
      `CREATE TABLE accounts (
        id INT NOT NULL PRIMARY KEY,
        email VARCHAR(191) NOT NULL,
        name VARCHAR(100) NOT NULL,
        score INT NOT NULL CHECK (score >= 0),
        bio TEXT,
        UNIQUE KEY accounts_email_name (email(50), name DESC),
        KEY accounts_name_desc (name DESC, score),
        FULLTEXT KEY accounts_bio_ft (bio),
        CONSTRAINT accounts_name_ok CHECK (name <> ''),
        CHECK (score < 1000)
      )`,
      "ALTER TABLE accounts ADD CONSTRAINT accounts_id_ok CHECK (id > 0), ADD CHECK (id < 1000000)",
      "ALTER TABLE accounts ADD COLUMN age INT CHECK (age > 0)",
      "CREATE INDEX accounts_bio_prefix ON accounts (bio(30) DESC)",
      "ALTER TABLE accounts DROP CONSTRAINT accounts_name_ok",
      "ALTER TABLE accounts DROP CONSTRAINT IF EXISTS nothing_here",
      "ALTER TABLE accounts DROP COLUMN age",
      "ALTER TABLE accounts DROP CONSTRAINT accounts_email_name",
    ],
  },
  {
    name: "generated columns (virtual and stored), and a check in a column's definition",
    statements: [
      "CREATE TABLE ledger (id INT PRIMARY KEY, qty INT NOT NULL CHECK (qty > 0), doubled INT AS (qty * 2) VIRTUAL, tag VARCHAR(20) GENERATED ALWAYS AS (CONCAT('#', id)) STORED)",
      "ALTER TABLE ledger ADD COLUMN tripled INT AS (qty * 3) PERSISTENT",
      "ALTER TABLE ledger MODIFY qty BIGINT NOT NULL",
    ],
  },
  {
    name: "statements outside the schema change nothing",
    statements: [
      "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT)",
      "CREATE OR REPLACE VIEW note_bodies AS SELECT body FROM notes",
      "INSERT INTO notes (id, body) VALUES (1, 'a; b')",
      "UPDATE notes SET body = 'c' WHERE id = 1",
      "SET @x = 1",
      "DROP VIEW note_bodies",
    ],
  },
];

describe("hand-written DDL reads as information_schema shows it", () => {
  let db: MysqlTestDatabase | undefined;
  beforeAll(async () => {
    if (await requireDatabase("mysql", "MySQL parser tests")) db = await openMysql();
  });
  afterAll(async () => {
    await db?.close();
  });
  test.each(HAND_WRITTEN)("$name", async (ctx) => {
    if (!db) return;
    for (const name of ["articles", "posts", "accounts", "notes", "scratch", "ledger"])
      await db.driver.query(`DROP TABLE IF EXISTS ${name}`);
    for (const sql of ctx.statements) await db.driver.query(sql);
    const read = foldParsed(dialect, ctx.statements);
    expect(canonicalFragments(dialect.normalize(read))).toEqual(canonicalFragments(await db.introspect()));
  });
});

describe("what is not understood is said, never guessed", () => {
  test.each([
    ["CREATE TABLE copy AS SELECT 1 AS x", /SELECT/],
    ["CREATE TABLE t (a INT REFERENCES u (id))", /inline REFERENCES/],
    ["ALTER TABLE nowhere ADD COLUMN x INT", /nowhere does not exist/],
    ["HANDLER t OPEN", /HANDLER/],
    ["CREATE TABLE t (a INT CONSTRAINT a_ok CHECK (a > 0))", /named column CHECK/],
  ])("%s", (sql, reason) => {
    const parsed = parseOne(dialect, sql);
    expect(parsed.kind).toBe("unknown");
    expect(parsed.kind === "unknown" && parsed.reason).toMatch(reason);
  });

  test("ALGORITHM and LOCK are read as hints", () => {
    const state = foldParsed(dialect, ["CREATE TABLE t (id INT PRIMARY KEY, a INT)"]);
    expect(parseOne(dialect, "ALTER TABLE t ADD INDEX t_a (a), ALGORITHM=INPLACE, LOCK=NONE", state)).toMatchObject({
      kind: "schema",
      hints: { algorithm: "INPLACE", lock: "NONE" },
    });
  });
});
