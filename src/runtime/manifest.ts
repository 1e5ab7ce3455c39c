/**
 * The migrations manifest: one file beside the migration folders, `manifest.json`, that lists each
 * folder's id, files and checksums. With it, `apply` on a database that has nothing to run reads two
 * storage objects (the listing and this file) instead of every file of every folder, which is what a
 * Worker's cron pays for in KV or R2 operations.
 *
 * It is only an optimisation, derived from the folders and never needed:
 * - the listing decides what exists: a manifest that names other folders or files than the listing
 *   shows (a folder uploaded without refreshing it, a file added or removed, a merge that kept one
 *   branch's copy) is ignored, and so is one whose own checksum does not match its entries (edited
 *   by hand, or left with conflict markers);
 * - the manifest is trusted only to say "nothing to do": every listed folder is applied and its
 *   checksum equals its tracking row's. Anything else (a pending migration, a checksum that differs)
 *   reads every file, exactly as without a manifest, so a migration that runs, and every check made
 *   before one runs, always sees the stored files themselves.
 *
 * What it cannot see is a file changed in place without the manifest being rebuilt: a folder's key
 * set is unchanged, so a cron with nothing to run stays a no-op; `status` and `check` (which always
 * read every file) report it `modified`, and the next `apply` with something to run refuses it.
 */
import type { TrackingRecord } from "../dialects/types.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import { sha256Hex } from "../util/sha256.js";
import { checksumMatches, migrationChecksums } from "./checksum.js";
import { loadMigrations, type StoredMigration } from "./journal.js";

/** The manifest's key, at the storage root beside the migration folders. */
export const MANIFEST_FILE = "manifest.json";
const MANIFEST_VERSION = 1;

/** One folder, as the manifest records it. */
export interface ManifestEntry {
  id: string;
  /** The folder checksum new tracking rows record (checksum.ts). */
  checksum: string;
  /** The `up.sql` + `down.sql` checksum that rows written by earlier versions hold. */
  legacyChecksum: string;
  /** The folder's files (hidden ones left out), sorted. */
  files: string[];
}

/**
 * What {@link writeManifest} did.
 *
 * @example const { migrations, changed } = await writeManifest(storageDriver);
 */
export interface WriteManifestResult {
  /** The migration ids the manifest lists, in order. */
  migrations: string[];
  /** False when storage already held exactly this manifest (nothing was written). */
  changed: boolean;
}

/**
 * The manifest text for `files`, an object from storage key (`<id>/<file>`) to text such as a
 * bundle holds: deterministic (entries and files sorted, one entry a line), with a checksum over
 * its entries. Loose files beside the folders and hidden files are left out.
 *
 * @example files[MANIFEST_FILE] = await renderManifest(files); // before bundling them
 */
export async function renderManifest(files: Readonly<Record<string, string>>): Promise<string> {
  const folders = groupFolders(Object.keys(files));
  const entries = await Promise.all(
    [...folders].map(async ([id, names]) => {
      const contents = Object.fromEntries(names.map((name) => [name, files[`${id}/${name}`]!]));
      return { id, ...(await migrationChecksums(contents)), files: names };
    }),
  );
  return manifestText(entries);
}

/**
 * Reads every migration folder in `storage` (checking each, as `apply` does) and writes
 * `manifest.json` beside them, unless it already holds exactly that. Run it where the folders are
 * deployed (after uploading new folders to KV or R2), or on a copy before uploading it:
 * `generate` and `baseline` keep an existing manifest up to date, but do not create one, and
 * `viborm migrate bundle` puts one in the bundle.
 *
 * @example
 * await writeManifest(createUnstorageDriver(createStorage({ driver }), { base: "migrations" }));
 */
export async function writeManifest(storage: MigrationStorageDriver): Promise<WriteManifestResult> {
  const listing = await storage.list();
  const stored = await loadMigrations(storage, undefined, listing);
  const text = await manifestText(stored.map(entryOf));
  const previous = listing.includes(MANIFEST_FILE) ? await storage.get(MANIFEST_FILE) : null;
  const changed = previous !== text;
  if (changed) await storage.put(MANIFEST_FILE, text);
  return { migrations: stored.map((s) => s.migration.id), changed };
}

/**
 * The manifest's entries when storage holds one that is intact and describes exactly the folders
 * and files of `listing`; `null` otherwise (then every file is read). One `get`, none when the
 * listing has no manifest.
 */
export async function readManifest(
  storage: MigrationStorageDriver,
  listing: string[],
): Promise<ManifestEntry[] | null> {
  if (!listing.includes(MANIFEST_FILE)) return null;
  const text = await storage.get(MANIFEST_FILE);
  if (text === null) return null;
  const entries = await parseManifest(text);
  return entries && describesListing(entries, listing) ? entries : null;
}

/**
 * True when every entry is applied with a matching checksum: then nothing is pending and no
 * applied migration changed, as far as the manifest knows. Rows without a folder (missing
 * migrations) do not matter to apply.
 */
export function allApplied(entries: ManifestEntry[], records: TrackingRecord[]): boolean {
  const byId = new Map(records.map((record) => [record.id, record]));
  return entries.every((entry) => {
    const record = byId.get(entry.id);
    return record !== undefined && checksumMatches(record.checksum, entry);
  });
}

/** The manifest entry of a loaded migration. */
export function entryOf(stored: StoredMigration): ManifestEntry {
  const { id, checksum } = stored.migration;
  return { id, checksum, legacyChecksum: stored.legacyChecksum, files: stored.files };
}

/** The manifest text for `entries` (sorted here), ending in a newline. */
export async function manifestText(entries: ManifestEntry[]): Promise<string> {
  const sorted = [...entries].map((e) => ({ ...e, files: [...e.files].sort(byCodeUnit) }));
  sorted.sort((a, b) => byCodeUnit(a.id, b.id));
  const migrations = sorted.map(({ id, checksum, legacyChecksum, files }) => ({ id, checksum, legacyChecksum, files }));
  const lines = migrations.map((entry) => `    ${JSON.stringify(entry)}`);
  const body = lines.length === 0 ? "[]" : `[\n${lines.join(",\n")}\n  ]`;
  const checksum = await entriesChecksum(migrations);
  return `{\n  "version": ${MANIFEST_VERSION},\n  "checksum": "${checksum}",\n  "migrations": ${body}\n}\n`;
}

// internal

/** Folder → its files (hidden ones left out, sorted), for every `<folder>/…` key; loose root files are not folders. */
function groupFolders(keys: string[]): Map<string, string[]> {
  const folders = new Map<string, string[]>();
  for (const key of [...keys].sort(byCodeUnit)) {
    const slash = key.indexOf("/");
    if (slash < 0) continue;
    const folder = key.slice(0, slash);
    const files = folders.get(folder) ?? [];
    const file = key.slice(slash + 1);
    if (!file.split("/").some((part) => part.startsWith("."))) files.push(file);
    folders.set(folder, files);
  }
  return folders;
}

function describesListing(entries: ManifestEntry[], listing: string[]): boolean {
  const folders = groupFolders(listing);
  if (folders.size !== entries.length || new Set(entries.map((entry) => entry.id)).size !== entries.length)
    return false;
  return entries.every((entry) => {
    const files = folders.get(entry.id);
    return files !== undefined && files.join("\n") === entry.files.join("\n");
  });
}

/** The entries of an intact manifest, or `null` for anything else (malformed, another version, a wrong checksum). */
async function parseManifest(text: string): Promise<ManifestEntry[] | null> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A manifest that is not JSON (say, a merge left conflict markers in it) is no manifest.
    return null;
  }
  const manifest = value as { version?: unknown; checksum?: unknown; migrations?: unknown } | null;
  if (typeof manifest !== "object" || manifest === null || manifest.version !== MANIFEST_VERSION) return null;
  const { migrations } = manifest;
  if (!Array.isArray(migrations) || !migrations.every(isEntry)) return null;
  const entries = migrations.map(({ id, checksum, legacyChecksum, files }) => ({
    id,
    checksum,
    legacyChecksum,
    files,
  }));
  return manifest.checksum === (await entriesChecksum(entries)) ? entries : null;
}

function isEntry(value: unknown): value is ManifestEntry {
  const entry = value as Partial<ManifestEntry> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.id === "string" &&
    typeof entry.checksum === "string" &&
    typeof entry.legacyChecksum === "string" &&
    Array.isArray(entry.files) &&
    entry.files.every((file) => typeof file === "string")
  );
}

function entriesChecksum(entries: ManifestEntry[]): Promise<string> {
  return sha256Hex(`viborm-manifest\n${JSON.stringify(entries)}`);
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
