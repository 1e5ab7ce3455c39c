/**
 * A tokenizer for PostgreSQL and MySQL statements, for the migration readers that turn hand-written
 * DDL into operations. It knows each server's quoting and comments and keeps every token's offsets,
 * so a parser can cut raw SQL (defaults, CHECK and WHERE bodies) verbatim. SQLite has its own
 * (`../sqlite/tokenize.ts`), which makes the same tokens.
 *
 * @see https://www.postgresql.org/docs/current/sql-syntax-lexical.html
 * @see https://dev.mysql.com/doc/refman/8.0/en/string-literals.html
 */

/**
 * One token: `word` is a bare identifier or keyword, `identifier` a quoted one, `string` a literal
 * (unescaped), `param` a placeholder (`$1`, `?`); `value` is the unquoted text, `start`/`end`
 * offsets in the SQL.
 */
export interface Token {
  kind: "word" | "identifier" | "string" | "number" | "blob" | "punct" | "operator" | "param";
  value: string;
  start: number;
  end: number;
}

/** The servers {@link tokenizeSql} reads. */
export type TokenFlavour = "postgres" | "mysql";

/**
 * Splits one statement into tokens, dropping whitespace and comments. Throws `SyntaxError` on an
 * unterminated quote or comment.
 *
 * @example tokenizeSql(`ALTER TABLE "a" ADD "b" int`, "postgres").map((t) => t.value) // → ["ALTER", "TABLE", "a", "ADD", "b", "int"]
 */
export function tokenizeSql(sql: string, flavour: TokenFlavour): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const skipped = skipTrivia(sql, i, flavour);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const token = readToken(sql, i, flavour);
    tokens.push(token);
    i = token.end;
  }
  return tokens;
}

/**
 * True when `token` is the bare keyword `keyword` (case-insensitive).
 *
 * @example isWord(tokenizeSql("create", "mysql")[0], "CREATE") // → true
 */
export function isWord(token: Token | undefined, keyword: string): boolean {
  return token?.kind === "word" && token.value.toUpperCase() === keyword;
}

// internal

/** The offset after whitespace or a comment at `i` (`i` itself when there is none). */
function skipTrivia(sql: string, i: number, flavour: TokenFlavour): number {
  const ch = sql[i]!;
  if (/\s/.test(ch)) return i + 1;
  if (sql.startsWith("--", i) || (flavour === "mysql" && ch === "#")) {
    const end = sql.indexOf("\n", i);
    return end === -1 ? sql.length : end + 1;
  }
  if (sql.startsWith("/*", i)) {
    // MySQL's executable comment `/*!50100 … */` holds code the server runs: read its content.
    if (flavour === "mysql" && sql[i + 2] === "!") return i + 3 + (/^\d{5,6}/.exec(sql.slice(i + 3))?.[0].length ?? 0);
    return blockCommentEnd(sql, i, flavour === "postgres");
  }
  if (flavour === "mysql" && sql.startsWith("*/", i)) return i + 2; // the end of an executable comment
  return i;
}

/** PostgreSQL nests block comments; MySQL does not. */
function blockCommentEnd(sql: string, open: number, nested: boolean): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql.startsWith("/*", i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith("*/", i)) {
      depth--;
      i += 2;
      if (depth === 0 || !nested) return i;
    } else {
      i++;
    }
  }
  throw new SyntaxError(`Unterminated /* comment at offset ${open}`);
}

function readToken(sql: string, i: number, flavour: TokenFlavour): Token {
  const ch = sql[i]!;
  const quoted = readQuoted(sql, i, flavour);
  if (quoted) return quoted;
  if (flavour === "postgres" && ch === "$") {
    const param = /^\$\d+/.exec(sql.slice(i, i + 12));
    if (param) return { kind: "param", value: param[0], start: i, end: i + param[0].length };
    const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 66));
    if (tag) {
      const close = sql.indexOf(tag[0], i + tag[0].length);
      if (close === -1) throw new SyntaxError(`Unterminated ${tag[0]} quote at offset ${i}`);
      return { kind: "string", value: sql.slice(i + tag[0].length, close), start: i, end: close + tag[0].length };
    }
  }
  if (ch === "?") return { kind: "param", value: "?", start: i, end: i + 1 };
  const number = /^(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/.exec(sql.slice(i, i + 400));
  if (number) return { kind: "number", value: number[0], start: i, end: i + number[0].length };
  const word = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(sql.slice(i, i + 400));
  if (word) return { kind: "word", value: word[0], start: i, end: i + word[0].length };
  if ("(),;.[]".includes(ch)) return { kind: "punct", value: ch, start: i, end: i + 1 };
  const operator = /^(?:::|<=>|->>|<>|!=|<=|>=|\|\||->|[-+*/%<>=~!@^&|#:])/.exec(sql.slice(i, i + 3));
  const value = operator ? operator[0] : ch;
  return { kind: "operator", value, start: i, end: i + value.length };
}

/** A quoted identifier or string literal starting at `i`, per flavour; `null` when none starts there. */
function readQuoted(sql: string, i: number, flavour: TokenFlavour): Token | null {
  const ch = sql[i]!;
  const next = sql[i + 1];
  if (flavour === "postgres") {
    if ((ch === "E" || ch === "e") && next === "'") return stringToken(sql, i, i + 1, true);
    if ((ch === "X" || ch === "x" || ch === "B" || ch === "b") && next === "'") return blobToken(sql, i);
    if (ch === "'") return stringToken(sql, i, i, false);
    if (ch === '"') return identifierToken(sql, i, '"');
    return null;
  }
  if ((ch === "X" || ch === "x" || ch === "B" || ch === "b") && next === "'") return blobToken(sql, i);
  if (ch === "_" && /^_[a-z0-9]+'/i.test(sql.slice(i, i + 20))) {
    // A charset introducer (`_utf8mb4'text'`) belongs to the literal that follows.
    const quote = sql.indexOf("'", i);
    return { ...stringToken(sql, quote, quote, true), start: i };
  }
  if (ch === "'" || ch === '"') return stringToken(sql, i, i, true, ch);
  if (ch === "`") return identifierToken(sql, i, "`");
  return null;
}

function identifierToken(sql: string, open: number, quote: string): Token {
  const end = closingQuote(sql, open, quote, false);
  return { kind: "identifier", value: sql.slice(open + 1, end - 1).replaceAll(quote + quote, quote), start: open, end };
}

/** A string literal whose quote is at `quoteAt` (after an `E` prefix, `start` is the prefix). */
function stringToken(sql: string, start: number, quoteAt: number, backslashes: boolean, quote = "'"): Token {
  const end = closingQuote(sql, quoteAt, quote, backslashes);
  const body = sql.slice(quoteAt + 1, end - 1);
  const value = backslashes ? unescapeBackslashes(body, quote) : body.replaceAll(quote + quote, quote);
  return { kind: "string", value, start, end };
}

function blobToken(sql: string, start: number): Token {
  const end = closingQuote(sql, start + 1, "'", false);
  return { kind: "blob", value: sql.slice(start + 2, end - 1), start, end };
}

/** The offset just past the quote closing the one at `open`; a doubled quote is an escaped one. */
function closingQuote(sql: string, open: number, quote: string, backslashes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (backslashes && c === "\\") {
      i += 2;
      continue;
    }
    if (c === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i++;
  }
  throw new SyntaxError(`Unterminated ${quote} quote at offset ${open}`);
}

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", "0": "\u0000", Z: "\u001a" };

function unescapeBackslashes(body: string, quote: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\" && i + 1 < body.length) {
      const e = body[++i]!;
      out += ESCAPES[e] ?? e;
    } else if (c === quote && body[i + 1] === quote) {
      out += quote;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
