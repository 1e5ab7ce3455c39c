/**
 * Adopts a database built by push or another tool: its live schema becomes one migration, written
 * to storage and recorded as applied without running, so the versioned workflow starts from it.
 */
import { dependenciesFirst, dependentsFirst, liveObjects } from "../dialects/objects.js";
import { diff } from "../diff/index.js";
import { VibormError } from "../errors.js";
import { emptySnapshot } from "../schema/snapshot.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import { buildMigration, writeFolder } from "./generate.js";
import { introspectWithObjects } from "./introspect.js";
import { loadMigrations } from "./journal.js";
import { MANIFEST_FILE } from "./manifest.js";
import { nextMigrationId, toKebabName } from "./migration-id.js";
import { ensureTracking, readTracking, trackingInsert } from "./tracking.js";
import type { BaselineOptions, BaselineResult } from "./types.js";

/**
 * Writes `<id>_baseline/` creating everything the database holds (its down drops it all) and records
 * it applied. Refuses with `MIGRATION_CONFLICT`, writing nothing, when the database has applied
 * migrations or storage already holds some: a baseline is where a history starts.
 */
export async function baseline(context: RuntimeContext, options: BaselineOptions = {}): Promise<BaselineResult> {
  const storage = requireStorage(context, "baseline");
  const name = toKebabName(options.name ?? "baseline");
  const listing = await storage.list();
  const [stored, records] = await Promise.all([
    loadMigrations(storage, context.dialect.name, listing),
    readTracking(context),
  ]);
  const existing = [...new Set([...records.map((r) => r.id), ...stored.map((s) => s.migration.id)])].sort();
  if (existing.length > 0) {
    throw new VibormError(
      "MIGRATION_CONFLICT",
      `A baseline starts a history, but ${records.length > 0 ? "the database already records applied migrations" : "storage already holds migrations"} (${existing.join(", ")}); baseline a database with no migration history, or repair this one with migrate resolve.`,
      { migrations: existing, tables: [] },
    );
  }
  const { snapshot: live, objects: rows } = await introspectWithObjects(context);
  const { operations } = diff(emptySnapshot(), live);
  const id = nextMigrationId(context.now(), name, []);
  // Views, routines and sequences made by hand come after the tables (their SQL as the database
  // prints it); what the catalog cannot print is named, never dropped silently.
  const objects = liveObjects(context.dialect, rows);
  const kept = objects.filter((object) => object.create !== null);
  const warnings = objects
    .filter((object) => object.create === null)
    .map(
      (object) =>
        `${object.kind.toLowerCase()} ${object.name} is not in the baseline: the database cannot print its definition; add its CREATE statement to up.sql by hand`,
    );
  const extra = {
    up: dependenciesFirst(context.dialect, kept).map((object) => ({ ...object.create!, inverse: [object.dropHere] })),
    down: dependentsFirst(context.dialect, kept).map((object) => object.dropHere),
  };
  const { up, down, files, migration } = await buildMigration(
    context,
    id,
    emptySnapshot(),
    operations,
    [],
    { warnings, lossy: [] },
    extra,
  );
  // No folders (refused above): an existing manifest is rewritten to list the baseline alone.
  await writeFolder(storage, id, files, listing.includes(MANIFEST_FILE) ? [] : undefined);
  await ensureTracking(context);
  await context.strategy.run({ label: id, statements: [], tracking: [trackingInsert(context, migration)] });
  return { migration, up: up.statements.map((s) => s.sql), down: down.statements.map((s) => s.sql), warnings };
}
