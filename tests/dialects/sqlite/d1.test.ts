/**
 * The SQLite dialect's SQL on Cloudflare D1 (workerd through Miniflare), where foreign keys are
 * always on and a unit is one `batch()`: the corpus round-trips through `sqlite_master`, D1's own
 * `_cf_*` tables stay invisible, and a table rebuild keeps every child row or fails as a whole.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { Statement } from "../../../src/dialects/types.js";
import type { Snapshot } from "../../../src/schema/snapshot.js";
import { d1Database, type StartedMiniflare, startMiniflare } from "../../helpers/miniflare.js";
import { CORPUS } from "./corpus.js";
import { col, creationStatements, dialect, plan, snapshot, table } from "./helpers.js";

/** The part of a D1 binding these tests use. */
interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): D1StatementLike } & D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<{ results: Record<string, unknown>[] }[]>;
}
interface D1StatementLike {
  all(): Promise<{ results: Record<string, unknown>[] }>;
}

function batch(db: D1Like, statements: Statement[]) {
  return db.batch(statements.map((s) => (s.params ? db.prepare(s.sql).bind(...s.params) : db.prepare(s.sql))));
}

async function introspectD1(db: D1Like): Promise<Snapshot> {
  const options = { excludeTables: [] };
  const results = [];
  for (const query of dialect.introspection.queries(options)) results.push((await db.prepare(query.sql).all()).results);
  return dialect.introspection.read(results, options);
}

async function rowsOf(db: D1Like, name: string) {
  return (await db.prepare(`SELECT * FROM ${dialect.quote(name)} ORDER BY 1`).all()).results;
}

describe("SQLite dialect on D1 (Miniflare)", () => {
  // One workerd for the file, one D1 database per test.
  const DATABASES = ["CORPUS", "REBUILD", "VIOLATION"];
  let started: StartedMiniflare;
  let db: D1Like;
  beforeAll(async () => {
    started = await startMiniflare({ kvNamespaces: [], r2Buckets: [], d1Databases: DATABASES });
  });
  afterAll(() => started.dispose());
  beforeEach(async () => {
    db = d1Database(started.mf, DATABASES.shift()!) as unknown as D1Like;
  });

  test("the corpus round-trips through sqlite_master, and D1's _cf_ tables are left out", async () => {
    for (const [index, entry] of CORPUS.entries()) {
      // One database per entry would restart workerd; prefixing the names keeps entries apart instead.
      const prefix = `c${index}_`;
      const renamed = prefixTables(dialect.normalize(entry.snapshot), prefix);
      await batch(db, creationStatements(renamed));
      const live = await introspectD1(db);
      const mine = { ...live, tables: live.tables.filter((t) => t.name.startsWith(prefix)) };
      expect(dialect.normalize(mine).tables).toEqual(renamed.tables);
    }
    const names = (await db.prepare("SELECT name FROM sqlite_master").all()).results.map((r) => r.name);
    expect(names).toContain("_cf_METADATA");
    expect((await introspectD1(db)).tables.some((t) => t.name.startsWith("_cf_"))).toBe(false);
  });

  test("a parent rebuild in one batch keeps cascading, set-null and grandchild rows", async () => {
    const ref = (from: string, column: string, to: string, onDelete: "cascade" | "setNull" | "restrict") => ({
      name: `${from}_${column}_fkey`,
      columns: [column],
      referencedTable: to,
      referencedColumns: ["id"],
      onDelete,
      onUpdate: "noAction" as const,
    });
    const family = snapshot([
      table("p", [col("id", "int"), col("name", "string")]),
      table("c", [col("id", "int"), col("p_id", "int")], ["id"], { foreignKeys: [ref("c", "p_id", "p", "cascade")] }),
      table("n", [col("id", "int"), col("p_id", "int", { nullable: true })], ["id"], {
        foreignKeys: [ref("n", "p_id", "p", "setNull")],
      }),
      table("r", [col("id", "int"), col("p_id", "int")], ["id"], { foreignKeys: [ref("r", "p_id", "p", "restrict")] }),
      table("g", [col("id", "int"), col("c_id", "int")], ["id"], { foreignKeys: [ref("g", "c_id", "c", "cascade")] }),
    ]);
    await batch(db, creationStatements(family));
    await batch(db, [
      { sql: `INSERT INTO "p" VALUES (1, 'a'), (2, 'it''s')` },
      { sql: `INSERT INTO "c" VALUES (1, 1), (2, 2)` },
      { sql: `INSERT INTO "n" VALUES (1, 1), (2, 2)` },
      { sql: `INSERT INTO "r" VALUES (1, 2)` },
      { sql: `INSERT INTO "g" VALUES (1, 1), (2, 2)` },
    ]);
    const before = Object.fromEntries(
      await Promise.all(family.tables.map(async (t) => [t.name, await rowsOf(db, t.name)])),
    );
    const name = family.tables.find((t) => t.name === "p")!.columns[1]!;
    const { statements, after } = plan(family, [
      { kind: "alterColumn", table: "p", from: name, to: { ...name, type: { kind: "string", length: 20 } } },
    ]);
    await batch(db, statements);
    for (const t of family.tables) expect(await rowsOf(db, t.name)).toEqual(before[t.name]);
    expect(dialect.normalize(await introspectD1(db))).toEqual(dialect.normalize(after));
  });

  test("a rebuild whose rows violate a new foreign key fails the whole batch", async () => {
    const loose = snapshot([
      table("users", [col("id", "int")]),
      table("posts", [col("id", "int"), col("author_id", "int")]),
    ]);
    await batch(db, creationStatements(loose));
    await batch(db, [{ sql: `INSERT INTO "users" VALUES (1)` }, { sql: `INSERT INTO "posts" VALUES (1, 1), (2, 42)` }]);
    const { statements } = plan(loose, [
      {
        kind: "addForeignKey",
        table: "posts",
        foreignKey: {
          name: "posts_author_id_fkey",
          columns: ["author_id"],
          referencedTable: "users",
          referencedColumns: ["id"],
          onDelete: "cascade",
          onUpdate: "noAction",
        },
      },
    ]);
    await expect(batch(db, statements)).rejects.toThrow(/FOREIGN KEY/i);
    expect(await introspectD1(db)).toEqual(loose);
    expect(await rowsOf(db, "posts")).toEqual([
      { id: 1, author_id: 1 },
      { id: 2, author_id: 42 },
    ]);
  });
});

// internal

function prefixTables(target: Snapshot, prefix: string): Snapshot {
  const rename = (name: string) => `${prefix}${name}`;
  return snapshot(
    target.tables.map((t) => ({
      ...t,
      name: rename(t.name),
      uniques: t.uniques.map((u) => ({ ...u, name: rename(u.name) })),
      indexes: t.indexes.map((i) => ({ ...i, name: rename(i.name) })),
      foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, referencedTable: rename(fk.referencedTable) })),
    })),
  );
}
