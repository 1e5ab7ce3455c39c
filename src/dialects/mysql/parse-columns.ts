/**
 * Column, key and table definitions of hand-written MySQL/MariaDB DDL, read into snapshot shapes
 * through the introspection reader: each definition becomes the information_schema rows the server
 * would show for it (types as `COLUMN_TYPE` spells them, defaults as MariaDB's `COLUMN_DEFAULT`
 * spells them), and `readMysqlSchema` turns them into columns and keys. So a hand-written column
 * reads exactly as introspection will read it.
 *
 * @see https://dev.mysql.com/doc/refman/8.0/en/create-table.html
 */

import type { IndexColumnOptions } from "../../schema/snapshot.js";
import type { Cursor } from "../parse/cursor.js";
import { unreadable } from "../parse/resolve.js";
import { isWord, type Token, tokenizeSql } from "../parse/tokens.js";
import { quoteMysqlStringLiteral } from "../quote.js";

/** One column definition, as the catalog would describe it. */
export interface WrittenColumn {
  name: string;
  dataType: string;
  columnType: string;
  nullable: boolean;
  /** As MariaDB's `COLUMN_DEFAULT` spells it (`'text'`, `0`, `current_timestamp(3)`), or null. */
  defaultRaw: string | null;
  autoIncrement: boolean;
  primaryKey: boolean;
  unique: boolean;
  /** A column-level `CHECK (…)`: MariaDB names it after the column. */
  check?: string;
  /** `[GENERATED ALWAYS] AS (expression) [VIRTUAL | STORED | PERSISTENT]`. */
  generated?: { expression: string; stored: boolean };
}

/** A key or CHECK constraint of a table being defined or altered. */
export interface WrittenKey {
  kind: "primary" | "unique" | "index" | "fulltext" | "spatial" | "foreign" | "check";
  name?: string;
  columns: string[];
  /** Per-column order and prefix length, as `b(10) DESC` writes them. */
  options?: Record<string, IndexColumnOptions>;
  references?: { table: string; columns: string[]; onDelete: string; onUpdate: string };
  /** A CHECK's expression, as written. */
  expression?: string;
  /** A CHECK written in this column's definition (MariaDB names it after the column). */
  column?: string;
}

/** Tokenises MySQL text. */
export function tokens(sql: string): Token[] {
  return tokenizeSql(sql, "mysql");
}

const COLUMN_WORDS = new Set([
  "NOT",
  "NULL",
  "DEFAULT",
  "AUTO_INCREMENT",
  "UNIQUE",
  "PRIMARY",
  "KEY",
  "COMMENT",
  "COLLATE",
  "CHECK",
  "REFERENCES",
  "ON",
  "GENERATED",
  "AS",
  "INVISIBLE",
  "VISIBLE",
  "COLUMN_FORMAT",
  "STORAGE",
  "CONSTRAINT",
  "CHARACTER",
  "CHARSET",
  "SRID",
  "FIRST",
  "AFTER",
]);

/** True when the range starts a key or constraint rather than a column. */
export function isKeyDefinition(cursor: Cursor): boolean {
  const token = cursor.peek();
  return ["CONSTRAINT", "PRIMARY", "UNIQUE", "INDEX", "KEY", "FULLTEXT", "SPATIAL", "FOREIGN", "CHECK"].some((word) =>
    isWord(token, word),
  );
}

/** Reads `name type [attributes…]`; stops before `FIRST` / `AFTER col`. */
export function readColumn(cursor: Cursor): WrittenColumn {
  const name = cursor.name();
  const typeStart = cursor.position();
  while (!cursor.done() && !(cursor.peek()!.kind === "word" && COLUMN_WORDS.has(cursor.peek()!.value.toUpperCase()))) {
    if (cursor.peek()!.value === "(") cursor.skipGroup();
    else cursor.next();
  }
  const column: WrittenColumn = {
    name,
    ...catalogType(cursor.text(typeStart, cursor.position())),
    nullable: true,
    defaultRaw: null,
    autoIncrement: false,
    primaryKey: false,
    unique: false,
  };
  if (column.dataType === "serial") Object.assign(column, SERIAL);
  while (!cursor.done() && !isWord(cursor.peek(), "FIRST") && !isWord(cursor.peek(), "AFTER"))
    readAttribute(cursor, column);
  return column;
}

/** Reads a key or constraint definition (CREATE TABLE element, or after `ADD`). */
export function readKey(cursor: Cursor): WrittenKey {
  const constraint = cursor.acceptWord("CONSTRAINT") && !isKeyword(cursor.peek()) ? cursor.name() : undefined;
  const named = (name: string | undefined) => (name === undefined ? {} : { name });
  if (cursor.acceptWord("PRIMARY")) {
    cursor.expectWord("KEY");
    return { kind: "primary", ...keyColumns(cursor) };
  }
  if (cursor.acceptWord("FOREIGN")) {
    cursor.expectWord("KEY");
    const name = cursor.peek()?.value === "(" ? undefined : cursor.name();
    const { columns } = keyColumns(cursor);
    cursor.expectWord("REFERENCES");
    return { kind: "foreign", ...named(constraint ?? name), columns, references: readReference(cursor) };
  }
  if (cursor.acceptWord("CHECK")) {
    const expression = cursor.groupText();
    // MySQL 8's `[NOT] ENFORCED`: an unenforced check is still the same declared check.
    cursor.acceptWord("NOT");
    cursor.acceptWord("ENFORCED");
    return { kind: "check", ...named(constraint), columns: [], expression };
  }
  let kind: WrittenKey["kind"] = "index";
  if (cursor.acceptWord("UNIQUE")) kind = "unique";
  else if (cursor.acceptWord("FULLTEXT")) kind = "fulltext";
  else if (cursor.acceptWord("SPATIAL")) kind = "spatial";
  cursor.acceptWord("INDEX") || cursor.acceptWord("KEY");
  const name = cursor.peek()?.value === "(" || isWord(cursor.peek(), "USING") ? undefined : cursor.name();
  if (cursor.acceptWord("USING")) cursor.next();
  const columns = keyColumns(cursor);
  skipIndexOptions(cursor);
  return { kind, ...named(name ?? constraint), ...columns };
}

// internal

const SERIAL: Partial<WrittenColumn> = {
  dataType: "bigint",
  columnType: "bigint(20) unsigned",
  nullable: false,
  autoIncrement: true,
  unique: true,
};

const ALIASES: Record<string, string> = {
  integer: "int",
  bool: "tinyint",
  boolean: "tinyint",
  dec: "decimal",
  numeric: "decimal",
  fixed: "decimal",
  real: "double",
  "double precision": "double",
  character: "char",
};

/** `DATA_TYPE` and `COLUMN_TYPE` for a written type (charset and collation dropped). */
export function catalogType(text: string): { dataType: string; columnType: string } {
  const written = text.replace(/\s+/g, " ").trim();
  if (written === "") return unreadable("a column has no type");
  const base = (/^[a-z]+(?: precision)?/i.exec(written)?.[0] ?? written).toLowerCase();
  const dataType = ALIASES[base] ?? base;
  if (base === "bool" || base === "boolean") return { dataType, columnType: "tinyint(1)" };
  const rest = written.slice(base.length);
  // ENUM and SET values keep their case; everything else is lower-cased as the catalog shows it.
  const columnType =
    dataType === "enum" || dataType === "set" ? `${dataType}${rest}` : `${dataType}${rest.toLowerCase()}`;
  return {
    dataType,
    columnType: columnType
      .replace(/\s*\(\s*/g, "(")
      .replace(/\s*,\s*/g, ",")
      .trim(),
  };
}

function readAttribute(cursor: Cursor, column: WrittenColumn): void {
  if (cursor.acceptWord("NOT")) {
    cursor.expectWord("NULL");
    column.nullable = false;
  } else if (cursor.acceptWord("NULL")) {
    column.nullable = true;
  } else if (cursor.acceptWord("DEFAULT")) {
    column.defaultRaw = readDefault(cursor);
  } else if (cursor.acceptWord("AUTO_INCREMENT")) {
    column.autoIncrement = true;
  } else if (cursor.acceptWord("UNIQUE")) {
    cursor.acceptWord("KEY");
    column.unique = true;
  } else if (cursor.acceptWord("PRIMARY") || isWord(cursor.peek(), "KEY")) {
    cursor.acceptWord("KEY");
    column.primaryKey = true;
    column.nullable = false;
  } else if (cursor.acceptWord("COMMENT")) {
    cursor.next();
  } else if (cursor.acceptWord("COLLATE") || cursor.acceptWord("CHARSET")) {
    cursor.acceptWord("=") || (cursor.peek()?.value === "=" && cursor.next());
    cursor.next();
  } else if (cursor.acceptWord("CHARACTER")) {
    cursor.expectWord("SET");
    cursor.next();
  } else if (cursor.acceptWord("ON")) {
    cursor.expectWord("UPDATE");
    cursor.next();
    if (cursor.peek()?.value === "(") cursor.skipGroup();
  } else if (cursor.acceptWord("INVISIBLE") || cursor.acceptWord("VISIBLE")) {
    return;
  } else if (cursor.acceptWord("COLUMN_FORMAT") || cursor.acceptWord("STORAGE")) {
    cursor.next();
  } else if (isWord(cursor.peek(), "REFERENCES")) {
    unreadable(
      "an inline REFERENCES clause is ignored by MySQL (and honoured by MariaDB): write FOREIGN KEY (…) REFERENCES …",
    );
  } else if (isWord(cursor.peek(), "GENERATED") || isWord(cursor.peek(), "AS")) {
    if (cursor.acceptWord("GENERATED")) cursor.expectWord("ALWAYS");
    cursor.expectWord("AS");
    const expression = cursor.groupText().trim();
    // VIRTUAL is the default; PERSISTENT is MariaDB's older word for STORED.
    const stored = cursor.acceptWord("STORED") || cursor.acceptWord("PERSISTENT");
    if (!stored) cursor.acceptWord("VIRTUAL");
    column.generated = { expression, stored };
  } else if (cursor.acceptWord("CHECK")) {
    column.check = cursor.groupText();
  } else if (isWord(cursor.peek(), "CONSTRAINT")) {
    unreadable("a named column CHECK is not MariaDB syntax: write CONSTRAINT name CHECK (…) as a table element");
  } else {
    cursor.fail("a column attribute");
  }
}

/** A DEFAULT value in the form MariaDB's `COLUMN_DEFAULT` reports it. */
function readDefault(cursor: Cursor): string {
  const token = cursor.peek();
  if (!token) return cursor.fail("a default value");
  if (token.value === "(") return `(${cursor.groupText()})`;
  cursor.next();
  if (token.kind === "string") return quoteMysqlStringLiteral(token.value);
  if (token.kind === "operator" && (token.value === "-" || token.value === "+")) {
    const number = cursor.next();
    if (number?.kind !== "number") return cursor.fail("a number");
    return `${token.value === "-" ? "-" : ""}${number.value}`;
  }
  if (token.kind === "number") return token.value;
  if (token.kind === "blob") return `b'${token.value}'`;
  const word = token.value.toUpperCase();
  if (word === "NULL") return "NULL";
  if (word === "TRUE") return "1";
  if (word === "FALSE") return "0";
  const call = cursor.peek()?.value === "(" ? `(${cursor.groupText()})` : "";
  return `${token.value.toLowerCase()}${call}`;
}

function readReference(cursor: Cursor): NonNullable<WrittenKey["references"]> {
  const reference = {
    table: cursor.name(),
    columns: keyColumns(cursor).columns,
    onDelete: "RESTRICT",
    onUpdate: "RESTRICT",
  };
  for (;;) {
    if (cursor.acceptWord("MATCH")) {
      cursor.next();
    } else if (cursor.acceptWord("ON")) {
      const which = cursor.acceptWord("DELETE") ? "onDelete" : "onUpdate";
      if (which === "onUpdate") cursor.expectWord("UPDATE");
      reference[which] = readAction(cursor);
    } else {
      return reference;
    }
  }
}

function readAction(cursor: Cursor): string {
  if (cursor.acceptWord("SET")) {
    if (cursor.acceptWord("NULL")) return "SET NULL";
    cursor.expectWord("DEFAULT");
    return "SET DEFAULT";
  }
  if (cursor.acceptWord("NO")) {
    cursor.expectWord("ACTION");
    return "NO ACTION";
  }
  if (cursor.acceptWord("CASCADE")) return "CASCADE";
  cursor.expectWord("RESTRICT");
  return "RESTRICT";
}

/** `(a, b(10) DESC, …)`: the column names, and each one's prefix length and order where written. */
function keyColumns(cursor: Cursor): Pick<WrittenKey, "columns" | "options"> {
  const options: Record<string, IndexColumnOptions> = {};
  const columns = cursor.nameList((element) => {
    const name = element.name();
    const option: IndexColumnOptions = {};
    if (element.peek()?.value === "(") {
      const length = Number(element.groupText().trim());
      if (!Number.isInteger(length) || length <= 0) element.fail("a prefix length");
      option.length = length;
    }
    if (element.acceptWord("DESC")) option.order = "desc";
    else element.acceptWord("ASC");
    if (!element.done()) element.fail("a key column");
    if (Object.keys(option).length > 0) options[name] = option;
    return name;
  });
  return Object.keys(options).length > 0 ? { columns, options } : { columns };
}

function skipIndexOptions(cursor: Cursor): void {
  for (;;) {
    if (cursor.acceptWord("USING")) cursor.next();
    else if (cursor.acceptWord("COMMENT")) cursor.next();
    else if (cursor.acceptWord("KEY_BLOCK_SIZE")) {
      if (cursor.peek()?.value === "=") cursor.next();
      cursor.next();
    } else if (cursor.acceptWord("VISIBLE") || cursor.acceptWord("INVISIBLE")) continue;
    else return;
  }
}

function isKeyword(token: Token | undefined): boolean {
  return ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK"].some((word) => isWord(token, word));
}
