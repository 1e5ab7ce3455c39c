/**
 * Column defaults on PostgreSQL, both ways: a `ColumnDefault` written as a DEFAULT expression,
 * and the expression PostgreSQL keeps (`pg_get_expr(adbin)`, e.g. `'it''s'::text`,
 * `'-1'::integer`, `'USER'::"Role"`, `(gen_random_uuid())::text`, `CURRENT_TIMESTAMP`) read back.
 *
 * Literals go through one canonical form per type on both sides ({@link canonicalDefault}), so
 * what the user wrote and what the catalog shows compare equal: `"9.990"` and `"9.99"` are one
 * decimal, a JSON default is compact with sorted keys, a `dateTime` is `Date#toISOString()`.
 */
import type { Column, ColumnDefault, ColumnType } from "../../schema/snapshot.js";
import { canonicalJson } from "../../util/canonical-json.js";
import { quoteStringLiteral } from "../quote.js";
import { arrayLiteral, parseArrayLiteral } from "./arrays.js";

type Typed = Pick<Column, "type" | "array">;

/**
 * The DEFAULT expression for a column, or `null` when it has none. Literals are written as quoted
 * strings (PostgreSQL casts them to the column's type), so no value reaches SQL unescaped.
 * A `blob` literal is hex (`"6869"`, optionally prefixed `\x` or `0x`).
 *
 * @example defaultSql({ ...column, default: { kind: "uuid" } }) // → "gen_random_uuid()::text"
 */
export function defaultSql(
  column: Typed & Pick<Column, "default"> & Partial<Pick<Column, "nativeType">>,
): string | null {
  const value = column.default;
  if (value === null) return null;
  switch (value.kind) {
    case "now":
      return nowSql(column);
    case "uuid":
      // A text column takes the uuid as text; a native uuid column (adopted, or `nativeType`) as it is.
      return column.nativeType?.postgres?.toLowerCase() === "uuid" && !column.array
        ? "gen_random_uuid()"
        : "gen_random_uuid()::text";
    case "sql":
      // Parenthesised: a column DEFAULT takes only a restricted expression (no AND, IS NULL…) bare.
      return `(${value.expression})`;
    case "literal":
      return literalSql(value.value, column);
  }
}

/**
 * A default as the catalog shows it, read back: `nextval(…)` is a serial column (auto-increment,
 * no default), known functions are `now`/`uuid`, constants become literals and anything else is
 * kept verbatim as `sql`.
 */
export function readDefault(
  expression: string | null,
  column: Typed,
): { default: ColumnDefault | null; serial: boolean } {
  if (expression === null || expression.trim() === "") return { default: null, serial: false };
  const { core } = splitCasts(expression.trim());
  if (/^nextval\(/i.test(core)) return { default: null, serial: true };
  if (/^null$/i.test(core)) return { default: null, serial: false };
  if (NOW.test(core)) return { default: { kind: "now" }, serial: false };
  if (UUID.test(core) && column.type.kind === "string" && !column.array)
    return { default: { kind: "uuid" }, serial: false };
  const text = constantText(core);
  if (text === null) return { default: { kind: "sql", expression: stripParens(expression.trim()) }, serial: false };
  const value = canonicalLiteral(text, column);
  return { default: { kind: "literal", value }, serial: false };
}

/**
 * The canonical form of a default for this column's type: the same value whether it came from
 * the user's schema or from the catalog. Idempotent.
 */
export function canonicalDefault(value: ColumnDefault | null, column: Typed): ColumnDefault | null {
  if (value === null) return null;
  // PostgreSQL parenthesises some expressions it prints; one pair around the whole is not part of it.
  if (value.kind === "sql") return { kind: "sql", expression: stripParens(value.expression.trim()) };
  if (value.kind !== "literal") return value;
  return { kind: "literal", value: canonicalLiteral(value.value, column) };
}

// internal

/** The current-time functions PostgreSQL shows for `now()` and its SQL-standard spellings. */
const NOW =
  /^(?:now\(\)|transaction_timestamp\(\)|current_timestamp(?:\(\d+\))?|localtimestamp(?:\(\d+\))?|current_date|current_time(?:\(\d+\))?|localtime(?:\(\d+\))?)$/i;
const UUID = /^(?:gen_random_uuid\(\)|uuid_generate_v4\(\))$/i;

function nowSql(column: Typed): string {
  if (column.type.kind === "date") return "CURRENT_DATE";
  if (column.type.kind === "time") return "LOCALTIME";
  return "CURRENT_TIMESTAMP";
}

function literalSql(value: string | number | boolean, column: Typed): string {
  if (column.array) {
    const elements = jsonElements(String(canonicalLiteral(value, column)));
    if (elements === null) return quoteStringLiteral(String(value));
    const blob = column.type.kind === "blob";
    return quoteStringLiteral(
      arrayLiteral(elements.map((item) => (item === null ? null : `${blob ? "\\x" : ""}${item}`))),
    );
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  const canonical = canonicalLiteral(value, column);
  if (column.type.kind === "blob" && !column.array && typeof canonical === "string") {
    return quoteStringLiteral(`\\x${canonical}`);
  }
  return quoteStringLiteral(String(canonical));
}

/** Removes outer parentheses and trailing `::type` casts: `(gen_random_uuid())::text` → `gen_random_uuid()`. */
function splitCasts(expression: string): { core: string } {
  let core = expression;
  for (;;) {
    const stripped = stripParens(core);
    const cast = CAST_SUFFIX.exec(stripped);
    if (cast) {
      core = stripped.slice(0, cast.index).trim();
      continue;
    }
    return { core: stripped };
  }
}

const TYPE_NAME = String.raw`(?:(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*)\.)?(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_ ]*(?:\(\d+(?:,\s*\d+)?\))?(?: with(?:out)? time zone)?)(?:\[\])*`;
const CAST_SUFFIX = new RegExp(`::${TYPE_NAME}$`, "i");

/**
 * Removes parentheses around the whole expression (skipping quoted text): PostgreSQL prints
 * defaults and generation expressions in pairs of its own.
 *
 * @example stripParens("((id * 2))") // → "id * 2"
 */
export function stripParens(expression: string): string {
  let current = expression;
  while (current.startsWith("(") && current.endsWith(")") && closingParen(current) === current.length - 1) {
    current = current.slice(1, -1).trim();
  }
  return current;
}

/** Index of the parenthesis closing the one at 0, skipping quoted text. */
function closingParen(text: string): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === "(") {
      depth++;
    } else if (ch === ")" && --depth === 0) {
      return i;
    }
  }
  return -1;
}

/** The text of a constant (`'it''s'`, `42`, `-1.5`, `true`), or null when it is an expression. */
function constantText(core: string): string | null {
  const quoted = /^'((?:[^']|'')*)'$/s.exec(core);
  if (quoted) return quoted[1]!.replaceAll("''", "'");
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i.test(core)) return core;
  if (/^(?:true|false)$/i.test(core)) return core.toLowerCase();
  return null;
}

/** One canonical literal per type; text that does not parse as the type is kept as it is. */
function canonicalLiteral(raw: string | number | boolean, column: Typed): string | number | boolean {
  if (column.array) return canonicalArray(String(raw), column.type);
  const type: ColumnType = column.type;
  const text = String(raw);
  switch (type.kind) {
    case "int":
    case "float": {
      if (typeof raw === "number") return raw;
      const number = Number(text);
      return Number.isNaN(number) && text.trim() !== "NaN" ? text : number;
    }
    case "bigInt":
    case "decimal":
      return canonicalDecimal(text);
    case "boolean":
      return typeof raw === "boolean" ? raw : (BOOLEAN_TEXT[text.trim().toLowerCase()] ?? raw);
    case "dateTime":
      return canonicalTimestamp(text);
    case "date":
      return /^(\d{4}-\d\d-\d\d)(?:[T ].*)?$/.exec(text)?.[1] ?? text;
    case "time":
      return canonicalTime(text);
    case "json":
      return canonicalJsonText(text);
    case "blob":
      return /^(?:\\x|0x)?([0-9a-f]*)$/i.exec(text)?.[1]?.toLowerCase() ?? text;
    case "string":
    case "enum":
      return text;
  }
}

/** PostgreSQL's spellings of a boolean. */
const BOOLEAN_TEXT: Record<string, boolean> = {
  t: true,
  true: true,
  y: true,
  yes: true,
  on: true,
  "1": true,
  f: false,
  false: false,
  n: false,
  no: false,
  off: false,
  "0": false,
};

/** `"+007.50"` → `"7.5"`, `"-0"` → `"0"`; anything not a plain decimal is kept. */
function canonicalDecimal(text: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[2] === "" && (match[3] ?? "") === "")) return text;
  const whole = match[2]!.replace(/^0+(?=\d)/, "") || "0";
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const digits = fraction ? `${whole}.${fraction}` : whole;
  return match[1] === "-" && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/**
 * ISO-8601 in UTC with milliseconds. Reads both a user's ISO string and PostgreSQL's output
 * (`2024-01-01 09:00:00+09`, in the session's time zone, with DateStyle ISO).
 */
function canonicalTimestamp(text: string): string {
  const match =
    /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?\s*(Z|[+-]\d\d(?::?\d\d)?(?::?\d\d)?)?$/i.exec(
      text.trim(),
    );
  if (!match) return text;
  const [, year, month, day, hour, minute, second = "0", fraction = "", zone = "Z"] = match;
  const ms = Math.round(Number(`0.${fraction || "0"}`) * 1000);
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), ms);
  return new Date(date.getTime() - zoneOffsetMs(zone)).toISOString();
}

function zoneOffsetMs(zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replaceAll(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || "0");
  const seconds = Number(digits.slice(4, 6) || "0");
  const sign = zone.startsWith("-") ? -1 : 1;
  return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * `HH:MM:SS` with milliseconds only when non-zero (`12:34:56.5`), as PostgreSQL prints a
 * `time(3)`: a longer fraction is rounded to the millisecond, as the column stores it.
 */
function canonicalTime(text: string): string {
  const match = /^(?:\d{4}-\d\d-\d\dT)?(\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?(?:Z|[+-]\d\d(?::?\d\d)?)?$/i.exec(
    text.trim(),
  );
  if (!match) return text;
  const [, hours, minutes, seconds = "00", fraction = ""] = match;
  const total =
    ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000 +
    Math.round(Number(`0.${fraction || "0"}`) * 1000);
  const ms = total % 1000;
  const pad = (n: number) => String(n).padStart(2, "0");
  const clock = `${pad(Math.floor(total / 3_600_000))}:${pad(Math.floor(total / 60_000) % 60)}:${pad(Math.floor(total / 1000) % 60)}`;
  return ms === 0 ? clock : `${clock}.${String(ms).padStart(3, "0").replace(/0+$/, "")}`;
}

/** Compact JSON with sorted object keys; text that is not JSON is kept. */
function canonicalJsonText(text: string): string {
  try {
    return canonicalJson(JSON.parse(text), { compact: true });
  } catch {
    // Not JSON: PostgreSQL will refuse it when the DDL runs, with its own message.
    return text;
  }
}

/**
 * An array default as the JSON text of its elements, each in its scalar's canonical form (the
 * schema's form). Reads that JSON or a PostgreSQL array literal (`{a,"b c"}`, as the catalog shows it).
 */
function canonicalArray(text: string, type: ColumnType): string {
  const elements = jsonElements(text) ?? parseArrayLiteral(text);
  if (elements === null) return text;
  const scalar = { type, array: false };
  return canonicalJson(
    elements.map((item) => (item === null ? null : canonicalLiteral(item, scalar))),
    { compact: true },
  );
}

/** The elements of a JSON array of scalars, or null when the text is not one. */
function jsonElements(text: string): (string | number | boolean | null)[] | null {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value)) return null;
    const scalar = (item: unknown) => item === null || ["string", "number", "boolean"].includes(typeof item);
    return value.every(scalar) ? (value as (string | number | boolean | null)[]) : null;
  } catch {
    // Not JSON: the caller tries PostgreSQL's array syntax next.
    return null;
  }
}
