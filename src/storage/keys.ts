/**
 * The one place storage keys are checked, so every storage driver accepts and refuses the same keys.
 *
 * A key is a relative, `/`-separated file path such as `20261126184000_add-users/up.sql`.
 */
import { InvalidStorageKeyError } from "../errors.js";

/**
 * Throws `INVALID_STORAGE_KEY` unless `key` is a relative, `/`-separated file key.
 *
 * Refused: an empty key, a leading or trailing `/`, an empty, `.` or `..` segment, a backslash,
 * control characters, and `:` and `?` (unstorage reads them as its separator and as a query, so
 * such a key would name another file there), and a trailing `$` (unstorage hides those keys as
 * metadata).
 *
 * @example assertKey("20261126184000_add-users/up.sql"); // passes
 * @example assertKey("../secrets.txt"); // throws InvalidStorageKeyError
 */
export function assertKey(key: string): void {
  const problem = keyProblem(key);
  if (problem) {
    throw new InvalidStorageKeyError(
      `Storage key ${JSON.stringify(key)} is not valid: ${problem}; use a relative key such as "<id>/up.sql".`,
      { key: String(key), problem },
    );
  }
}

/**
 * Throws `INVALID_STORAGE_KEY` unless `prefix` is `""` (everything) or a folder: a valid key
 * followed by `/`, such as `20261126184000_add-users/`.
 *
 * @example assertPrefix("20261126184000_add-users/"); // passes
 * @example assertPrefix("2026"); // throws: a prefix names a folder and ends with "/"
 */
export function assertPrefix(prefix: string): void {
  if (prefix === "") return;
  if (typeof prefix !== "string" || !prefix.endsWith("/")) {
    throw new InvalidStorageKeyError(
      `Storage prefix ${JSON.stringify(prefix)} is not valid: a prefix is "" or a folder ending with "/".`,
      { key: String(prefix), problem: 'a prefix is "" or a folder ending with "/"' },
    );
  }
  const problem = keyProblem(prefix.slice(0, -1));
  if (problem) {
    throw new InvalidStorageKeyError(`Storage prefix ${JSON.stringify(prefix)} is not valid: ${problem}.`, {
      key: prefix,
      problem,
    });
  }
}

/**
 * Whether `key` is a valid storage key (the test {@link assertKey} applies, without throwing).
 *
 * @example isValidKey("a/up.sql") // → true; isValidKey("a\\up.sql") // → false
 */
export function isValidKey(key: string): boolean {
  return keyProblem(key) === undefined;
}

/**
 * `keys` sorted in place by UTF-16 code unit, the order every storage driver's `list` returns:
 * the same in every runtime and locale (unlike `localeCompare`).
 *
 * @example sortKeys(["b/up.sql", "a/up.sql"]) // → ["a/up.sql", "b/up.sql"]
 */
export function sortKeys(keys: string[]): string[] {
  return keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// internal

function keyProblem(key: unknown): string | undefined {
  if (typeof key !== "string") return "a key is a string";
  if (key === "") return "it is empty";
  if (key.startsWith("/")) return 'it starts with "/" (keys are relative)';
  if (key.endsWith("/")) return 'it ends with "/" (a key names a file)';
  if (key.includes("\\")) return 'it contains a backslash (use "/")';
  if (key.includes(":")) return 'it contains ":"';
  if (key.includes("?")) return 'it contains "?"';
  if (hasControlCharacter(key)) return "it contains a control character";
  if (key.endsWith("$")) return 'it ends with "$"';
  for (const segment of key.split("/")) {
    if (segment === "") return 'it contains an empty segment ("//")';
    if (segment === "." || segment === "..") return `it contains a "${segment}" segment`;
  }
  return undefined;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
