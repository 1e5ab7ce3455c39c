/**
 * The SQLite reader of migration SQL: the DDL viborm writes (table rebuilds included) reads back
 * as the snapshot it came from, and hand-written DDL reads as `sqlite_master` shows it afterwards.
 */
import { describe, expect, test } from "vitest";
import type { Operation } from "../../../src/diff/operations.js";
import { emptySnapshot } from "../../../src/schema/snapshot.js";
import { foldParsed, parseOne } from "../parse-harness.js";
import { CORPUS } from "./corpus.js";
import { col, creationStatements, dialect, freshDriver, introspect, plan, snapshot, table } from "./helpers.js";

describe("the DDL viborm writes reads back as its snapshot", () => {
  test.each(CORPUS)("$name", ({ snapshot: target }) => {
    const read = foldParsed(
      dialect,
      creationStatements(target).map((statement) => statement.sql),
    );
    expect(dialect.normalize(read)).toEqual(dialect.normalize(target));
  });

  test("a table rebuild, statement by statement, reads as the change it makes", () => {
    const parent = table("parent", [col("id", "int"), col("name", "string", { nullable: true })]);
    const child = table("child", [col("id", "int"), col("parentId", "int")], ["id"], {
      foreignKeys: [
        {
          name: "child_parentId_fkey",
          columns: ["parentId"],
          referencedTable: "parent",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction",
        },
      ],
      indexes: [{ name: "child_parentId_idx", columns: ["parentId"], unique: false }],
    });
    const before = dialect.normalize(snapshot([parent, child]));
    const name = parent.columns[1]!;
    const operations: Operation[] = [
      {
        kind: "alterColumn",
        table: "parent",
        from: name,
        to: { ...name, nullable: false, default: { kind: "literal", value: "x" } },
      },
      {
        kind: "alterColumn",
        table: "child",
        from: child.columns[1]!,
        to: { ...child.columns[1]!, type: { kind: "bigInt" } },
      },
    ];
    const { statements, after } = plan(before, operations);
    expect(statements.length).toBeGreaterThan(4);
    const read = foldParsed(
      dialect,
      statements.map((statement) => statement.sql),
      before,
    );
    expect(dialect.normalize(read)).toEqual(dialect.normalize(after));
  });
});

const HAND_WRITTEN: { name: string; statements: string[] }[] = [
  {
    // Unnamed keys are named after their table by SQLite's introspection (so a rename renames them);
    // these are named, as viborm's own DDL names them.
    name: "tables, columns and indexes in the spellings people use",
    statements: [
      `CREATE TABLE IF NOT EXISTS accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email VARCHAR(255) NOT NULL UNIQUE,
        name TEXT, -- display name
        role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        created_at DATETIME DEFAULT CURRENT_TIMESTAMP,
        balance REAL DEFAULT 0.0
      )`,
      `CREATE TABLE [posts] (
        "id" integer not null primary key,
        account_id INTEGER CONSTRAINT posts_account_fk REFERENCES accounts(id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        body BLOB
      ) STRICT`,
      `CREATE INDEX IF NOT EXISTS posts_account ON posts (account_id)`,
      `CREATE UNIQUE INDEX posts_title_unique ON posts (title)`,
      `CREATE INDEX posts_live ON posts (id DESC) WHERE body IS NOT NULL`,
      `ALTER TABLE posts ADD COLUMN views INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE posts ADD editor_id INTEGER CONSTRAINT posts_editor_fk REFERENCES accounts (id)`,
      `ALTER TABLE accounts RENAME COLUMN name TO display_name`,
      `ALTER TABLE posts RENAME TO articles`,
      `DROP INDEX IF EXISTS posts_live`,
      `ALTER TABLE accounts DROP COLUMN balance`,
      `CREATE TABLE scratch (x)`,
      `DROP TABLE scratch`,
    ],
  },
  {
    name: "a rebuild written by hand",
    statements: [
      `CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT)`,
      `PRAGMA defer_foreign_keys = ON`,
      `CREATE TABLE "__new_t" (id INTEGER PRIMARY KEY, a TEXT NOT NULL DEFAULT '')`,
      `INSERT INTO "__new_t" (id, a) SELECT id, coalesce(a, '') FROM t`,
      `DROP TABLE t`,
      `ALTER TABLE "__new_t" RENAME TO t`,
      `PRAGMA foreign_key_check`,
    ],
  },
  {
    name: "statements outside the schema change nothing",
    statements: [
      `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)`,
      `CREATE VIEW IF NOT EXISTS note_bodies AS SELECT body FROM notes`,
      `CREATE TRIGGER notes_touch AFTER UPDATE ON notes BEGIN UPDATE notes SET body = body WHERE id = NEW.id; END`,
      `INSERT INTO notes (body) VALUES ('a; b')`,
      `UPDATE notes SET body = 'c'`,
      `DROP TRIGGER notes_touch`,
      `DROP VIEW note_bodies`,
    ],
  },
];

describe("hand-written DDL reads as sqlite_master shows it", () => {
  test.each(HAND_WRITTEN)("$name", async ({ statements }) => {
    const driver = freshDriver();
    try {
      for (const sql of statements) await driver.query(sql);
      const read = foldParsed(dialect, statements);
      expect(dialect.normalize(read)).toEqual(dialect.normalize(await introspect(driver)));
    } finally {
      await driver.close();
    }
  });
});

describe("what is not understood is said, never guessed", () => {
  test.each([
    [`CREATE TABLE copy AS SELECT 1 AS x`, /AS SELECT/],
    [`ALTER TABLE nowhere ADD COLUMN x INTEGER`, /nowhere does not exist/],
    [`ATTACH DATABASE 'x.db' AS x`, /ATTACH/],
    [`DROP INDEX nothing_here`, /does not exist/],
  ])("%s", (sql, reason) => {
    const parsed = parseOne(dialect, sql, emptySnapshot());
    expect(parsed.kind).toBe("unknown");
    expect(parsed.kind === "unknown" && parsed.reason).toMatch(reason);
  });
});
