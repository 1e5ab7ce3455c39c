/**
 * A cursor over SQL tokens for the DDL parsers (SQLite introspection, every dialect's migration reader): keyword matching, names,
 * parenthesised groups (nested), comma-separated lists, and verbatim text between tokens.
 */
import { isWord, type Token } from "./tokens.js";

/** A position in the token list, bounded to one range (a statement, or one element of a list). */
export interface Cursor {
  peek(offset?: number): Token | undefined;
  next(): Token | undefined;
  done(): boolean;
  position(): number;
  end(): number;
  fail(expected: string): never;
  acceptWord(word: string): boolean;
  expectWord(...words: string[]): void;
  expectPunct(value: string): number;
  name(): string;
  /** `schema.name` or `name`; the schema is dropped (introspection reads one database). */
  qualifiedName(): string;
  /** The index of the token closing the group opened at `open`. */
  closeOf(open: number): number;
  /** Skips a parenthesised group starting at the cursor. */
  skipGroup(): void;
  /** The text inside the parenthesised group at the cursor, verbatim; moves past it. */
  groupText(): string;
  /** Top-level comma-separated ranges of the group opened at `open`; moves past the group. */
  splitGroup(open: number): [number, number][];
  /** A parenthesised list, each element read by `read` on its own range. */
  nameList(read: (element: Cursor) => string): string[];
  sub(start: number, end: number): Cursor;
  text(start: number, end: number): string;
  /** The verbatim text from the cursor to the end (a trailing `;` dropped). */
  rest(): string;
}

/**
 * A cursor over `tokens[from..to)` of `sql`.
 *
 * @example createCursor(sql, tokenize(sql)).acceptWord("CREATE")
 */
export function createCursor(sql: string, tokens: Token[], from = 0, to = tokens.length): Cursor {
  let i = from;
  const cursor: Cursor = {
    peek: (offset = 0): Token | undefined => (i + offset < to ? tokens[i + offset] : undefined),
    next: (): Token | undefined => (i < to ? tokens[i++] : undefined),
    done: () => i >= to,
    position: () => i,
    end: () => to,
    fail(expected: string): never {
      const token = cursor.peek();
      throw new SyntaxError(`Expected ${expected} at ${token ? `"${token.value}"` : "the end"} in: ${sql}`);
    },
    acceptWord(word: string): boolean {
      if (!isWord(cursor.peek(), word)) return false;
      i++;
      return true;
    },
    expectWord(...words: string[]): void {
      for (const word of words) if (!cursor.acceptWord(word)) cursor.fail(word);
    },
    expectPunct(value: string): number {
      if (cursor.peek()?.value !== value || cursor.peek()?.kind !== "punct") cursor.fail(`"${value}"`);
      return i++;
    },
    name(): string {
      const token = cursor.peek();
      if (!token || (token.kind !== "word" && token.kind !== "identifier" && token.kind !== "string")) {
        return cursor.fail("a name");
      }
      i++;
      return token.value;
    },
    qualifiedName(): string {
      const first = cursor.name();
      if (cursor.peek()?.value !== ".") return first;
      i++;
      return cursor.name();
    },
    closeOf: (open: number): number => closingParen(tokens, open, to) ?? cursor.fail('")"'),
    skipGroup(): void {
      if (cursor.peek()?.value !== "(") cursor.fail('"("');
      i = cursor.closeOf(i) + 1;
    },
    groupText(): string {
      const open = cursor.expectPunct("(");
      const close = cursor.closeOf(open);
      i = close + 1;
      return open + 1 === close ? "" : sql.slice(tokens[open + 1]!.start, tokens[close - 1]!.end);
    },
    splitGroup(open: number): [number, number][] {
      const close = cursor.closeOf(open);
      i = close + 1;
      return topLevelRanges(tokens, open, close);
    },
    nameList(read: (element: Cursor) => string): string[] {
      if (cursor.peek()?.value !== "(") cursor.fail('"("');
      return cursor.splitGroup(i).map(([start, end]) => read(cursor.sub(start, end)));
    },
    sub: (start: number, end: number) => createCursor(sql, tokens, start, end),
    text: (start: number, end: number) => (start >= end ? "" : sql.slice(tokens[start]!.start, tokens[end - 1]!.end)),
    rest(): string {
      const last = tokens[to - 1]?.value === ";" ? to - 1 : to;
      const text = cursor.text(i, last);
      i = to;
      return text;
    },
  };
  return cursor;
}

// internal

function punct(token: Token): string {
  return token.kind === "punct" ? token.value : "";
}

/** The index of the `)` closing the `(` at `open`, or `undefined` when it is not closed before `to`. */
function closingParen(tokens: Token[], open: number, to: number): number | undefined {
  let depth = 0;
  for (let j = open; j < to; j++) {
    const value = punct(tokens[j]!);
    if (value === "(") depth++;
    if (value === ")" && --depth === 0) return j;
  }
  return undefined;
}

/** The `[start, end)` token ranges between top-level commas inside the group `(open … close)`. */
function topLevelRanges(tokens: Token[], open: number, close: number): [number, number][] {
  const ranges: [number, number][] = [];
  let start = open + 1;
  let depth = 0;
  for (let j = open + 1; j < close; j++) {
    const value = punct(tokens[j]!);
    if (value === "(") depth++;
    if (value === ")") depth--;
    if (value === "," && depth === 0) {
      ranges.push([start, j]);
      start = j + 1;
    }
  }
  if (start < close) ranges.push([start, close]);
  return ranges;
}
