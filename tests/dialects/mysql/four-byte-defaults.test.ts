/**
 * MariaDB's information_schema holds 3-byte UTF-8: a default with an emoji reads back as `????`.
 * Push reads those tables' own definitions instead, so a second push plans nothing and the value
 * written is the one declared.
 */
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createClient } from "viborm/mysql2";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createMysqlDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";

describe("MySQL: string defaults beyond the Basic Multilingual Plane", () => {
  let database: TempDatabase | undefined;
  beforeAll(async () => {
    if (await requireDatabase("mysql", "four-byte default tests")) database = await createMysqlDatabase("viborm_emoji");
  });
  afterAll(async () => {
    await database?.drop();
  });

  test("an emoji default is pushed once, read back whole, and re-plans nothing", async (ctx) => {
    if (!database) return ctx.skip();
    const schema = {
      mood: s.model({
        id: s.int().id(),
        face: s.string().default("🙂"),
        mixed: s.string().default("ok 👍🏽 ?"),
        plain: s.string().default("what?"),
      }),
    };
    const client = createClient({ schema, databaseUrl: database.url });
    try {
      const migrations = createMigrationClient(client);
      expect((await migrations.push()).applied).toBe(true);
      expect((await migrations.push({ dryRun: true })).statements).toEqual([]);
      await client.$executeRaw("INSERT INTO mood (id) VALUES (1)");
      expect(await client.$queryRaw("SELECT face, mixed, plain FROM mood")).toEqual([
        { face: "🙂", mixed: "ok 👍🏽 ?", plain: "what?" },
      ]);
      // A changed emoji default is still seen as a change.
      const changed = createClient({
        schema: {
          mood: s.model({
            id: s.int().id(),
            face: s.string().default("🙃"),
            mixed: s.string().default("ok 👍🏽 ?"),
            plain: s.string().default("what?"),
          }),
        },
        databaseUrl: database.url,
      });
      try {
        expect((await createMigrationClient(changed).push({ dryRun: true })).statements).toHaveLength(1);
      } finally {
        await changed.$close();
      }
    } finally {
      await client.$close();
    }
  });
});
