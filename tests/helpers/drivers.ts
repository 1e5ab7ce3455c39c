/**
 * The table of drivers every feature test runs on (`describe.each(DRIVERS)`), each able to make a
 * fresh empty database and clients on it. `VIBORM_DRIVERS=pg,sqlite3` narrows the set locally.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { Schema, VibormClient } from "viborm";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { createMysqlDatabase, createPgDatabase, requireDatabase } from "./databases.js";

export type DriverName = "pg" | "mysql2" | "sqlite3" | "pglite";

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
      const database = await createPgDatabase();
      return tracked((schema) => createPgClient({ schema, databaseUrl: database.url }), database.drop);
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
      const pglite = await PGlite.create();
      return tracked(
        (schema) => createPgliteClient({ schema, client: pglite }),
        () => pglite.close(),
      );
    },
  },
];

/** The drivers selected for this run. */
export const DRIVERS: DriverCase[] = selected();

// internal

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
