/**
 * Push through the public API on PostgreSQL and PGlite with schemas that lean on what only
 * PostgreSQL has (arrays with defaults, enum arrays, typed and partial indexes, literal temporal
 * and JSON defaults): the first push creates, the second plans nothing, and an enum gaining a
 * value that becomes the default goes through in one push.
 */
import { PGlite } from "@electric-sql/pglite";
import { type Schema, s, type VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";

const rich = {
  sample: s
    .model({
      id: s.string().id().uuid(),
      title: s.string().default("it's"),
      count: s.int().default(-3),
      big: s.bigInt().default(9007199254740993n),
      ratio: s.float().default(0.5),
      price: s.decimal(12, 3).default("19.990"),
      active: s.boolean().default(false),
      at: s.dateTime().default(new Date("2024-05-06T07:08:09.010Z")),
      day: s.date().default("2024-02-29"),
      clock: s.time().default("23:59:58.5"),
      doc: s.json().default({ b: [1, "x"], a: null }),
      tags: s.string().array().default(["a", "b c", "it's"]),
      scores: s.int().array().default([]),
      roles: s.enum(["USER", "ADMIN"], { name: "Role" }).array().default(["USER"]),
      role: s.enum(["USER", "ADMIN"], { name: "Role" }).default("ADMIN"),
      createdAt: s.dateTime().now(),
      deletedAt: s.dateTime().nullable(),
    })
    .map("samples")
    .index(["tags"], { type: "gin" })
    .index(["title"], { name: "live_titles", unique: true, where: '"deletedAt" IS NULL' }),
};

const withGuest = {
  sample: s.model({
    id: s.int().id().increment(),
    role: s.enum(["USER", "ADMIN", "GUEST"], { name: "Role" }).default("GUEST"),
  }),
};
const withoutGuest = {
  sample: s.model({ id: s.int().id().increment(), role: s.enum(["USER", "ADMIN"], { name: "Role" }).default("USER") }),
};

interface Target {
  name: string;
  setup(): Promise<boolean>;
  client<S extends Schema>(schema: S): VibormClient<S>;
  reset(): Promise<void>;
  teardown(): Promise<void>;
}

const targets: Target[] = [pgTarget(), pgliteTarget()];

describe.each(targets)("postgres push on $name", (target) => {
  let available = false;
  beforeAll(async () => {
    available = await target.setup();
  }, 120_000);
  afterAll(() => target.teardown());
  beforeEach(async (context) => {
    if (!available) context.skip();
    await target.reset();
  });

  test("creates every PostgreSQL-specific feature, and a second push plans nothing", async () => {
    const client = target.client(rich);
    const first = await createMigrationClient(client).push();
    expect(first.applied).toBe(true);
    const second = await createMigrationClient(client).push();
    expect(second.statements).toEqual([]);
    await client.$executeRaw(`INSERT INTO "samples" DEFAULT VALUES`);
    const [row] = await client.$queryRaw(
      `SELECT "title", "tags", "roles"::text[] AS "roles", "doc", "clock"::text AS "clock", "price"::text AS "price" FROM "samples"`,
    );
    expect(row).toEqual({
      title: "it's",
      tags: ["a", "b c", "it's"],
      roles: ["USER"],
      doc: { a: null, b: [1, "x"] },
      clock: "23:59:58.5",
      price: "19.990",
    });
  });

  test("an enum value added and made the default in one push; removed again in another", async () => {
    await createMigrationClient(target.client(withoutGuest)).push();
    const client = target.client(withGuest);
    await client.$executeRaw(`INSERT INTO "sample" ("role") VALUES ('ADMIN')`);
    expect((await createMigrationClient(client).push()).applied).toBe(true);
    await client.$executeRaw(`INSERT INTO "sample" DEFAULT VALUES`);
    expect(await client.$queryRaw(`SELECT "role"::text AS "role" FROM "sample" ORDER BY "id"`)).toEqual([
      { role: "ADMIN" },
      { role: "GUEST" },
    ]);
    expect((await createMigrationClient(client).push()).statements).toEqual([]);

    await client.$executeRaw(`DELETE FROM "sample" WHERE "role" = 'GUEST'`);
    const back = target.client(withoutGuest);
    await createMigrationClient(back).push({ force: true });
    expect((await createMigrationClient(back).push()).statements).toEqual([]);
    expect(await back.$queryRaw(`SELECT "role"::text AS "role" FROM "sample"`)).toEqual([{ role: "ADMIN" }]);
  });
});

// internal

function pgTarget(): Target {
  let database: TempDatabase | undefined;
  const clients: VibormClient[] = [];
  return {
    name: "pg",
    async setup() {
      if (!(await requireDatabase("postgres", "PostgreSQL push tests"))) return false;
      database = await createPgDatabase("viborm_pgpush");
      return true;
    },
    client(schema) {
      const client = createPgClient({ schema, databaseUrl: database!.url });
      clients.push(client);
      return client;
    },
    async reset() {
      await Promise.all(clients.splice(0).map((client) => client.$close()));
      const admin = createPgClient({ schema: {}, databaseUrl: database!.url });
      await admin.$executeRaw("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      await admin.$close();
    },
    async teardown() {
      await Promise.all(clients.splice(0).map((client) => client.$close()));
      await database?.drop();
    },
  };
}

function pgliteTarget(): Target {
  let pglite: PGlite | undefined;
  return {
    name: "pglite",
    async setup() {
      pglite = await PGlite.create();
      return true;
    },
    client: (schema) => createPgliteClient({ schema, client: pglite! }),
    async reset() {
      await pglite!.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    },
    async teardown() {
      await pglite?.close();
    },
  };
}
