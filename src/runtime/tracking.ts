/**
 * The tracking table: one row per applied migration, keyed by id.
 */
import { driverErrorCode } from "../atomic/failure.js";
import type { Row, Statement, TrackingRecord } from "../dialects/types.js";
import type { RuntimeContext } from "./context.js";
import type { Migration } from "./types.js";

/** Reads the tracking rows without creating anything: a database never migrated has none. */
export async function readTracking(context: RuntimeContext): Promise<TrackingRecord[]> {
  const { dialect, driver, tableName } = context;
  const select = dialect.tracking.select(tableName);
  try {
    const { rows } = await driver.query(select.sql, select.params);
    return dialect.tracking.read(rows);
  } catch (error) {
    if (isMissingTable(error)) return [];
    throw error;
  }
}

/** Creates the tracking table if needed and reads it, in one round trip where the driver allows. */
export async function ensureTracking(context: RuntimeContext): Promise<TrackingRecord[]> {
  const { dialect, driver, tableName } = context;
  const statements = [...dialect.tracking.create(tableName), dialect.tracking.select(tableName)];
  let results: Row[][];
  try {
    results = await driver.queryAll(statements);
  } catch (error) {
    // Two appliers creating the table at once: PostgreSQL's IF NOT EXISTS is not race-free
    // (23505 on pg_type, or 42P07). The other one created it; read again.
    const code = driverErrorCode(error);
    if (code !== "23505" && code !== "42P07") throw error;
    results = await driver.queryAll(statements);
  }
  return dialect.tracking.read(results[results.length - 1] ?? []);
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

/** "No such table", as PostgreSQL (42P01), MySQL (ER_NO_SUCH_TABLE / 1146) and SQLite say it. */
function isMissingTable(error: unknown): boolean {
  const code = driverErrorCode(error);
  if (code === "42P01" || code === "ER_NO_SUCH_TABLE" || code === "1146") return true;
  const message = String(
    (error as { cause?: { message?: unknown } })?.cause?.message ?? (error as Error)?.message ?? "",
  );
  return /no such table|doesn't exist|does not exist/i.test(message);
}
