import { sha256Hex } from "../util/sha256.js";

/**
 * A migration's checksum: SHA-256 of its `up.sql` and `down.sql` as stored (line endings
 * normalised), so it is reproducible from the files and any later edit to them is detected.
 */
export function migrationChecksum(up: string, down: string): Promise<string> {
  return sha256Hex(`${up}\n-- viborm:down\n${down}`);
}
