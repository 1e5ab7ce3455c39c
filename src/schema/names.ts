/**
 * Deterministic names for what the schema does not name itself: constraints, indexes, enum types,
 * junction tables and their columns.
 *
 * Every generated name fits the shortest identifier limit of the three dialects (PostgreSQL: 63
 * bytes; MySQL: 64 characters; SQLite: none). A longer name keeps a prefix and ends in `_` plus
 * 8 hex digits of a hash of the whole name, so two long names sharing a prefix stay distinct and
 * the same input always gives the same name.
 */

/** The longest identifier, in UTF-8 bytes, every supported database accepts (PostgreSQL's NAMEDATALEN - 1). */
export const MAX_IDENTIFIER_LENGTH = 63;

/**
 * FNV-1a, 32-bit, over the UTF-8 bytes of `text`: small, synchronous and the same everywhere.
 * Not for security; only to tell long names apart.
 *
 * @example fnv1a32("users_email_key") // → an unsigned 32-bit integer
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of ENCODER.encode(text)) {
    hash ^= byte;
    // Math.imul multiplies modulo 2^32, as the 32-bit FNV prime product must.
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * `name` itself when it fits `max` UTF-8 bytes; otherwise the longest prefix that leaves room for
 * `_` and 8 hex digits of {@link fnv1a32} of the full name (never cutting a character in two).
 *
 * @example shortenIdentifier("a".repeat(80)) // → "aaa…a_1b2c3d4e" (63 bytes)
 */
export function shortenIdentifier(name: string, max = MAX_IDENTIFIER_LENGTH): string {
  if (byteLength(name) <= max) return name;
  const suffix = `_${fnv1a32(name).toString(16).padStart(8, "0")}`;
  let prefix = "";
  let bytes = 0;
  for (const char of name) {
    const size = byteLength(char);
    if (bytes + size > max - suffix.length) break;
    prefix += char;
    bytes += size;
  }
  return prefix + suffix;
}

/** Byte length of `text` in UTF-8, the unit PostgreSQL's limit counts. */
export function byteLength(text: string): number {
  return ENCODER.encode(text).length;
}

/** Suffixes of generated constraint names, as PostgreSQL itself names them. */
export type ConstraintSuffix = "key" | "idx" | "fkey";

/**
 * `<table>_<col1>_<col2>_<suffix>`, shortened to the identifier limit.
 *
 * @example constraintName("users", ["role", "createdAt"], "idx") // → "users_role_createdAt_idx"
 */
export function constraintName(table: string, columns: readonly string[], suffix: ConstraintSuffix): string {
  return shortenIdentifier([table, ...columns, suffix].join("_"));
}

/**
 * The default enum type name of a column: `<table>_<column>`, shortened to the identifier limit.
 *
 * @example enumTypeName("users", "role") // → "users_role"
 */
export function enumTypeName(table: string, column: string): string {
  return shortenIdentifier(`${table}_${column}`);
}

/**
 * The default junction table name of a many-to-many relation: both table names sorted and joined
 * by `_`, shortened to the identifier limit.
 *
 * @example junctionTableName("tag", "post") // → "post_tag"
 */
export function junctionTableName(tableA: string, tableB: string): string {
  return shortenIdentifier([tableA, tableB].sort(compareStrings).join("_"));
}

/** Code-unit order, the same in every locale (unlike `localeCompare`). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// internal

const ENCODER = new TextEncoder();
