/**
 * The dialects' literal encoders (`Dialect.inline`), which let tracking and progress writes join a
 * multi-statement round trip: on the real servers, a statement with its values inlined reads back
 * exactly what the same statement with bound parameters does — quotes, backslashes, placeholders
 * and comment markers inside values, non-BMP characters — also under the server settings that
 * change how backslashes read (PostgreSQL's `standard_conforming_strings = off`, MySQL's
 * `NO_BACKSLASH_ESCAPES`). What has no safe literal stays a parameter (`null`).
 */
import type { VibormClient } from "viborm";
import { describe, expect, test } from "vitest";
import { DRIVERS } from "../helpers/drivers.js";
import { useFreshDatabase } from "../helpers/fresh.js";

const TEXTS = [
  "plain",
  "it's",
  "a\\b",
  "\\'",
  "'\\",
  "",
  "? and $1",
  "-- not a comment",
  "/* nor this",
  "line\nbreak\ttab",
  "€ 𝄞 ü",
  "ends with \\",
];

const SESSION_DRIVERS = DRIVERS.filter((driver) => ["pg", "pglite", "sqlite3", "mysql2"].includes(driver.name));
if (SESSION_DRIVERS.length === 0) test.skip("no session driver selected (VIBORM_DRIVERS)", () => undefined);

/** A statement selecting each parameter as text, in this dialect's placeholders. */
function selectText(dialect: string, count: number): string {
  const columns = Array.from({ length: count }, (_, i) =>
    dialect === "postgres" ? `CAST($${i + 1} AS text) AS v${i}` : `? AS v${i}`,
  );
  return `SELECT ${columns.join(", ")}`;
}

/** The server setting under which a backslash stops (or starts) being an escape, on a pinned session. */
const BACKSLASH_SETTING: Record<string, { set: string; reset: string } | undefined> = {
  postgres: { set: "SET standard_conforming_strings = off", reset: "RESET standard_conforming_strings" },
  mysql: {
    set: "SET SESSION sql_mode = CONCAT(@@SESSION.sql_mode, ',NO_BACKSLASH_ESCAPES')",
    reset: "SET SESSION sql_mode = DEFAULT",
  },
};

describe.each(SESSION_DRIVERS)("inlined literals on $name", (driver) => {
  const db = useFreshDatabase(driver);
  const schema = {};

  test("read back exactly as bound parameters do", async () => {
    const client: VibormClient = db.client(schema);
    const { sqlDialect: dialect } = client.$driver;
    const statement = { sql: selectText(dialect.name, TEXTS.length + 1), params: [...TEXTS, null] };
    const inlined = dialect.inline!(statement);
    expect(inlined).not.toBeNull();
    const bound = (await client.$driver.query(statement.sql, statement.params)).rows;
    const literal = (await client.$driver.query(inlined!)).rows;
    expect(literal).toEqual(bound);
    expect(Object.values(literal[0]!)).toEqual([...TEXTS, null]);

    const setting = BACKSLASH_SETTING[dialect.name];
    const { atomic } = client.$driver;
    if (!setting || atomic.kind !== "session") return;
    await atomic.withSession(async (session) => {
      await session.query(setting.set);
      try {
        expect(Object.values((await session.query(inlined!)).rows[0]!)).toEqual([...TEXTS, null]);
      } finally {
        await session.query(setting.reset);
      }
    });
  });

  test("values without a safe literal, and SQL the scanner is unsure of, stay parameters", () => {
    const { sqlDialect: dialect } = db.client(schema).$driver;
    const one = selectText(dialect.name, 1);
    expect(dialect.inline!({ sql: one, params: [{ json: true }] })).toBeNull();
    expect(dialect.inline!({ sql: one, params: [1.5] })).toBeNull();
    expect(dialect.inline!({ sql: one, params: ["a\u0000b"] })?.includes("\u0000") ?? false).toBe(false);
    expect(dialect.inline!({ sql: `${one} -- comment`, params: ["x"] })).toBeNull();
    // A placeholder count that does not match the values is never guessed at.
    expect(dialect.inline!({ sql: one, params: ["x", "y"] })).toBeNull();
    // Placeholders inside quoted names and strings are not placeholders.
    const quoted = dialect.name === "mysql" ? "`a?b`" : `"a?$1b"`;
    const sql = `SELECT '?$1' AS ${quoted}, ${dialect.name === "postgres" ? "$1" : "?"} AS v`;
    expect(dialect.inline!({ sql, params: ["x"] })).toBe(
      `SELECT '?$1' AS ${quoted}, ${literal(dialect.name, "x")} AS v`,
    );
  });
});

function literal(dialect: string, text: string): string {
  return dialect === "mysql" ? `_utf8mb4 X'${Buffer.from(text).toString("hex")}'` : `'${text}'`;
}
