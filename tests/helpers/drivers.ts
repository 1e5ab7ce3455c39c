/**
 * The table of drivers every feature test runs on (`describe.each(DRIVERS)`), each able to make a
 * fresh empty database and clients on it. `VIBORM_DRIVERS=pg,sqlite3` narrows the set locally.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { Schema, VibormClient } from "viborm";
import { createClient as createD1Client } from "viborm/d1";
import { createClient as createD1HttpClient } from "viborm/d1-http";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createNeonHttpClient } from "viborm/neon-http";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { createClient as createPlanetScaleClient } from "viborm/planetscale";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { afterAll } from "vitest";
import { emptyD1, sharedD1 } from "../edge/fixtures/d1.js";
import { sharedNeonEndpoint } from "../edge/fixtures/neon-endpoint.js";
import { sharedPlanetScaleEndpoint } from "../edge/fixtures/planetscale-endpoint.js";
import { createMysqlDatabase, createPgDatabase, requireDatabase } from "./databases.js";

export type DriverName = "pg" | "mysql2" | "sqlite3" | "pglite" | "neon-http" | "planetscale" | "d1" | "d1-http";

export interface TestDatabase {
  /** A new client on this database with `schema` (several may be open at once). */
  client<S extends Schema>(schema: S): VibormClient<S>;
  /** Closes every client made here and drops the database. */
  close(): Promise<void>;
}

export interface DriverCase {
  name: DriverName;
  dialect: "postgres" | "mysql" | "sqlite";
  /** False when the server is unreachable outside CI (the reason is printed); under CI it throws. */
  available(): Promise<boolean>;
  fresh(): Promise<TestDatabase>;
}

const ALL: DriverCase[] = [
  {
    name: "pg",
    dialect: "postgres",
    available: () => requireDatabase("postgres", "pg driver tests"),
    async fresh() {
      // One database per test file, emptied for each test: CREATE DATABASE costs about a second.
      const database = await sharedPgDatabase();
      await resetPostgres((sql) => database.pool.query(sql));
      return tracked(
        (schema) => createPgClient({ schema, databaseUrl: database.url }),
        async () => undefined,
      );
    },
  },
  {
    name: "mysql2",
    dialect: "mysql",
    available: () => requireDatabase("mysql", "mysql2 driver tests"),
    async fresh() {
      const database = await createMysqlDatabase();
      return tracked((schema) => createMysqlClient({ schema, databaseUrl: database.url }), database.drop);
    },
  },
  {
    name: "sqlite3",
    dialect: "sqlite",
    available: async () => true,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), "viborm-sqlite-"));
      const filename = join(dir, "test.db");
      return tracked(
        (schema) => createSqliteClient({ schema, filename }),
        async () => rmSync(dir, { recursive: true, force: true }),
      );
    },
  },
  {
    name: "pglite",
    dialect: "postgres",
    available: async () => true,
    async fresh() {
      // Starting PGlite takes seconds: one instance per test file, emptied for each test.
      const pglite = await sharedPglite();
      await resetPostgres((sql) => pglite.exec(sql));
      return tracked(
        (schema) => createPgliteClient({ schema, client: pglite }),
        async () => undefined,
      );
    },
  },
  {
    name: "neon-http",
    dialect: "postgres",
    available: () => requireDatabase("postgres", "neon-http driver tests"),
    async fresh() {
      // The local Neon endpoint starts once per test file and reaches the file's shared database.
      const [endpoint, database] = await Promise.all([sharedNeonEndpoint(), sharedPgDatabase()]);
      await resetPostgres((sql) => database.pool.query(sql));
      return tracked(
        (schema) => createNeonHttpClient({ schema, databaseUrl: database.url, fetchEndpoint: endpoint.url }),
        async () => undefined,
      );
    },
  },
  {
    name: "planetscale",
    dialect: "mysql",
    available: () => requireDatabase("mysql", "planetscale driver tests"),
    async fresh() {
      // The local PlanetScale HTTP endpoint starts once per test file; each test gets its own MariaDB database.
      const endpoint = await sharedPlanetScaleEndpoint();
      const database = await createMysqlDatabase();
      return tracked(
        (schema) => createPlanetScaleClient({ schema, url: endpoint.url(database.name) }),
        async () => {
          await endpoint.endSessions(database.name);
          await database.drop();
        },
      );
    },
  },
  {
    name: "d1",
    dialect: "sqlite",
    available: async () => true,
    async fresh() {
      // One Miniflare (workerd) per test file; its D1 database is emptied for each test.
      const { binding } = await sharedD1();
      await emptyD1(binding);
      return tracked(
        (schema) => createD1Client({ schema, database: binding }),
        async () => undefined,
      );
    },
  },
  {
    name: "d1-http",
    dialect: "sqlite",
    available: async () => true,
    async fresh() {
      // The local D1 HTTP endpoint serves a database of the file's Miniflare, emptied for each test.
      const { http } = await sharedD1();
      await emptyD1(http.database);
      const { endpoint, databaseId } = http;
      return tracked(
        (schema) =>
          createD1HttpClient({
            schema,
            accountId: endpoint.accountId,
            databaseId,
            apiToken: endpoint.apiToken,
            baseUrl: endpoint.baseUrl,
          }),
        async () => undefined,
      );
    },
  },
];

/** The drivers selected for this run. */
export const DRIVERS: DriverCase[] = selected();

// internal

let pgDatabase: Promise<{ url: string; pool: pg.Pool; drop(): Promise<void> }> | undefined;
let pgliteInstance: Promise<PGlite> | undefined;

// The shared instances end with the test file. Registered here, while the file is collected: a hook
// registered later, from inside a running test, never ran, and every file left its database behind.
afterAll(async () => {
  const [database, pglite] = await Promise.all([
    pgDatabase?.catch(() => undefined),
    pgliteInstance?.catch(() => undefined),
  ]);
  pgDatabase = pgliteInstance = undefined;
  await database?.pool.end();
  await database?.drop();
  await pglite?.close();
});

function sharedPgDatabase(): Promise<{ url: string; pool: pg.Pool }> {
  pgDatabase ??= createPgDatabase().then((database) => ({
    url: database.url,
    pool: new pg.Pool({ connectionString: database.url, max: 1 }),
    drop: database.drop,
  }));
  return pgDatabase;
}

function sharedPglite(): Promise<PGlite> {
  pgliteInstance ??= PGlite.create();
  return pgliteInstance;
}

/** Empties the public schema (tables, enum types, sequences) of a PostgreSQL database. */
async function resetPostgres(exec: (sql: string) => Promise<unknown>): Promise<void> {
  await exec("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
}

function selected(): DriverCase[] {
  const wanted = process.env.VIBORM_DRIVERS?.split(",").map((name) => name.trim());
  return wanted ? ALL.filter((driver) => wanted.includes(driver.name)) : ALL;
}

function tracked(make: <S extends Schema>(schema: S) => VibormClient<S>, teardown: () => Promise<void>): TestDatabase {
  const clients: VibormClient[] = [];
  return {
    client<S extends Schema>(schema: S) {
      const client = make(schema);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.$close()));
      await teardown();
    },
  };
}
