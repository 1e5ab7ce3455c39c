/**
 * Tenant schemas of one PostgreSQL database that use extensions (`pgSchema` with `extensions`):
 * extensions are database-wide, so the first tenant must not take them into its own schema. They
 * are created in `public`, every tenant finds their types and operators there, and resetting one
 * tenant leaves the others working.
 */
import { PGlite } from "@electric-sql/pglite";
import { citext } from "@electric-sql/pglite/contrib/citext";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { s, type VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createClient as createNeonClient } from "viborm/neon-http";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sharedNeonEndpoint } from "../edge/fixtures/neon-endpoint.js";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";
import { memoryStorage } from "./helpers.js";

const EXTENSIONS = ["citext", "pg_trgm"];
const SCHEMA = {
  person: s
    .model({ id: s.int().id(), email: s.string().nativeType({ postgres: "citext" }) })
    .index([{ field: "email", opclass: "gin_trgm_ops" }], { type: "gin" }),
};

type Open = (pgSchema: string) => VibormClient<typeof SCHEMA>;

interface Target {
  name: string;
  setUp(): Promise<Open | undefined>;
  tearDown(): Promise<void>;
}

let database: TempDatabase | undefined;
let pglite: PGlite | undefined;

const TARGETS: Target[] = [
  {
    name: "pg",
    async setUp() {
      if (!(await requireDatabase("postgres", "pgSchema extension tests"))) return undefined;
      // Extensions are database-wide: a database of its own.
      database = await createPgDatabase("viborm_tenant_ext");
      const url = database.url;
      return (pgSchema) => createPgClient({ schema: SCHEMA, databaseUrl: url, pgSchema, extensions: EXTENSIONS });
    },
    tearDown: async () => database?.drop(),
  },
  {
    name: "neon-http",
    async setUp() {
      if (!(await requireDatabase("postgres", "pgSchema extension tests on neon-http"))) return undefined;
      const [endpoint, own] = await Promise.all([sharedNeonEndpoint(), createPgDatabase("viborm_tenant_ext_neon")]);
      database = own;
      return (pgSchema) =>
        createNeonClient({
          schema: SCHEMA,
          databaseUrl: own.url,
          fetchEndpoint: endpoint.url,
          pgSchema,
          extensions: EXTENSIONS,
        });
    },
    tearDown: async () => database?.drop(),
  },
  {
    name: "pglite",
    async setUp() {
      pglite = await PGlite.create({ extensions: { citext, pg_trgm } });
      const db = pglite;
      return (pgSchema) => createPgliteClient({ schema: SCHEMA, client: db, pgSchema, extensions: EXTENSIONS });
    },
    tearDown: async () => pglite?.close(),
  },
];

describe.each(TARGETS)("tenant schemas with extensions on $name", (target) => {
  let open: Open | undefined;
  const clients: VibormClient[] = [];
  const tenant = (pgSchema: string) => {
    const client = open!(pgSchema);
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    open = await target.setUp();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.$close()));
    await target.tearDown();
  });

  test("every tenant gets the extensions' types and operators; resetting one leaves the rest", async (ctx) => {
    if (!open) return ctx.skip();
    // Two tenants by migrations (the same folders for both), a third by push.
    const storageDriver = memoryStorage();
    await createMigrationClient(tenant("tenant_a"), { storageDriver }).generate({ name: "init" });
    for (const name of ["tenant_a", "tenant_b"]) await createMigrationClient(tenant(name), { storageDriver }).apply();
    await createMigrationClient(tenant("tenant_c")).push();

    for (const [i, name] of ["tenant_a", "tenant_b", "tenant_c"].entries()) {
      const client = tenant(name);
      await client.$executeRaw(`INSERT INTO person (id, email) VALUES (${i + 1}, 'Ann@Example.com')`);
      // citext's equality, found through the search_path: case-insensitive.
      expect(await client.$queryRaw("SELECT id FROM person WHERE email = 'ann@example.com'")).toEqual([{ id: i + 1 }]);
      expect(await client.$queryRaw("SELECT similarity(email, 'ann@example') > 0.3 AS close FROM person")).toEqual([
        { close: true },
      ]);
      expect((await createMigrationClient(client).push({ dryRun: true })).operations).toEqual([]);
    }
    const first = tenant("tenant_a");
    expect(
      await first.$queryRaw(
        "SELECT extname, extnamespace::regnamespace::text AS home FROM pg_extension WHERE extname <> 'plpgsql' ORDER BY 1",
      ),
    ).toEqual([
      { extname: "citext", home: "public" },
      { extname: "pg_trgm", home: "public" },
    ]);
    expect((await createMigrationClient(tenant("tenant_a"), { storageDriver }).check()).problems).toEqual([]);

    await createMigrationClient(tenant("tenant_a"), { storageDriver }).reset();
    const other = tenant("tenant_b");
    expect(await other.$queryRaw("SELECT id FROM person WHERE email = 'ANN@EXAMPLE.COM'")).toEqual([{ id: 2 }]);
    expect((await createMigrationClient(other, { storageDriver }).check()).problems).toEqual([]);
  });
});
