/**
 * PostgreSQL introspection: a constant number of catalog-wide statements (and one round trip)
 * whatever the number of tables; viborm's bookkeeping, other schemas and non-table objects stay
 * invisible; `read` is pure and takes rows from text-mode drivers too.
 */
import pg from "pg";
import type { Driver } from "viborm";
import { createPgDriver, type PgPoolLike } from "viborm/pg";
import { describe, expect, test } from "vitest";
import type { Row } from "../../../src/dialects/types.js";
import { diff } from "../../../src/diff/index.js";
import { emptySnapshot } from "../../../src/schema/snapshot.js";
import { CORPUS } from "./corpus.js";
import { apply, col, dialect, introspect, OPTIONS, serialId, snapshot, TARGETS, table, useTarget } from "./harness.js";

/** `count` tables, each with a foreign key to the previous one, a unique, an index and an enum column. */
function manyTables(count: number) {
  const mood = { name: "mood", values: ["HAPPY", "SAD"] };
  return snapshot(
    Array.from({ length: count }, (_, i) =>
      table(
        `t${String(i).padStart(3, "0")}`,
        [
          serialId(),
          col("code", "string"),
          col("mood", { kind: "enum", ...mood }),
          col("prevId", "int", { nullable: true }),
        ],
        {
          primaryKey: { columns: ["id"] },
          uniques: [{ name: `t${i}_code_key`, columns: ["code"] }],
          indexes: [{ name: `t${i}_mood_idx`, columns: ["mood"], unique: false, where: `"prevId" IS NOT NULL` }],
          foreignKeys:
            i === 0
              ? []
              : [
                  {
                    name: `t${i}_prev_fkey`,
                    columns: ["prevId"],
                    referencedTable: `t${String(i - 1).padStart(3, "0")}`,
                    referencedColumns: ["id"],
                    onDelete: "cascade",
                    onUpdate: "noAction",
                  },
                ],
        },
      ),
    ),
    [mood],
  );
}

/** The driver, counting the calls and statements that reach it. */
function counting(driver: Driver): { driver: Driver; calls: () => number; statements: () => number } {
  let calls = 0;
  let statements = 0;
  return {
    driver: {
      ...driver,
      query(sql, params) {
        calls++;
        statements++;
        return driver.query(sql, params);
      },
      queryAll(list) {
        calls++;
        statements += list.length;
        return driver.queryAll(list);
      },
    },
    calls: () => calls,
    statements: () => statements,
  };
}

describe.each(TARGETS)("postgres introspection on $name", (target) => {
  const db = useTarget(target);

  test("the same statements in one call for 1 and for 50 tables", async () => {
    const small = manyTables(1);
    await apply(db().driver, emptySnapshot(), diff(emptySnapshot(), dialect.normalize(small)).operations);
    const one = counting(db().driver);
    expect(await introspect(one.driver)).toEqual(dialect.normalize(small));

    await db().reset();
    const large = manyTables(50);
    await apply(db().driver, emptySnapshot(), diff(emptySnapshot(), dialect.normalize(large)).operations);
    const fifty = counting(db().driver);
    const live = await introspect(fifty.driver);
    expect(live.tables).toHaveLength(50);
    expect(live).toEqual(dialect.normalize(large));

    expect(one.calls()).toBe(1);
    expect(fifty.calls()).toBe(1);
    expect(fifty.statements()).toBe(one.statements());
    expect(dialect.introspection.queries(OPTIONS)).toHaveLength(5);
  });

  test("leaves out the tracking table, _viborm_ tables, excluded tables, other schemas and non-tables", async () => {
    const statements = [
      `CREATE TABLE "kept" ("id" integer PRIMARY KEY, "ref" integer)`,
      `CREATE TABLE "_viborm_migrations" ("id" varchar(255) PRIMARY KEY)`,
      `CREATE TABLE "_viborm_anything" ("id" integer PRIMARY KEY, "kept_id" integer REFERENCES "kept" ("id"))`,
      `CREATE INDEX "viborm_idx" ON "_viborm_anything" ("kept_id")`,
      `CREATE TABLE "my_tracking" ("id" integer PRIMARY KEY)`,
      `CREATE SCHEMA "other"`,
      `CREATE TYPE "other"."hidden" AS ENUM ('x')`,
      `CREATE TABLE "other"."elsewhere" ("id" integer PRIMARY KEY, "h" "other"."hidden")`,
      `CREATE VIEW "a_view" AS SELECT "id" FROM "kept"`,
      `CREATE MATERIALIZED VIEW "a_matview" AS SELECT "id" FROM "kept"`,
      `CREATE SEQUENCE "a_sequence"`,
      `CREATE TABLE "parted" ("id" integer NOT NULL, "at" date NOT NULL) PARTITION BY RANGE ("at")`,
      `CREATE TABLE "parted_2024" PARTITION OF "parted" FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`,
    ];
    for (const sql of statements) await db().driver.query(sql);
    const live = await introspect(db().driver, { excludeTables: ["_viborm_migrations", "my_tracking"] });
    expect(live.tables.map((t) => t.name)).toEqual(["kept", "parted"]);
    expect(live.enums).toEqual([]);

    const other = await introspect(db().driver, { excludeTables: [], schema: "other" });
    expect(other.tables.map((t) => t.name)).toEqual(["elsewhere"]);
    expect(other.enums).toEqual([{ name: "hidden", values: ["x"] }]);
    await db().driver.query(`DROP SCHEMA "other" CASCADE`);
  });

  test("read is pure and reads text-mode rows (every value a string) the same", async () => {
    const corpus = CORPUS.find((entry) => entry.name.startsWith("every default"))!.snapshot;
    await apply(db().driver, emptySnapshot(), diff(emptySnapshot(), dialect.normalize(corpus)).operations);
    const results = await db().driver.queryAll(dialect.introspection.queries(OPTIONS));
    const first = dialect.introspection.read(results, OPTIONS);
    expect(dialect.introspection.read(results, OPTIONS)).toEqual(first);
    const asText = results.map((rows) => rows.map(textRow));
    expect(dialect.introspection.read(asText, OPTIONS)).toEqual(first);
  });
});

describe("postgres introspection over node-postgres", () => {
  const db = useTarget(TARGETS.find((t) => t.name === "pg")!);

  test("is one round trip on the pool", async () => {
    const pool = new pg.Pool({ connectionString: db().url });
    let queries = 0;
    const spy: PgPoolLike = {
      query: (sql, params) => {
        queries++;
        return pool.query(sql, params as unknown[]);
      },
      connect: () => pool.connect(),
      end: () => pool.end(),
    };
    try {
      const driver = createPgDriver({ pool: spy });
      await introspect(driver);
      expect(queries).toBe(1);
    } finally {
      await pool.end();
    }
  });

  test("reads defaults the same whatever the session's time zone and the server's output", async () => {
    const corpus = CORPUS.find((entry) => entry.name.startsWith("every default"))!.snapshot;
    await apply(db().driver, emptySnapshot(), diff(emptySnapshot(), dialect.normalize(corpus)).operations);
    for (const zone of ["Asia/Tokyo", "America/St_Johns", "UTC"]) {
      const pool = new pg.Pool({ connectionString: db().url, options: `-c TimeZone=${zone}` });
      try {
        expect(await introspect(createPgDriver({ pool }))).toEqual(dialect.normalize(corpus));
      } finally {
        await pool.end();
      }
    }
  });
});

// internal

/** A row as a driver in text mode returns it: booleans as t/f, numbers as text, JSON as text. */
function textRow(row: Row): Row {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [
      key,
      value === null
        ? null
        : typeof value === "boolean"
          ? value
            ? "t"
            : "f"
          : typeof value === "object"
            ? JSON.stringify(value)
            : String(value),
    ]),
  );
}
