/**
 * Migration lint on every driver, against real data: each analyzer fires on its case with the
 * counts the database holds, stays quiet on additive migrations, works on hand-written SQL,
 * honours `-- viborm:nolint`, and writes nothing.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import { createMigrationClient, type Finding, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { describe, expect, test } from "vitest";
import { tables } from "../helpers/catalog.js";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";
import { clock } from "../migrate/helpers.js";

const member = s.model({
  id: s.int().id().increment(),
  email: s.string(),
  name: s.string().nullable(),
  age: s.int().nullable(),
});
const base = { member, post: s.model({ id: s.int().id().increment(), authorId: s.int(), title: s.string() }) };

const additive = {
  member: s.model({
    id: s.int().id().increment(),
    email: s.string(),
    name: s.string().nullable(),
    age: s.int().nullable(),
    nickname: s.string().nullable(),
  }),
  post: base.post,
  tag: s.model({ id: s.int().id().increment(), label: s.string() }).index(["label"]),
};

const strictMember = s.model({
  id: s.int().id().increment(),
  email: s.string().unique(),
  name: s.string(),
  age: s.int().nullable(),
});
const dataDependent = {
  member: strictMember,
  post: s.model({
    id: s.int().id().increment(),
    authorId: s.int(),
    title: s.string(),
    author: s
      .manyToOne(() => strictMember)
      .fields("authorId")
      .references("id"),
  }),
};

const destructive = { member: s.model({ id: s.int().id().increment(), email: s.string(), age: s.int().nullable() }) };

const blocking = {
  member: s.model({
    id: s.int().id().increment(),
    email: s.string(),
    name: s.string().nullable(),
    age: s.bigInt().nullable(),
  }),
  post: base.post,
};

const renamed = {
  member: s.model({
    id: s.int().id().increment(),
    email: s.string(),
    fullName: s.string().nullable(),
    age: s.int().nullable(),
  }),
  post: base.post,
};

function memoryStorage(): MigrationStorageDriver {
  return createUnstorageDriver(createStorage());
}

function codes(findings: Finding[]): string[] {
  return [...new Set(findings.map((finding) => finding.code))].sort();
}

/** A statement lint does not understand, per dialect (it is only linted, never run). */
const UNKNOWN = {
  postgres: "DO $$ BEGIN PERFORM 1; END $$",
  mysql: "HANDLER `member` OPEN",
  sqlite: `ATTACH DATABASE ':memory:' AS "scratch"`,
} as const;

describe.each(DRIVERS)("lint on $name", (driver) => {
  const db = useFreshDatabase(driver);
  const quote = (name: string) => (driver.dialect === "mysql" ? `\`${name}\`` : `"${name}"`);

  /** `init` generated and applied, with rows: two members share an email, one has no name, a post has no author. */
  async function seeded() {
    const storage = memoryStorage();
    const migrations = createMigrationClient(db.client(base), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    await migrations.apply();
    const client = db.client(base);
    await client.$executeRaw(
      `INSERT INTO ${quote("member")} (${quote("id")}, ${quote("email")}, ${quote("name")}, ${quote("age")}) VALUES (1, 'a@x', 'Ann', 30), (2, 'a@x', NULL, NULL), (3, 'c@x', 'Cy', 40)`,
    );
    await client.$executeRaw(
      `INSERT INTO ${quote("post")} (${quote("id")}, ${quote("authorId")}, ${quote("title")}) VALUES (1, 1, 'one'), (2, 99, 'two')`,
    );
    const next = (schema: object) =>
      createMigrationClient(db.client(schema as typeof base), {
        storageDriver: storage,
        now: clock("2026-01-02T00:00:00Z"),
      });
    return { storage, next };
  }

  test("additive migrations are quiet: new tables, nullable columns, indexes on new tables", async () => {
    const { next } = await seeded();
    const migrations = next(additive);
    const generated = await migrations.generate({ name: "additive" });
    expect(generated.findings).toEqual([]);
    expect((await migrations.lint()).findings).toEqual([]);
    expect((await migrations.push({ dryRun: true })).findings).toEqual([]);
  });

  test("DATA_DEPENDENT: a unique over duplicates, NOT NULL over NULLs and a foreign key over orphans are errors with counts", async () => {
    const { next } = await seeded();
    const migrations = next(dataDependent);
    const generated = await migrations.generate({ name: "tighten", force: true });
    const { findings } = await migrations.lint();
    expect(findings).toEqual(generated.findings);
    const data = findings.filter((finding) => finding.code === "DATA_DEPENDENT");
    expect(data.every((finding) => finding.severity === "error" && finding.migration === generated.migration?.id)).toBe(
      true,
    );
    const messages = data.map((finding) => finding.message).join("\n");
    expect(messages).toMatch(/1 duplicate value of member\(email\)/);
    expect(messages).toMatch(/member\.name NOT NULL: 1 NULL/);
    expect(messages).toMatch(/1 row of post match no member row/);
    expect(generated.up[data[0]!.statement]).toBeDefined();
  });

  test("DATA_DEPENDENT is a warning when the rows fit", async () => {
    const { next } = await seeded();
    const client = db.client(base);
    await client.$executeRaw(
      `UPDATE ${quote("member")} SET ${quote("email")} = 'b@x', ${quote("name")} = 'Bo' WHERE ${quote("id")} = 2`,
    );
    await client.$executeRaw(`UPDATE ${quote("post")} SET ${quote("authorId")} = 3 WHERE ${quote("id")} = 2`);
    const migrations = next(dataDependent);
    await migrations.generate({ name: "tighten", force: true });
    const data = (await migrations.lint()).findings.filter((finding) => finding.code === "DATA_DEPENDENT");
    expect(data.length).toBeGreaterThan(0);
    expect(data.every((finding) => finding.severity === "warning")).toBe(true);
    expect(data.map((finding) => finding.message).join("\n")).toMatch(/no duplicates of member\(email\) today/);
  });

  test("DESTRUCTIVE: dropped tables and columns are errors with what they hold; BACKWARD_INCOMPATIBLE comes with them", async () => {
    const { next } = await seeded();
    const migrations = next(destructive);
    await migrations.generate({ name: "drop", force: true });
    const { findings } = await migrations.lint();
    const destructiveFindings = findings.filter((finding) => finding.code === "DESTRUCTIVE");
    expect(destructiveFindings.every((finding) => finding.severity === "error")).toBe(true);
    const messages = destructiveFindings.map((finding) => finding.message).join("\n");
    expect(messages).toContain("Drops table post and its 2 rows");
    expect(messages).toContain("Drops column member.name and its 2 non-null values");
    expect(codes(findings)).toContain("BACKWARD_INCOMPATIBLE");
  });

  test("BACKWARD_INCOMPATIBLE: a rename is a warning suggesting expand and contract", async () => {
    const { next } = await seeded();
    const migrations = next(renamed);
    await migrations.generate({ name: "rename", resolve: () => "rename" });
    const { findings } = await migrations.lint();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: "BACKWARD_INCOMPATIBLE", severity: "warning" });
    expect(findings[0]!.message).toContain("member.name");
    expect(findings[0]!.suggestion).toMatch(/Expand and contract/);
  });

  test("BLOCKING: a type change on an existing table locks or rewrites it, with its row count", async () => {
    const { next } = await seeded();
    const migrations = next(blocking);
    await migrations.generate({ name: "widen-age" });
    const found = (await migrations.lint()).findings.filter((finding) => finding.code === "BLOCKING");
    expect(found).toHaveLength(1);
    const expected = {
      postgres: /rewriting member .*ACCESS EXCLUSIVE/,
      mysql: /ALGORITHM=COPY/,
      sqlite: /Rebuilds member/,
    };
    expect(found[0]!.message).toMatch(expected[driver.dialect]);
    expect(found[0]!.message).toContain("(3 rows)");
  });

  test("hand-written SQL is linted too; what lint cannot read is NOT_ANALYSED; nolint silences a code", async () => {
    const { storage, next } = await seeded();
    const migrations = next(base);
    const empty = await migrations.generate({ name: "by-hand", force: true });
    expect(empty.migration).toBeNull();
    // A pending migration written entirely by hand: copy init's metadata shape with no operations.
    const [initId] = (await storage.list()).map((key) => key.split("/")[0]!);
    const meta = JSON.parse((await storage.get(`${initId}/migration.json`))!) as Record<string, unknown>;
    const id = "20260103000000_by-hand";
    await storage.put(
      `${id}/up.sql`,
      `DELETE FROM ${quote("post")};\n\n${UNKNOWN[driver.dialect]};\n\n-- viborm:nolint DESTRUCTIVE\nTRUNCATE TABLE ${quote("post")};\n`,
    );
    await storage.put(`${id}/down.sql`, "");
    await storage.put(
      `${id}/migration.json`,
      `${JSON.stringify({ ...meta, id, name: "by-hand", parents: [initId], operations: [], inverses: undefined, warnings: [] }, null, 2)}\n`,
    );
    const { findings } = await migrations.lint();
    const mine = findings.filter((finding) => finding.migration === id);
    expect(mine.map((finding) => [finding.statement, finding.code])).toEqual([
      [0, "DESTRUCTIVE"],
      [1, "NOT_ANALYSED"],
    ]);
    expect(mine[0]!.message).toContain("Deletes every row of post (2 today)");
  });

  test("nolint is read whatever its spacing and case; an unrelated comment silences nothing", async () => {
    const { storage, next } = await seeded();
    const migrations = next(base);
    const [initId] = (await storage.list()).map((key) => key.split("/")[0]!);
    const meta = JSON.parse((await storage.get(`${initId}/migration.json`))!) as Record<string, unknown>;
    const id = "20260103000000_spacing";
    const del = `DELETE FROM ${quote("post")}`;
    await storage.put(
      `${id}/up.sql`,
      `${[
        // MySQL reads `--` as a comment only when a space follows it.
        `${driver.dialect === "mysql" ? "--\t" : "--"}viborm:NoLint DESTRUCTIVE\n${del}`,
        `--   VIBORM:NOLINT   destructive\n${del}`,
        `\t-- viborm : nolint\tNOT_ANALYSED ,Destructive\n${del}`,
        `-- viborm:nolinting DESTRUCTIVE\n${del}`,
        `-- keep viborm:nolint DESTRUCTIVE\n${del}`,
      ].join(";\n\n")};\n`,
    );
    await storage.put(`${id}/down.sql`, "");
    await storage.put(
      `${id}/migration.json`,
      `${JSON.stringify({ ...meta, id, name: "spacing", parents: [initId], operations: [], inverses: undefined, warnings: [] }, null, 2)}\n`,
    );
    const mine = (await migrations.lint()).findings.filter((finding) => finding.migration === id);
    expect(mine.map((finding) => [finding.statement, finding.code])).toEqual([
      [3, "DESTRUCTIVE"],
      [4, "DESTRUCTIVE"],
    ]);
  });

  test("lint writes nothing, and a bad selection is a typed error", async () => {
    const storage = memoryStorage();
    const migrations = createMigrationClient(db.client(destructive), {
      storageDriver: storage,
      now: clock("2026-01-01T00:00:00Z"),
    });
    await migrations.generate({ name: "init" });
    const keys = await storage.list();
    expect((await migrations.lint({ migrations: "all" })).findings).toEqual([]);
    expect((await migrations.lint({ migrations: ["init"] })).findings).toEqual([]);
    expect(await storage.list()).toEqual(keys);
    expect((await tables(db.client(destructive), driver.dialect)).filter((t) => t.startsWith("_viborm_"))).toEqual([]);
    const unknown = await migrations.lint({ migrations: ["nope"] }).catch((error: unknown) => error);
    expect(isVibormError(unknown, "MIGRATION_NOT_FOUND")).toBe(true);
    const bad = await migrations.lint({ migrations: "some" as "all" }).catch((error: unknown) => error);
    expect(isVibormError(bad, "INVALID_ARGUMENT")).toBe(true);
  });

  test("EDGE_LIMIT: a statement over D1's 100 KB limit in SQLite-family SQL; not on other dialects", async () => {
    const { storage, next } = await seeded();
    const migrations = next(base);
    const [initId] = (await storage.list()).map((key) => key.split("/")[0]!);
    const meta = JSON.parse((await storage.get(`${initId}/migration.json`))!) as Record<string, unknown>;
    const id = "20260103000000_seed";
    const values = Array.from({ length: 2_600 }, (_, i) => `(${100 + i}, 'member-${i}@example.com', 'name ${i}')`).join(
      ", ",
    );
    await storage.put(
      `${id}/up.sql`,
      `INSERT INTO ${quote("member")} (${quote("id")}, ${quote("email")}, ${quote("name")}) VALUES ${values};\n`,
    );
    await storage.put(`${id}/down.sql`, "");
    await storage.put(
      `${id}/migration.json`,
      `${JSON.stringify({ ...meta, id, name: "seed", parents: [initId], operations: [], inverses: undefined, warnings: [] }, null, 2)}\n`,
    );
    const edge = (await migrations.lint()).findings.filter((finding) => finding.code === "EDGE_LIMIT");
    if (driver.dialect === "sqlite") {
      expect(edge).toHaveLength(1);
      expect(edge[0]!.message).toMatch(/D1 refuses statements over 100,000 bytes/);
    } else {
      expect(edge).toEqual([]);
    }
  });
});
