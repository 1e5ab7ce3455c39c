/**
 * Migration checksums, reproducible from the stored files (SHA-256 through Web Crypto).
 *
 * The checksum covers every file of the migration's folder, so an edited `migration.json` (the
 * operations `generate` folds the state from) is detected like an edited `up.sql`. Tracking rows
 * written by earlier versions hold the first form, which covered `up.sql` and `down.sql` only; such
 * a row still matches while those two files are unchanged ({@link checksumMatches}), so upgrading
 * never turns an applied migration `modified`.
 */
import { normalizeLineEndings, sha256Hex } from "../util/sha256.js";

/** The two checksums of one migration folder, as computed from its files. */
export interface MigrationChecksums {
  /** Over every file of the folder (what new tracking rows record). */
  checksum: string;
  /** Over `up.sql` and `down.sql` only: the form tracking rows written before held. */
  legacyChecksum: string;
}

/**
 * The checksum of a migration folder: SHA-256 over each file's name and text (line endings
 * normalised), in name order. Hidden files (a name starting with `.`, such as `.DS_Store`) are
 * left out, as the bundle leaves them out, so the same folder checks the same everywhere.
 *
 * @example await folderChecksum({ "up.sql": "…", "down.sql": "…", "migration.json": "…" })
 */
export function folderChecksum(files: Readonly<Record<string, string>>): Promise<string> {
  const names = Object.keys(files)
    .filter((name) => !isHidden(name))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const parts = names.map((name) => {
    const text = normalizeLineEndings(files[name]!);
    // Length-prefixed, so no choice of names and contents can make two folders hash alike.
    return `${name.length}:${name}\n${text.length}:${text}\n`;
  });
  return sha256Hex(`viborm-migration-folder\n${parts.join("")}`);
}

/**
 * The first checksum form: SHA-256 of `up.sql` and `down.sql` only. Kept to recognise tracking
 * rows written by earlier versions.
 *
 * @example await legacyChecksum("CREATE TABLE a (x int);\n", "DROP TABLE a;\n")
 */
export function legacyChecksum(up: string, down: string): Promise<string> {
  return sha256Hex(`${up}\n-- viborm:down\n${down}`);
}

/** Both checksums of a folder. */
export async function migrationChecksums(files: Readonly<Record<string, string>>): Promise<MigrationChecksums> {
  const [checksum, legacy] = await Promise.all([
    folderChecksum(files),
    legacyChecksum(files["up.sql"] ?? "", files["down.sql"] ?? ""),
  ]);
  return { checksum, legacyChecksum: legacy };
}

/**
 * True when a tracking row's checksum matches the folder as stored now. A row written by an
 * earlier version holds the legacy form; a recorded whole-folder checksum can equal a legacy one
 * only by a SHA-256 collision, so accepting either never hides an edit the row's form covers.
 *
 * @example checksumMatches(record.checksum, stored.migration) // false once any file changed
 */
export function checksumMatches(recorded: string, current: MigrationChecksums): boolean {
  return recorded === current.checksum || recorded === current.legacyChecksum;
}

// internal

function isHidden(name: string): boolean {
  return name.split("/").some((part) => part.startsWith("."));
}
