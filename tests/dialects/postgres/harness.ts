/**
 * Shared by the PostgreSQL dialect tests: the two PostgreSQL drivers as targets (a throwaway
 * database on the real server, and an in-memory PGlite), snapshot builders, and running a
 * dialect's statements the way the runtime does (one transaction on a pinned session).
 */
import { PGlite } from "@electric-sql/pglite";
import type { Driver } from "viborm";
import { createPgDriver } from "viborm/pg";
import { createPgliteDriver } from "viborm/pglite";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { postgresDialect } from "../../../src/dialects/postgres/index.js";
import type { IntrospectOptions, Statement } from "../../../src/dialects/types.js";
import { applyOperation } from "../../../src/diff/index.js";
import type { Operation } from "../../../src/diff/operations.js";
import {
  type Column,
  type ColumnDefault,
  type ColumnType,
  canonicalize,
  type Enum,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
} from "../../../src/schema/snapshot.js";
import { createPgDatabase, requireDatabase } from "../../helpers/databases.js";

export const dialect = postgresDialect;

export const OPTIONS: IntrospectOptions = { excludeTables: ["_viborm_migrations"] };

export interface OpenTarget {
  driver: Driver;
  /** The database's URL on the real server (absent on PGlite). */
  url?: string;
  /** Empties the `public` schema (tables, enums, everything in it). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface PgTarget {
  name: "pg" | "pglite";
  available(): Promise<boolean>;
  open(): Promise<OpenTarget>;
}

/** The real PostgreSQL server (a throwaway database) and PGlite (in memory, in-process). */
export const TARGETS: PgTarget[] = [
  {
    name: "pg",
    available: () => requireDatabase("postgres", "PostgreSQL dialect tests"),
    async open() {
      const database = await createPgDatabase("viborm_pgdialect");
      const driver = createPgDriver({ databaseUrl: database.url });
      return {
        driver,
        url: database.url,
        reset: () => resetPublic(driver),
        async close() {
          await driver.close();
          await database.drop();
        },
      };
    },
  },
  {
    name: "pglite",
    available: async () => true,
    async open() {
      const pglite = await PGlite.create();
      const driver = createPgliteDriver({ client: pglite });
      return { driver, reset: () => resetPublic(driver), close: () => pglite.close() };
    },
  },
];

/**
 * Opens the target once for the file (PGlite takes seconds to start) and empties its `public`
 * schema before each test. Returns the open target; tests are skipped when it is unavailable.
 */
export function useTarget(target: PgTarget): () => OpenTarget {
  let open: OpenTarget | undefined;
  let available = false;
  beforeAll(async () => {
    available = await target.available();
    if (available) open = await target.open();
  });
  afterAll(async () => {
    await open?.close();
  });
  beforeEach(async (context) => {
    if (!available) context.skip();
    await open!.reset();
  });
  return () => open!;
}

async function resetPublic(driver: Driver): Promise<void> {
  await driver.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
}

/** Reads the live schema as push does: the dialect's queries in one `queryAll`, read, normalised. */
export async function introspect(driver: Driver, options: IntrospectOptions = OPTIONS): Promise<Snapshot> {
  const results = await driver.queryAll(dialect.introspection.queries(options));
  return dialect.normalize(dialect.introspection.read(results, options));
}

/** Runs statements all-or-nothing, as the runtime's transaction strategy does. */
export async function runAtomic(driver: Driver, statements: Statement[]): Promise<void> {
  if (driver.atomic.kind !== "session") throw new Error("PostgreSQL drivers offer sessions");
  await driver.atomic.withSession(async (session) => {
    await session.query("BEGIN");
    try {
      for (const statement of statements) await session.query(statement.sql, statement.params);
      await session.query("COMMIT");
    } catch (error) {
      await session.query("ROLLBACK");
      throw error;
    }
  });
}

/** The DDL of `operations` from `before`, each with its before/after context; returns it and the state after. */
export function plan(before: Snapshot, operations: Operation[]): { statements: Statement[]; after: Snapshot } {
  const statements: Statement[] = [];
  let state = dialect.normalize(before);
  for (const operation of operations) {
    const after = applyOperation(state, operation);
    statements.push(...dialect.ddl(operation, { before: state, after }));
    state = after;
  }
  return { statements, after: dialect.normalize(state) };
}

/** Runs `operations` from `before` in one transaction; returns the expected state after them. */
export async function apply(driver: Driver, before: Snapshot, operations: Operation[]): Promise<Snapshot> {
  const { statements, after } = plan(before, operations);
  await runAtomic(driver, statements);
  return after;
}

/**
 * Creates a snapshot from nothing with createEnum/createTable/addForeignKey: a foreign key to a
 * table not yet created (a cycle) is added afterwards; the others stay inline.
 */
export function creationOperations(snapshot: Snapshot): Operation[] {
  const operations: Operation[] = snapshot.enums.map((item) => ({ kind: "createEnum", enum: item }));
  const created = new Set<string>();
  const deferred: Operation[] = [];
  for (const table of snapshot.tables) {
    created.add(table.name);
    const inline = table.foreignKeys.filter((fk) => created.has(fk.referencedTable));
    for (const fk of table.foreignKeys) {
      if (!created.has(fk.referencedTable)) deferred.push({ kind: "addForeignKey", table: table.name, foreignKey: fk });
    }
    operations.push({ kind: "createTable", table: { ...table, foreignKeys: inline } });
  }
  return [...operations, ...deferred];
}

// snapshot builders

export function col(
  name: string,
  type: ColumnType | "string" | "int" | "bigInt" | "float" | "boolean" | "dateTime" | "date" | "time" | "json" | "blob",
  options: Partial<Column> = {},
): Column {
  return {
    name,
    type: typeof type === "string" ? ({ kind: type } as ColumnType) : type,
    array: false,
    nullable: false,
    default: null,
    autoIncrement: false,
    ...options,
  };
}

export function table(name: string, columns: Column[], rest: Partial<Omit<Table, "name" | "columns">> = {}): Table {
  return { name, columns, primaryKey: null, uniques: [], indexes: [], foreignKeys: [], ...rest };
}

export function snapshot(tables: Table[], enums: Enum[] = []): Snapshot {
  return canonicalize({ version: SNAPSHOT_VERSION, tables, enums });
}

export function lit(value: string | number | boolean): ColumnDefault {
  return { kind: "literal", value };
}

export function enumType(item: Enum): ColumnType {
  return { kind: "enum", name: item.name, values: [...item.values] };
}

/** An auto-increment integer primary-key column named `id`. */
export function serialId(name = "id"): Column {
  return col(name, "int", { autoIncrement: true });
}
