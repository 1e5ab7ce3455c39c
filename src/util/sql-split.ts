/**
 * Splits a SQL script (`up.sql`, `down.sql`) into statements at its top-level statement ends, the
 * way each database's own command-line client reads a file, so hand-written files need no marker
 * lines.
 */

/**
 * The SQL flavours {@link splitSqlStatements} knows (the dialect names of `src/dialects`).
 *
 * @example const dialect: SqlDialect = "postgres";
 */
export type SqlDialect = "postgres" | "mysql" | "sqlite";

/**
 * The statements of `sql`, in order, each trimmed and without its closing `;`.
 *
 * A statement ends at a `;` outside quotes, comments and parentheses. What that leaves out, per dialect:
 * - strings `'…'` (`''` escapes; backslash escapes in MySQL and in PostgreSQL `E'…'`), quoted names
 *   `"…"`, `` `…` `` (MySQL, SQLite) and `[…]` (SQLite);
 * - `--` and `/* … *\/` comments (nested in PostgreSQL), `#` comments in MySQL, whose `/*! … *\/`
 *   executable comments count as code;
 * - PostgreSQL dollar quotes (`$$…$$`, `$tag$…$tag$`);
 * - compound bodies: `BEGIN … END` (with `CASE … END` inside) of `CREATE TRIGGER` (SQLite, MySQL),
 *   `CREATE PROCEDURE` / `FUNCTION` / `EVENT` (MySQL) and `BEGIN ATOMIC` functions (PostgreSQL);
 * - MySQL client `DELIMITER //` lines, which switch the statement end until `DELIMITER ;`.
 *
 * Comments before a statement are not part of it, and a chunk holding only comments and whitespace
 * is not a statement, so `-- note` lines and a trailing comment never reach the database alone.
 *
 * @example splitSqlStatements("CREATE TABLE a (x int);\n-- seed\nINSERT INTO a VALUES (1);", "sqlite")
 * // → ["CREATE TABLE a (x int)", "INSERT INTO a VALUES (1)"]
 */
export function splitSqlStatements(sql: string, dialect: SqlDialect): string[] {
  return splitSqlStatementsAt(sql, dialect).map((statement) => statement.sql);
}

/**
 * {@link splitSqlStatements} with where each statement starts in `sql`, so a caller can read the
 * comment lines just above it (lint's `-- viborm:nolint CODE`).
 *
 * @example splitSqlStatementsAt("-- x\nSELECT 1;", "sqlite") // → [{ sql: "SELECT 1", start: 5 }]
 */
export function splitSqlStatementsAt(sql: string, dialect: SqlDialect): { sql: string; start: number }[] {
  const state: SplitState = {
    sql,
    dialect,
    out: [],
    i: 0,
    codeStart: -1,
    delimiter: ";",
    parens: 0,
    depth: 0,
    head: [],
    kind: "unknown",
    last: "",
    inExecComment: false,
  };
  while (state.i < sql.length) step(state);
  endStatement(state, sql.length);
  return state.out;
}

// internal

interface SplitState {
  readonly sql: string;
  readonly dialect: SqlDialect;
  readonly out: { sql: string; start: number }[];
  /** The scan position, always at a token boundary between steps. */
  i: number;
  /** Where the current statement's first code token starts; -1 while it has none yet. */
  codeStart: number;
  delimiter: string;
  parens: number;
  /** `BEGIN`/`CASE` … `END` nesting, counted only in statements that can hold a compound body. */
  depth: number;
  /** The statement's first tokens (words upper-cased), kept until its kind is known. */
  head: string[];
  kind: "unknown" | "block" | "plain";
  /** The previous code token, so `new.end` is read as a name, not as `END`. */
  last: string;
  /** Inside a MySQL executable comment (`/*! … *\/`), whose content the server runs. */
  inExecComment: boolean;
}

/** Statement kinds whose body may be a `BEGIN … END` block holding `;`. */
const BLOCK_KINDS: Record<SqlDialect, ReadonlySet<string>> = {
  postgres: new Set(["FUNCTION", "PROCEDURE"]),
  mysql: new Set(["TRIGGER", "PROCEDURE", "FUNCTION", "EVENT"]),
  sqlite: new Set(["TRIGGER"]),
};

/** Words allowed between `CREATE` and the object kind (`CREATE OR REPLACE TEMP TRIGGER`). */
const CREATE_MODIFIERS: ReadonlySet<string> = new Set(["OR", "REPLACE", "TEMP", "TEMPORARY", "AGGREGATE"]);

/** `END IF` / `END LOOP` / MariaDB's `END FOR` … close statements that were never counted as openers. */
const END_SUFFIXES: ReadonlySet<string> = new Set(["IF", "LOOP", "WHILE", "REPEAT", "FOR"]);

const DELIMITER_DIRECTIVE = /delimiter[ \t]+(\S+)[^\n]*/iy;
const EXEC_COMMENT_OPENER = /\/\*M?!\d*/y;

function step(s: SplitState): void {
  if (s.dialect === "mysql" && s.codeStart < 0 && readDelimiterDirective(s)) return;
  if (atDelimiter(s)) {
    endStatement(s, s.i);
    s.i += s.delimiter.length;
    return;
  }
  const afterTrivia = triviaEnd(s.sql, s.i, s.dialect);
  if (afterTrivia > s.i) {
    s.i = afterTrivia;
    return;
  }
  if (s.codeStart < 0) s.codeStart = s.i;
  readCode(s);
}

/** A MySQL client `DELIMITER x` line, honoured only where a statement could start. */
function readDelimiterDirective(s: SplitState): boolean {
  if (!atLineStart(s.sql, s.i)) return false;
  DELIMITER_DIRECTIVE.lastIndex = s.i;
  const match = DELIMITER_DIRECTIVE.exec(s.sql);
  if (!match) return false;
  s.delimiter = match[1]!;
  s.i = DELIMITER_DIRECTIVE.lastIndex;
  return true;
}

function atDelimiter(s: SplitState): boolean {
  if (s.inExecComment) return false;
  // A custom delimiter ends a statement wherever it appears outside quotes and comments, as in
  // the mysql client; only `;` must also sit outside parentheses and compound bodies.
  if (s.delimiter !== ";") return s.sql.startsWith(s.delimiter, s.i);
  return s.sql[s.i] === ";" && s.parens <= 0 && s.depth <= 0;
}

function endStatement(s: SplitState, end: number): void {
  if (s.codeStart >= 0) {
    const statement = s.sql.slice(s.codeStart, end).trim();
    if (statement) s.out.push({ sql: statement, start: s.codeStart });
  }
  s.codeStart = -1;
  s.parens = 0;
  s.depth = 0;
  s.head = [];
  s.kind = "unknown";
  s.last = "";
  s.inExecComment = false;
}

/** Reads one code token at `s.i`: a quoted run, a word, an executable-comment edge or one character. */
function readCode(s: SplitState): void {
  const { sql, i, dialect } = s;
  const c = sql[i]!;
  const dollarEnd = c === "$" && dialect === "postgres" ? dollarQuoteEnd(sql, i) : -1;
  if (s.inExecComment && c === "*" && sql[i + 1] === "/") {
    s.inExecComment = false;
    s.i = i + 2;
  } else if (c === "/" && sql[i + 1] === "*") {
    // Only a MySQL executable comment gets here (triviaEnd skips every other comment); its
    // content is code: `/*!50003 CREATE*/ /*!50003 TRIGGER …*/`.
    s.inExecComment = true;
    EXEC_COMMENT_OPENER.lastIndex = i;
    s.i = EXEC_COMMENT_OPENER.exec(sql) ? EXEC_COMMENT_OPENER.lastIndex : i + 2;
  } else if (isQuote(c, dialect)) {
    s.i = quotedEnd(sql, i, dialect);
    noteToken(s, c);
  } else if (dollarEnd > i) {
    s.i = dollarEnd;
    noteToken(s, c);
  } else if (isWordStart(c)) {
    readWord(s);
  } else {
    if (c === "(") s.parens++;
    else if (c === ")") s.parens--;
    s.i = i + 1;
    noteToken(s, c);
  }
}

function readWord(s: SplitState): void {
  const start = s.i;
  let end = start + 1;
  while (end < s.sql.length && isWordChar(s.sql[end])) end++;
  const word = s.sql.slice(start, end).toUpperCase();
  const qualified = s.last === ".";
  s.i = end;
  noteToken(s, word);
  if (s.kind === "block" && !qualified) trackBlock(s, word);
}

/** Counts compound-body nesting so the `;` inside `BEGIN … END` stays in the statement. */
function trackBlock(s: SplitState, word: string): void {
  if (word === "BEGIN" || word === "CASE") {
    s.depth++;
    return;
  }
  if (word !== "END") return;
  const next = peekWord(s.sql, s.i, s.dialect);
  if (next && END_SUFFIXES.has(next.word)) return;
  s.depth = Math.max(0, s.depth - 1);
  // `END CASE` closes the CASE statement it names; its CASE must not open a new one.
  if (next?.word === "CASE") s.i = next.end;
}

function noteToken(s: SplitState, token: string): void {
  s.last = token;
  if (s.kind !== "unknown") return;
  s.head.push(token);
  s.kind = classify(s.head, s.dialect);
}

/** Whether the statement starting with `head` can hold a compound body ("unknown": need more tokens). */
function classify(head: readonly string[], dialect: SqlDialect): SplitState["kind"] {
  if (head[0] !== "CREATE") return "plain";
  let k = 1;
  while (k < head.length) {
    const token = head[k]!;
    if (BLOCK_KINDS[dialect].has(token)) return "block";
    if (CREATE_MODIFIERS.has(token)) {
      k++;
      continue;
    }
    if (token !== "DEFINER" || dialect !== "mysql") return "plain";
    const after = definerEnd(head, k + 1);
    if (after === undefined) return "unknown";
    k = after;
  }
  return "unknown";
}

/** The index after a MySQL `DEFINER = user[@host][()]` clause starting at `k` (at its `=`). */
function definerEnd(head: readonly string[], k: number): number | undefined {
  if (head.length <= k) return undefined;
  if (head[k] !== "=") return k;
  let j = k + 2;
  if (head.length <= j) return undefined;
  if (head[j] === "@") j += 2;
  if (head.length <= j) return undefined;
  if (head[j] === "(") j += 2;
  return j;
}

/** The index after the whitespace and comments starting at `i` (`i` itself when there are none). */
function triviaEnd(sql: string, i: number, dialect: SqlDialect): number {
  let j = i;
  for (;;) {
    const c = sql[j];
    if (c === undefined) return j;
    if (isSpace(c)) j++;
    else if (c === "-" && sql[j + 1] === "-" && (dialect !== "mysql" || isMysqlDashEnd(sql[j + 2]))) {
      j = lineEnd(sql, j);
    } else if (c === "#" && dialect === "mysql") j = lineEnd(sql, j);
    else if (c === "/" && sql[j + 1] === "*" && !isExecComment(sql, j, dialect)) {
      j = blockCommentEnd(sql, j, dialect === "postgres");
    } else return j;
  }
}

function peekWord(sql: string, i: number, dialect: SqlDialect): { word: string; end: number } | undefined {
  const start = triviaEnd(sql, i, dialect);
  if (!isWordStart(sql[start])) return undefined;
  let end = start + 1;
  while (end < sql.length && isWordChar(sql[end])) end++;
  return { word: sql.slice(start, end).toUpperCase(), end };
}

function quotedEnd(sql: string, start: number, dialect: SqlDialect): number {
  const open = sql[start];
  const close = open === "[" ? "]" : open;
  const backslash =
    (dialect === "mysql" && open !== "`") ||
    (dialect === "postgres" && open === "'" && /[Ee]/.test(sql[start - 1] ?? "") && !isWordChar(sql[start - 2]));
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (backslash && c === "\\") j += 2;
    else if (c !== close) j++;
    else if (close !== "]" && sql[j + 1] === close) j += 2;
    else return j + 1;
  }
  return sql.length;
}

/** The index after a PostgreSQL dollar-quoted string at `start`, or -1 when `$` starts none (`$1`). */
function dollarQuoteEnd(sql: string, start: number): number {
  if (isWordChar(sql[start - 1])) return -1;
  const opener = /\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;
  opener.lastIndex = start;
  const match = opener.exec(sql);
  if (!match) return -1;
  const tag = match[0];
  const close = sql.indexOf(tag, start + tag.length);
  return close < 0 ? sql.length : close + tag.length;
}

function blockCommentEnd(sql: string, start: number, nested: boolean): number {
  let depth = 1;
  let j = start + 2;
  while (j < sql.length) {
    if (sql[j] === "*" && sql[j + 1] === "/") {
      j += 2;
      if (--depth === 0) return j;
    } else if (nested && sql[j] === "/" && sql[j + 1] === "*") {
      j += 2;
      depth++;
    } else j++;
  }
  return sql.length;
}

function lineEnd(sql: string, i: number): number {
  const newline = sql.indexOf("\n", i);
  return newline < 0 ? sql.length : newline;
}

function atLineStart(sql: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (sql[j] === " " || sql[j] === "\t")) j--;
  return j < 0 || sql[j] === "\n" || sql[j] === "\r";
}

/** MySQL's `--` starts a comment only when followed by whitespace, a control character or the end. */
function isMysqlDashEnd(c: string | undefined): boolean {
  return c === undefined || c <= " ";
}

function isExecComment(sql: string, i: number, dialect: SqlDialect): boolean {
  return dialect === "mysql" && (sql[i + 2] === "!" || (sql[i + 2] === "M" && sql[i + 3] === "!"));
}

function isQuote(c: string, dialect: SqlDialect): boolean {
  if (c === "'" || c === '"') return true;
  if (c === "`") return dialect !== "postgres";
  return c === "[" && dialect === "sqlite";
}

function isSpace(c: string): boolean {
  return c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f" || c === "\v";
}

function isWordStart(c: string | undefined): boolean {
  return c !== undefined && (/[A-Za-z_]/.test(c) || c.charCodeAt(0) >= 0x80);
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && (/[\w$]/.test(c) || c.charCodeAt(0) >= 0x80);
}
