/**
 * Shared pieces of the benchmarks: drivers on throwaway databases, a counting driver wrapper and a
 * table printer. Benchmarks report; they never pass or fail on time.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { type Schema, s, type VibormClient } from "viborm";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createPgliteClient } from "viborm/pglite";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { createMysqlDatabase, createPgDatabase, isReachable } from "../tests/helpers/databases.js";

export interface BenchDatabase {
  client<S extends Schema>(schema: S): VibormClient<S>;
  close(): Promise<void>;
}

export interface BenchDriver {
  name: string;
  available(): Promise<boolean>;
  fresh(): Promise<BenchDatabase>;
}

export const BENCH_DRIVERS: BenchDriver[] = [
  {
    name: "pg",
    available: () => isReachable("postgres"),
    async fresh() {
      const db = await createPgDatabase("viborm_bench");
      return owned((schema) => createPgClient({ schema, databaseUrl: db.url }), db.drop);
    },
  },
  {
    name: "mysql2",
    available: () => isReachable("mysql"),
    async fresh() {
      const db = await createMysqlDatabase("viborm_bench");
      return owned((schema) => createMysqlClient({ schema, databaseUrl: db.url }), db.drop);
    },
  },
  {
    name: "sqlite3",
    available: async () => true,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), "viborm-bench-"));
      return owned(
        (schema) => createSqliteClient({ schema, filename: join(dir, "bench.db") }),
        async () => rmSync(dir, { recursive: true, force: true }),
      );
    },
  },
  {
    name: "pglite",
    available: async () => true,
    async fresh() {
      const pglite = await PGlite.create();
      return owned(
        (schema) => createPgliteClient({ schema, client: pglite }),
        () => pglite.close(),
      );
    },
  },
];

/** A schema of `n` tables, each with a few columns, an index and a foreign key to the previous one. */
export function generatedSchema(n: number, extraColumn = false): Schema {
  const models: Schema = {};
  let previous: ReturnType<typeof s.model> | undefined;
  for (let i = 0; i < n; i++) {
    const parent = previous;
    const fields: Parameters<typeof s.model>[0] = {
      id: s.int().id().increment(),
      name: s.string(),
      createdAt: s.dateTime().now(),
      score: s.float().nullable(),
    };
    if (parent) {
      fields.parentId = s.int().nullable();
      fields.parent = s
        .manyToOne(() => parent!)
        .fields("parentId")
        .references("id")
        .optional();
    }
    if (extraColumn && i === 0) fields.extra = s.string().nullable();
    const model = s
      .model(fields)
      .map(`t${String(i).padStart(3, "0")}`)
      .index("name");
    models[`t${i}`] = model;
    previous = model;
  }
  return models;
}

/**
 * A client whose driver counts statements and round trips: `roundTrips` those made through the
 * driver's `query`/`queryAll`, `sessionRoundTrips` those of its atomic sessions (a script is one).
 * `scripts: false` hides the sessions' `script`, so units run statement by statement as before.
 */
export function counting<S extends Schema>(
  client: VibormClient<S>,
  options: { scripts?: boolean } = {},
): { client: VibormClient<S>; counts: { statements: number; roundTrips: number; sessionRoundTrips: number } } {
  const counts = { statements: 0, roundTrips: 0, sessionRoundTrips: 0 };
  const driver = client.$driver;
  const atomic = driver.atomic;
  type Session = Parameters<Parameters<Extract<typeof atomic, { kind: "session" }>["withSession"]>[0]>[0];
  const countSession = (session: Session): Session => {
    const script = options.scripts === false ? undefined : session.script;
    return {
      query: (sql, params) => {
        counts.statements++;
        counts.sessionRoundTrips++;
        return session.query(sql, params);
      },
      ...(script
        ? {
            script: (statements: readonly string[]) => {
              counts.statements += statements.length;
              counts.sessionRoundTrips++;
              return script(statements);
            },
          }
        : {}),
    };
  };
  const wrapped = {
    ...driver,
    query: (sql: string, params?: unknown[]) => {
      counts.statements++;
      counts.roundTrips++;
      return driver.query(sql, params);
    },
    queryAll: (statements: Parameters<typeof driver.queryAll>[0]) => {
      counts.statements += statements.length;
      counts.roundTrips++;
      return driver.queryAll(statements);
    },
    ...(atomic.kind === "session"
      ? {
          atomic: {
            ...atomic,
            withSession: <T>(fn: (session: Session) => Promise<T>) =>
              atomic.withSession((session) => fn(countSession(session))),
          },
        }
      : {}),
  };
  return { client: { ...client, $driver: wrapped }, counts };
}

/** Milliseconds taken by `fn`. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return Math.round(performance.now() - started);
}

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const headers = Object.keys(rows[0]!);
  const widths = headers.map((h) => Math.max(h.length, ...rows.map((row) => String(row[h]).length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padStart(widths[i]!)).join("  ");
  console.log(line(headers));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(headers.map((h) => String(row[h]))));
}

// internal

function owned(make: <S extends Schema>(schema: S) => VibormClient<S>, teardown: () => Promise<void>): BenchDatabase {
  const clients: VibormClient[] = [];
  return {
    client(schema) {
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
