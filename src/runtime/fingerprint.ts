/**
 * The fingerprint of the database state a push plan was made from: a hash of each object push can
 * see (tables, enum types, extensions…), so a later read tells exactly what changed in between.
 */
import type { StaleObjects } from "../errors.js";
import { canonicalize, type Snapshot } from "../schema/snapshot.js";
import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/sha256.js";
import type { EmptyFact } from "./facts.js";

/** What a push plan knew of the database it was made from. */
export interface PlanFingerprint {
  /** SHA-256 (hex) of the whole schema as push read it (tracking and bookkeeping tables excluded). */
  schema: string;
  /** Per object, e.g. `table users`, `enum role`, `extension citext`: the first 16 hex digits of its SHA-256. */
  objects: Record<string, string>;
  /** Tables (or columns) found empty that the plan's decisions relied on; data in them makes it stale. */
  empty: EmptyFact[];
}

/** What differs between two fingerprints' objects, tables apart from the rest. */
export interface FingerprintDelta {
  tables: StaleObjects;
  objects: StaleObjects;
}

/**
 * The fingerprint of a live schema, as introspection read and normalised it.
 *
 * @example await fingerprintOf(live, []) // → { schema: "9f…", objects: { "table users": "1c…" }, empty: [] }
 */
export async function fingerprintOf(live: Snapshot, empty: readonly EmptyFact[]): Promise<PlanFingerprint> {
  const canonical = canonicalize(live);
  const objects: Record<string, string> = {};
  for (const [key, value] of objectsOf(canonical)) {
    objects[key] = (await sha256Hex(canonicalJson(value, { compact: true }))).slice(0, 16);
  }
  return { schema: await sha256Hex(canonicalJson(canonical, { compact: true })), objects, empty: [...empty] };
}

/**
 * The objects added, removed and altered from `was` to `now` (sorted), or `null` when none differs.
 *
 * @example compareFingerprints(plan.fingerprint, await fingerprintOf(live, [])) // → { tables: { added: ["audit"], … }, … }
 */
export function compareFingerprints(was: PlanFingerprint, now: PlanFingerprint): FingerprintDelta | null {
  const delta: FingerprintDelta = { tables: emptyDelta(), objects: emptyDelta() };
  let differs = false;
  const keys = [...new Set([...Object.keys(was.objects), ...Object.keys(now.objects)])].sort();
  for (const key of keys) {
    const before = was.objects[key];
    const after = now.objects[key];
    if (before === after) continue;
    differs = true;
    const isTable = key.startsWith(TABLE_PREFIX);
    const bucket = isTable ? delta.tables : delta.objects;
    const name = isTable ? key.slice(TABLE_PREFIX.length) : key;
    if (before === undefined) bucket.added.push(name);
    else if (after === undefined) bucket.removed.push(name);
    else bucket.altered.push(name);
  }
  return differs ? delta : null;
}

// internal

const TABLE_PREFIX = "table ";

function emptyDelta(): StaleObjects {
  return { added: [], removed: [], altered: [] };
}

/**
 * Every named object of a snapshot, keyed `<kind> <name>`: each member of a top-level list (by its
 * `name`, or itself for a list of names), and any other top-level field as one object. Generic, so
 * an object kind added to the snapshot later is covered without a change here.
 */
function objectsOf(snapshot: Snapshot): [string, unknown][] {
  const entries: [string, unknown][] = [];
  for (const [field, value] of Object.entries(snapshot)) {
    if (field === "version") continue;
    const kind = field.endsWith("s") ? field.slice(0, -1) : field;
    if (!Array.isArray(value)) {
      entries.push([field, value]);
      continue;
    }
    for (const item of value as unknown[]) {
      const name = typeof item === "string" ? item : (item as { name?: unknown }).name;
      entries.push([`${kind} ${String(name)}`, item]);
    }
  }
  return entries;
}
