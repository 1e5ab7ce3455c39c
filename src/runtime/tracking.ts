/**
 * The tracking table: one row per applied migration, keyed by id.
 */
import { driverErrorCode } from "../atomic/failure.js";
import type { Row, Statement, TrackingRecord } from "../dialects/types.js";
import { isVibormError } from "../errors.js";
import type { RuntimeContext } from "./context.js";
import type { Migration } from "./types.js";

/** Reads the tracking rows without creating anything: a database never migrated has none. */
export async function readTracking(context: RuntimeContext): Promise<TrackingRecord[]> {
  return (await readTrackingIfExists(context)) ?? [];
}

/**
 * Reads the tracking rows, creating the table first if needed. A batch driver sends the create and
 * the read as one request; a session driver reads first (the common case: one query) and creates a
 * missing table through the atomic strategy, under the migration lock, so a concurrent applier
 * holding the database waits for `lockTimeoutMs` like everywhere else.
 */
export async function ensureTracking(context: RuntimeContext): Promise<TrackingRecord[]> {
  const { dialect, driver, tableName } = context;
  const create = [...schemaSetup(context), ...dialect.tracking.create(tableName)];
  const select = dialect.tracking.select(tableName);
  if (driver.atomic.kind === "batch") {
    let results: Row[][];
    try {
      results = await driver.queryAll([...create, select]);
    } catch (error) {
      // Two appliers creating the table at once: PostgreSQL's IF NOT EXISTS is not race-free
      // (23505 on pg_type, 42P07, 42710). The other applier created it; read again.
      if (!["23505", "42P07", "42710"].includes(driverErrorCode(error) ?? "")) throw error;
      results = await driver.queryAll([select]);
    }
    return dialect.tracking.read(results[results.length - 1] ?? []);
  }
  const existing = await readTrackingIfExists(context);
  if (existing) return existing;
  await context.strategy.run({ label: "tracking", statements: create, tracking: [] });
  const { rows } = await driver.query(select.sql, select.params);
  return dialect.tracking.read(rows);
}

/**
 * Creates the client's `pgSchema` when missing (one statement, one round trip), before a push runs
 * unqualified DDL into it. Nothing without a pgSchema.
 */
export async function ensureSchema(context: RuntimeContext): Promise<void> {
  for (const statement of schemaSetup(context)) await context.driver.query(statement.sql, statement.params);
}

/** The tracking insert for a migration applied now. */
export function trackingInsert(context: RuntimeContext, migration: Migration): Statement {
  return context.dialect.tracking.insert(context.tableName, {
    id: migration.id,
    name: migration.name,
    checksum: migration.checksum,
    appliedAt: context.now().toISOString(),
  });
}

/** A precheck that lets a unit run only while `id` is (or is not) in the tracking table. */
export function trackingPrecheck(
  context: RuntimeContext,
  id: string,
  runWhen: "absent" | "present",
): { statement: Statement; shouldRun(rows: Row[]): boolean } {
  const { dialect, tableName } = context;
  return {
    statement: dialect.tracking.select(tableName),
    shouldRun: (rows) => dialect.tracking.read(rows).some((record) => record.id === id) === (runWhen === "present"),
  };
}

// internal

/** `CREATE SCHEMA IF NOT EXISTS` for a client with a `pgSchema`; nothing otherwise. */
function schemaSetup(context: RuntimeContext): Statement[] {
  const { pgSchema, dialect } = context;
  return pgSchema === undefined || !dialect.createSchema ? [] : [dialect.createSchema(pgSchema)];
}

async function readTrackingIfExists(context: RuntimeContext): Promise<TrackingRecord[] | undefined> {
  const { dialect, driver, tableName } = context;
  const select = dialect.tracking.select(tableName);
  try {
    const { rows } = await driver.query(select.sql, select.params);
    return dialect.tracking.read(rows);
  } catch (error) {
    if (isMissingTable(error)) return undefined;
    throw error;
  }
}

/**
 * "No such table", from the database's codes: PostgreSQL 42P01, MySQL 1146. SQLite (and D1) give
 * every such error the generic SQLITE_ERROR, so there its fixed "no such table" text is the
 * signal; a failure to connect is never taken for a missing table.
 */
function isMissingTable(error: unknown): boolean {
  if (isVibormError(error, "CONNECTION_FAILED")) return false;
  const code = driverErrorCode(error);
  if (code === "42P01" || code === "ER_NO_SUCH_TABLE" || code === "1146") return true;
  if (code !== undefined && code !== "SQLITE_ERROR") return false;
  const message = String(
    (error as { cause?: { message?: unknown } })?.cause?.message ?? (error as Error)?.message ?? "",
  );
  return /no such table/i.test(message);
}
