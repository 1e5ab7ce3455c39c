/**
 * Scalar fields → snapshot columns: type, nullability, database default and auto-increment,
 * after checking that each modifier fits the field's kind.
 */
import { canonicalJson } from "../util/canonical-json.js";
import { enumTypeName } from "./names.js";
import { checkName, fail, type ResolvedModel, type ResolvedScalar } from "./resolve.js";
import type { FieldDefault } from "./scalars.js";
import {
  type Column,
  type ColumnDefault,
  type ColumnType,
  DEFAULT_TIME_PRECISION,
  type NativeTypes,
  type ScalarKind,
} from "./snapshot.js";

/** Precision and scale of `s.decimal()` without arguments. */
export const DEFAULT_DECIMAL = { precision: 10, scale: 2 } as const;

/**
 * The snapshot column of a scalar field, after checking its modifiers.
 *
 * @example columnOf(model, scalar) // → { name: "email", type: { kind: "string" }, … }
 */
export function columnOf(model: ResolvedModel, scalar: ResolvedScalar): Column {
  checkModifiers(model, scalar);
  const fieldDefault = scalar.state.defaults[0];
  const column: Column = {
    name: scalar.column,
    type: columnType(model, scalar),
    array: scalar.state.array,
    nullable: scalar.state.nullable,
    default: fieldDefault ? columnDefault(model, scalar, fieldDefault) : null,
    autoIncrement: fieldDefault?.kind === "increment",
  };
  if (scalar.state.nativeType !== undefined) column.nativeType = { ...scalar.state.nativeType };
  return column;
}

/** The longest VARCHAR(n) and CHAR(n) accepted (MySQL's limits in characters, the tighter ones). */
export const MAX_VARCHAR_LENGTH = 65535;
export const MAX_CHAR_LENGTH = 255;

/** The dialects a `nativeType({...})` may name. */
export const NATIVE_TYPE_DIALECTS = ["postgres", "mysql", "sqlite"] as const;

// internal

const INTEGER_KINDS: readonly ScalarKind[] = ["int", "bigInt"];
const TEMPORAL_KINDS: readonly ScalarKind[] = ["dateTime", "date", "time"];

function checkModifiers(model: ResolvedModel, { key, state }: ResolvedScalar): void {
  const [first, second] = state.defaults;
  if (second) {
    fail(
      model.name,
      key,
      "conflictingDefaults",
      `has two defaults (${describe(first!)} and ${describe(second)}); keep one.`,
    );
  }
  if (first?.kind === "increment" && (!INTEGER_KINDS.includes(state.kind) || state.array)) {
    fail(
      model.name,
      key,
      "invalidModifier",
      `uses increment() on a ${kindName(state)} field; only int and bigInt auto-increment.`,
    );
  }
  if (first?.kind === "generator" && (state.kind !== "string" || state.array)) {
    fail(
      model.name,
      key,
      "invalidModifier",
      `uses ${first.generator}() on a ${kindName(state)} field; id generators need s.string().`,
    );
  }
  if ((first?.kind === "now" || state.updatedAt) && !TEMPORAL_KINDS.includes(state.kind)) {
    const call = first?.kind === "now" ? "now()" : "updatedAt()";
    fail(
      model.name,
      key,
      "invalidModifier",
      `uses ${call} on a ${kindName(state)} field; it needs dateTime, date or time.`,
    );
  }
  if (state.kind === "decimal") checkDecimal(model.name, key, state.precision, state.scale);
  if (state.kind === "enum") checkEnum(model.name, key, state.enumValues, state.enumName);
  checkTypeModifiers(model.name, key, state);
}

function checkTypeModifiers(model: string, field: string, state: ResolvedScalar["state"]): void {
  if (state.length !== undefined) {
    const call = state.fixed ? "char" : "varchar";
    if (state.kind !== "string")
      fail(model, field, "invalidModifier", `uses ${call}() on a ${kindName(state)} field; it needs s.string().`);
    const max = state.fixed ? MAX_CHAR_LENGTH : MAX_VARCHAR_LENGTH;
    if (!Number.isInteger(state.length) || state.length < 1 || state.length > max)
      fail(model, field, "invalidModifier", `has ${call}(${state.length}); the length must be an integer 1–${max}.`);
  }
  if (state.timePrecision !== undefined) {
    if (state.kind !== "dateTime" && state.kind !== "time")
      fail(
        model,
        field,
        "invalidModifier",
        `uses precision() on a ${kindName(state)} field; it needs dateTime or time.`,
      );
    if (!Number.isInteger(state.timePrecision) || state.timePrecision < 0 || state.timePrecision > 6)
      fail(model, field, "invalidModifier", `has precision(${state.timePrecision}); it must be an integer 0–6.`);
  }
  if (state.withoutTimezone && state.kind !== "dateTime")
    fail(model, field, "invalidModifier", `uses withoutTimezone() on a ${kindName(state)} field; it needs dateTime.`);
  if (state.nativeType !== undefined) checkNativeType(model, field, state.nativeType);
}

function checkNativeType(model: string, field: string, types: NativeTypes): void {
  if (typeof types !== "object" || types === null || Object.keys(types).length === 0)
    fail(model, field, "invalidModifier", 'calls nativeType() without types; e.g. nativeType({ mysql: "LONGTEXT" }).');
  for (const [dialect, type] of Object.entries(types)) {
    if (!(NATIVE_TYPE_DIALECTS as readonly string[]).includes(dialect)) {
      fail(
        model,
        field,
        "invalidModifier",
        `names dialect "${dialect}" in nativeType(); use ${NATIVE_TYPE_DIALECTS.join(", ")}.`,
      );
    }
    // A native type is pasted into DDL: a name, a parenthesised list of sizes or plain string
    // literals (MySQL's `SET('a','b')`; no backslash, a quote only doubled), words and [] only.
    if (
      typeof type !== "string" ||
      !/^[A-Za-z_][\w. ]*(\((\s*,?\s*(\d+|'([^'\\]|'')*'))+\s*\))?[\w ]*(\[\])?$/.test(type.trim())
    )
      fail(
        model,
        field,
        "invalidModifier",
        `has nativeType ${JSON.stringify(type)} for ${dialect}, which is not a type name.`,
      );
  }
}

function checkDecimal(model: string, field: string, precision: number | undefined, scale: number | undefined): void {
  const valid =
    (precision === undefined && scale === undefined) ||
    (Number.isInteger(precision) &&
      precision! >= 1 &&
      precision! <= 65 &&
      (scale === undefined || (Number.isInteger(scale) && scale >= 0 && scale <= precision!)));
  if (!valid) {
    fail(
      model,
      field,
      "invalidModifier",
      `has decimal(${precision}, ${scale}); precision must be 1–65 and scale 0–precision.`,
    );
  }
}

function checkEnum(
  model: string,
  field: string,
  values: readonly string[] | undefined,
  name: string | undefined,
): void {
  if (!values || values.length === 0 || values.some((value) => typeof value !== "string" || value === "")) {
    fail(model, field, "invalidEnum", "declares an enum without values or with a non-string or empty value.");
  }
  if (new Set(values).size !== values.length)
    fail(model, field, "invalidEnum", "declares an enum with a repeated value.");
  if (name !== undefined) checkName(name, model, field, "The enum name");
}

function columnType(model: ResolvedModel, { state, column }: ResolvedScalar): ColumnType {
  switch (state.kind) {
    case "decimal":
      if (state.precision === undefined) return { kind: "decimal", ...DEFAULT_DECIMAL };
      return { kind: "decimal", precision: state.precision, scale: state.scale ?? 0 };
    case "enum":
      return {
        kind: "enum",
        name: state.enumName ?? enumTypeName(model.table, column),
        values: [...(state.enumValues ?? [])],
      };
    case "string":
      if (state.length === undefined) return { kind: "string" };
      return state.fixed
        ? { kind: "string", length: state.length, fixed: true }
        : { kind: "string", length: state.length };
    case "dateTime": {
      const type: ColumnType = { kind: "dateTime" };
      if (state.withoutTimezone) type.withTimezone = false;
      if (state.timePrecision !== undefined && state.timePrecision !== DEFAULT_TIME_PRECISION)
        type.precision = state.timePrecision;
      return type;
    }
    // Kept whenever given: dialects default a bare time differently (PostgreSQL time(3), MySQL TIME(0)),
    // and each dialect's normalize folds its own default away.
    case "time":
      return state.timePrecision === undefined ? { kind: "time" } : { kind: "time", precision: state.timePrecision };
    default:
      return { kind: state.kind } as ColumnType;
  }
}

function columnDefault(model: ResolvedModel, scalar: ResolvedScalar, fieldDefault: FieldDefault): ColumnDefault | null {
  switch (fieldDefault.kind) {
    case "literal":
      return { kind: "literal", value: literalValue(model, scalar, fieldDefault.value) };
    case "now":
      return { kind: "now" };
    case "generator":
      // Only uuid has a portable database-side generator; the client fills ulid, cuid and nanoid.
      return fieldDefault.generator === "uuid" ? { kind: "uuid" } : null;
    case "function":
    case "increment":
      return null;
  }
}

/** A literal default as the snapshot stores it, or `INVALID_SCHEMA` when it does not fit the field. */
function literalValue(model: ResolvedModel, { key, state }: ResolvedScalar, value: unknown): string | number | boolean {
  const bad = (why: string): never =>
    fail(model.name, key, "invalidDefault", `has default ${preview(value)}, which ${why}.`);
  if (!state.array) return scalarLiteral(state.kind, state.enumValues, value, bad);
  if (!Array.isArray(value)) return bad("is not an array, as an array() field needs");
  // Array defaults are stored as the JSON text of their elements, each converted as a scalar default.
  const items = value.map((item) => scalarLiteral(state.kind, state.enumValues, item, bad));
  return canonicalJson(items, { compact: true });
}

function scalarLiteral(
  kind: ScalarKind,
  enumValues: readonly string[] | undefined,
  value: unknown,
  bad: (why: string) => never,
): string | number | boolean {
  switch (kind) {
    case "string":
      return typeof value === "string" ? value : bad("is not a string");
    case "int":
      return isInt32(value) ? value : bad("is not a 32-bit integer");
    case "bigInt":
      return bigIntLiteral(value) ?? bad("is not an integer (use a bigint, e.g. 0n)");
    case "float":
      return typeof value === "number" && Number.isFinite(value) ? value : bad("is not a finite number");
    case "decimal":
      return decimalLiteral(value) ?? bad("is not a decimal number or decimal string");
    case "boolean":
      return typeof value === "boolean" ? value : bad("is not a boolean");
    case "dateTime":
    case "date":
    case "time":
      return temporalLiteral(kind, value) ?? bad(`is not a valid ${kind} (a Date or an ISO-8601 string)`);
    case "json":
      return canonicalJsonOrNull(value) ?? bad("is not JSON-serialisable");
    case "blob":
      return bad("is a literal; blob fields take only a function default");
    case "enum":
      return typeof value === "string" && enumValues?.includes(value) ? value : bad(`is not one of the enum's values`);
  }
}

function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
}

function bigIntLiteral(value: unknown): string | null {
  if (typeof value === "bigint") return value.toString();
  if (Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return BigInt(value).toString();
  return null;
}

/** A decimal in one canonical spelling: `"+007.50"` → `"7.5"`, `"-0.0"` → `"0"` (what introspection reads back). */
function decimalLiteral(value: unknown): string | null {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  const match = typeof text === "string" ? /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(text) : null;
  if (!match) return null;
  const whole = match[2]!.replace(/^0+(?=\d)/, "");
  const fraction = (match[3] ?? "").replace(/0+$/, "");
  const digits = fraction ? `${whole}.${fraction}` : whole;
  return match[1] === "-" && /[1-9]/.test(digits) ? `-${digits}` : digits;
}

/**
 * One canonical spelling per temporal kind, the form introspection reads back: dateTime → the full
 * ISO string in UTC (`Date#toISOString`); date → `YYYY-MM-DD`; time → `HH:MM:SS`, plus up to three
 * fraction digits without trailing zeros. A Date gives its UTC date or time of day.
 */
function temporalLiteral(kind: "dateTime" | "date" | "time", value: unknown): string | null {
  if (kind === "time" && typeof value === "string") return timeLiteral(value);
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  if (kind === "dateTime") return iso;
  if (kind === "date") {
    // A date string must name a real day: new Date("2024-02-30") silently rolls over to March.
    return typeof value === "string" && value !== iso.slice(0, 10) ? null : iso.slice(0, 10);
  }
  return timeLiteral(iso.slice(11, 23));
}

function timeLiteral(text: string): string | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?$/.exec(text);
  if (!match) return null;
  const fraction = (match[4] ?? "").replace(/0+$/, "");
  return `${match[1]}:${match[2]}:${match[3] ?? "00"}${fraction ? `.${fraction}` : ""}`;
}

function canonicalJsonOrNull(value: unknown): string | null {
  try {
    return canonicalJson(value, { compact: true });
  } catch {
    // The only failure is a value JSON cannot hold; the caller reports it as an invalid default.
    return null;
  }
}

function describe(fieldDefault: FieldDefault): string {
  switch (fieldDefault.kind) {
    case "literal":
    case "function":
      return "default()";
    case "generator":
      return `${fieldDefault.generator}()`;
    default:
      return `${fieldDefault.kind}()`;
  }
}

function kindName(state: { kind: ScalarKind; array: boolean }): string {
  return state.array ? `${state.kind} array` : state.kind;
}

function preview(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof Date) return "a Date";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" && value !== null ? "an object" : String(value);
}

export { DEFAULT_TIME_PRECISION } from "./snapshot.js";
