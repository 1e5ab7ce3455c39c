/**
 * Throwaway databases on the machine's real servers, one per test file, so files run in parallel.
 *
 * Outside CI an unreachable server skips its tests with a printed reason; under CI=true the
 * tests fail instead (see `requireDatabase`).
 */
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import pg from "pg";

export const PG_URL = process.env.VIBORM_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";
export const MYSQL_URL = process.env.VIBORM_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test";

const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** Whether a server answers; cached per process. */
const reachable = new Map<string, Promise<boolean>>();

export function isReachable(kind: "postgres" | "mysql"): Promise<boolean> {
  let probe = reachable.get(kind);
  if (!probe) {
    probe = (kind === "postgres" ? probePg() : probeMysql()).then(
      () => true,
      () => false,
    );
    reachable.set(kind, probe);
  }
  return probe;
}

/**
 * True when the tests for `kind` should run. Under CI an unreachable server is an error;
 * elsewhere it prints what is skipped and why, and returns false.
 */
export async function requireDatabase(kind: "postgres" | "mysql", what: string): Promise<boolean> {
  if (await isReachable(kind)) return true;
  if (IN_CI) throw new Error(`${kind} is not reachable: ${what} cannot run in CI without it`);
  console.warn(`[skip] ${what}: ${kind} is not reachable on this machine`);
  return false;
}

export interface TempDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty PostgreSQL database. */
export async function createPgDatabase(prefix = "viborm"): Promise<TempDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await withPg(async (client) => {
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withPg(async (client) => {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      }),
  };
}

/** A fresh, empty MariaDB/MySQL database. */
export async function createMysqlDatabase(prefix = "viborm"): Promise<TempDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  await withMysql(async (connection) => {
    await connection.query(`CREATE DATABASE \`${name}\``);
  });
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withMysql(async (connection) => {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      }),
  };
}

// internal

async function withPg<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function withMysql<T>(fn: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}

async function probePg(): Promise<void> {
  await withPg((client) => client.query("SELECT 1"));
}

async function probeMysql(): Promise<void> {
  await withMysql((connection) => connection.query("SELECT 1"));
}
