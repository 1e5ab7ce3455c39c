/**
 * A small SQLite tokenizer for the CREATE TABLE / CREATE INDEX text stored in `sqlite_master`.
 * It knows SQLite's quoting (`"we""ird"`, `[x]`, `` `x` ``, `'it''s'`, `X'00'`) and skips comments,
 * and keeps each token's offsets so callers can cut raw SQL (defaults, CHECK and WHERE bodies) verbatim.
 *
 * @see https://www.sqlite.org/lang_keywords.html (the four identifier quotings)
 */

import type { Token } from "../parse/tokens.js";

/** The token shape every dialect's parser shares (SQLite never makes a `param` token). */
export type { Token } from "../parse/tokens.js";
/** True when a token is the bare keyword given (case-insensitive). */
export { isWord } from "../parse/tokens.js";

/**
 * Splits SQL into tokens, dropping whitespace and comments. Throws on an unterminated quote.
 *
 * @example tokenize(`"a" IN ('x')`).map((t) => t.value) // → ["a", "IN", "(", "x", ")"]
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (sql.startsWith("--", i)) {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith("/*", i)) {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else {
      const token = readToken(sql, i);
      tokens.push(token);
      i = token.end;
    }
  }
  return tokens;
}

// internal

function readToken(sql: string, i: number): Token {
  const ch = sql[i]!;
  if ((ch === "x" || ch === "X") && sql[i + 1] === "'") {
    const end = closingQuote(sql, i + 1, "'");
    return { kind: "blob", value: sql.slice(i + 2, end - 1), start: i, end };
  }
  if (ch === "'") {
    const end = closingQuote(sql, i, "'");
    return { kind: "string", value: sql.slice(i + 1, end - 1).replaceAll("''", "'"), start: i, end };
  }
  if (ch === '"' || ch === "`") {
    const end = closingQuote(sql, i, ch);
    return { kind: "identifier", value: sql.slice(i + 1, end - 1).replaceAll(ch + ch, ch), start: i, end };
  }
  if (ch === "[") {
    const close = sql.indexOf("]", i + 1);
    if (close === -1) throw new SyntaxError(`Unterminated [identifier] at offset ${i}`);
    return { kind: "identifier", value: sql.slice(i + 1, close), start: i, end: close + 1 };
  }
  const number = /^(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/.exec(sql.slice(i, i + 400));
  if (number) return { kind: "number", value: number[0], start: i, end: i + number[0].length };
  const word = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(sql.slice(i, i + 400));
  if (word) return { kind: "word", value: word[0], start: i, end: i + word[0].length };
  if ("(),;.".includes(ch)) return { kind: "punct", value: ch, start: i, end: i + 1 };
  const two = sql.slice(i, i + 2);
  const op = ["||", "<<", ">>", "<=", ">=", "==", "!=", "<>", "->"].includes(two) ? two : ch;
  const end = op === "->" && sql[i + 2] === ">" ? i + 3 : i + op.length;
  return { kind: "operator", value: sql.slice(i, end), start: i, end };
}

/** The offset just past the quote closing the one at `open`; a doubled quote is an escaped one. */
function closingQuote(sql: string, open: number, quote: string): number {
  let i = open + 1;
  for (;;) {
    const next = sql.indexOf(quote, i);
    if (next === -1) throw new SyntaxError(`Unterminated ${quote} quote at offset ${open}`);
    if (sql[next + 1] === quote) {
      i = next + 2;
      continue;
    }
    return next + 1;
  }
}
