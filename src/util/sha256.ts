/**
 * SHA-256 of text through Web Crypto, so checksums are computed the same way in Node and in a Worker.
 */

/**
 * The lowercase hex SHA-256 of `text` as UTF-8, after normalising line endings (CRLF and lone CR
 * become LF).
 *
 * Line endings are normalised first so that a checkout that rewrote `up.sql` with CRLF (Git's
 * `core.autocrlf` on Windows) does not look like a modified migration; every other byte counts.
 *
 * @example await sha256Hex("abc") // → "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(normalizeLineEndings(text));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  let hex = "";
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/**
 * `text` with every CRLF and lone CR turned into LF: the form {@link sha256Hex} hashes.
 *
 * @example normalizeLineEndings("a\r\nb\rc") // → "a\nb\nc"
 */
export function normalizeLineEndings(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}
