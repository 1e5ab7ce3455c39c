/**
 * Scalar field builders: `s.string()`, `s.int()`, … and their modifiers.
 *
 * Builders are immutable: every modifier returns a new builder. At runtime every builder carries
 * every modifier (so a plain-JavaScript misuse such as `s.string().increment()` reaches the
 * validator and fails with `INVALID_SCHEMA`); the types expose only the modifiers that fit the kind.
 */
import type { NativeTypes, ScalarKind } from "./snapshot.js";

/** Client-side id generators (the client fills them); `uuid` also gets a database default. */
export type IdGenerator = "uuid" | "ulid" | "cuid" | "nanoid";

/** How a field's value is produced when an insert omits it. */
export type FieldDefault =
  /** A constant, also written as the column's database default. */
  | { kind: "literal"; value: unknown }
  /** A function the client calls; no database default. */
  | { kind: "function"; fn: () => unknown }
  /** `now()`: the database's current date/time. */
  | { kind: "now" }
  /** `increment()`: the database's own sequence. */
  | { kind: "increment" }
  /** `uuid() ulid() cuid() nanoid()`: an id made by the client (`uuid` by the database too). */
  | { kind: "generator"; generator: IdGenerator };

/** Everything a scalar builder records; read it with `field["~"]`. */
export interface ScalarState {
  readonly type: "scalar";
  readonly kind: ScalarKind;
  readonly id: boolean;
  readonly unique: boolean;
  readonly nullable: boolean;
  readonly array: boolean;
  /** The database column name given with `.map()`; the field name when absent. */
  readonly column: string | undefined;
  /** Every default-producing call in order; more than one is a conflict the validator reports. */
  readonly defaults: readonly FieldDefault[];
  /** `updatedAt()`: the client sets the value on every update. */
  readonly updatedAt: boolean;
  /** `decimal(precision, scale)` as given. */
  readonly precision: number | undefined;
  readonly scale: number | undefined;
  /** `enum([...])` values, in declaration order. */
  readonly enumValues: readonly string[] | undefined;
  /** `enum([...], { name })`: the database enum type name. */
  readonly enumName: string | undefined;
  /** `varchar(n)` / `char(n)`: the string's length; `fixed` for `char(n)`. */
  readonly length: number | undefined;
  readonly fixed: boolean;
  /** `precision(p)` on a dateTime or time: fractional-second digits. */
  readonly timePrecision: number | undefined;
  /** `withoutTimezone()` on a dateTime. */
  readonly withoutTimezone: boolean;
  /** `nativeType({...})`: the DDL type per dialect. */
  readonly nativeType: NativeTypes | undefined;
}

/** Type-level flags a scalar builder tracks for inference. */
export interface FieldFlags {
  nullable: boolean;
  array: boolean;
  /** The value may be omitted on create (a default, a generator, `increment()`, `now()`). */
  hasDefault: boolean;
}

/** Flags of a fresh builder. */
export type DefaultFlags = { nullable: false; array: false; hasDefault: false };

type With<F extends FieldFlags, K extends keyof FieldFlags> = {
  [P in keyof FieldFlags]: P extends K ? true : F[P];
};

/** The TypeScript value of a field with base type `T` and flags `F`. */
export type FieldValue<T, F extends FieldFlags> =
  | (F["array"] extends true ? T[] : T)
  | (F["nullable"] extends true ? null : never);

/** A literal `default(v)` a field of kind `K` and base type `T` accepts (blob: none, only a function). */
export type DefaultInput<K extends ScalarKind, T> = K extends "blob"
  ? never
  : K extends "decimal"
    ? string | number
    : K extends "dateTime" | "date" | "time"
      ? Date | string
      : T;

/** The modifiers every scalar builder has. */
export interface ScalarBuilder<K extends ScalarKind, T, F extends FieldFlags> {
  /** The recorded state, for the serializer and a query client. */
  readonly "~": ScalarState;
  /** Type-only: the field's value type and flags (never set at runtime). */
  readonly "~types"?: { kind: K; value: FieldValue<T, F>; flags: F };
  /** Makes this field the model's primary key. */
  id(): ScalarField<K, T, F>;
  /** Adds a unique constraint on this column. */
  unique(): ScalarField<K, T, F>;
  /** Lets the column hold NULL. */
  nullable(): ScalarField<K, T, With<F, "nullable">>;
  /** Makes the column a list of this type (PostgreSQL arrays; JSON elsewhere). */
  array(): ScalarField<K, T, With<F, "array">>;
  /**
   * A default value. A literal becomes a database default; a function is called by the client
   * for each insert and leaves the column without a database default.
   */
  default(
    value: FieldValue<DefaultInput<K, T>, { nullable: false; array: F["array"]; hasDefault: false }> | (() => T),
  ): ScalarField<K, T, With<F, "hasDefault">>;
  /** The database column name. @default the field name */
  map(column: string): ScalarField<K, T, F>;
  /**
   * The column's DDL type on the dialects named, instead of the kind's own mapping there, e.g.
   * `nativeType({ mysql: "LONGTEXT", postgres: "citext" })`. Other dialects keep the mapping.
   */
  nativeType(types: NativeTypes): ScalarField<K, T, F>;
}

/** String lengths: `string` only. */
export interface StringLengths<T, F extends FieldFlags> {
  /** VARCHAR(n) on PostgreSQL and MySQL; TEXT on SQLite (the length is kept in the snapshot). */
  varchar(length: number): ScalarField<"string", T, F>;
  /** CHAR(n), blank-padded, on PostgreSQL and MySQL; TEXT on SQLite (the length is kept in the snapshot). */
  char(length: number): ScalarField<"string", T, F>;
}

/** `precision(p)`: dateTime and time. */
export interface TemporalPrecision<K extends ScalarKind, T, F extends FieldFlags> {
  /** Fractional-second digits, 0–6. @default 3 (a JavaScript Date's milliseconds) */
  precision(digits: number): ScalarField<K, T, F>;
}

/** `withoutTimezone()`: dateTime only. */
export interface DateTimeZone<T, F extends FieldFlags> {
  /**
   * PostgreSQL `timestamp` (without time zone) instead of `timestamptz`. MySQL DATETIME and SQLite
   * have no time zone already, so there it changes nothing.
   */
  withoutTimezone(): ScalarField<"dateTime", T, F>;
}

/** Id generators: string fields only. */
export interface StringGenerators<T, F extends FieldFlags> {
  /** A uuid: the database generates it (a text column) and so does the client. */
  uuid(): ScalarField<"string", T, With<F, "hasDefault">>;
  /** A ULID filled in by the client. */
  ulid(): ScalarField<"string", T, With<F, "hasDefault">>;
  /** A cuid filled in by the client. */
  cuid(): ScalarField<"string", T, With<F, "hasDefault">>;
  /** A nanoid filled in by the client. */
  nanoid(): ScalarField<"string", T, With<F, "hasDefault">>;
}

/** `increment()`: int and bigInt only. */
export interface IntegerGenerators<K extends ScalarKind, T, F extends FieldFlags> {
  /** The database fills the value from its own sequence (auto-increment). */
  increment(): ScalarField<K, T, With<F, "hasDefault">>;
}

/** `now()` and `updatedAt()`: dateTime, date and time only. */
export interface TemporalGenerators<K extends ScalarKind, T, F extends FieldFlags> {
  /** Defaults to the database's current date/time. */
  now(): ScalarField<K, T, With<F, "hasDefault">>;
  /** The client sets it on every create and update (no database default). */
  updatedAt(): ScalarField<K, T, With<F, "hasDefault">>;
}

/** A scalar field builder of kind `K`: the shared modifiers plus those that fit the kind. */
export type ScalarField<K extends ScalarKind, T, F extends FieldFlags = DefaultFlags> = ScalarBuilder<K, T, F> &
  (K extends "string"
    ? StringGenerators<T, F> & StringLengths<T, F>
    : K extends "int" | "bigInt"
      ? IntegerGenerators<K, T, F>
      : K extends "dateTime"
        ? TemporalGenerators<K, T, F> & TemporalPrecision<K, T, F> & DateTimeZone<T, F>
        : K extends "time"
          ? TemporalGenerators<K, T, F> & TemporalPrecision<K, T, F>
          : K extends "date"
            ? TemporalGenerators<K, T, F>
            : unknown);

/** Any scalar field builder. */
export interface AnyScalarField {
  readonly "~": ScalarState;
}

/** A JSON value as `s.json()` fields hold it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The scalar constructors of `s`. */
export const scalars = {
  /** A text column. */
  string: (): ScalarField<"string", string> => scalar(initial("string")),
  /** A 32-bit integer column. */
  int: (): ScalarField<"int", number> => scalar(initial("int")),
  /** A 64-bit integer column (values are `bigint`). */
  bigInt: (): ScalarField<"bigInt", bigint> => scalar(initial("bigInt")),
  /** A double-precision floating-point column. */
  float: (): ScalarField<"float", number> => scalar(initial("float")),
  /**
   * An exact decimal column; values are decimal strings. Without arguments it is `decimal(10, 2)`;
   * with only a precision the scale is 0 (as in SQL).
   */
  decimal: (precision?: number, scale?: number): ScalarField<"decimal", string> =>
    scalar({ ...initial("decimal"), precision, scale }),
  /** A boolean column. */
  boolean: (): ScalarField<"boolean", boolean> => scalar(initial("boolean")),
  /** A timestamp column (date and time of day). */
  dateTime: (): ScalarField<"dateTime", Date> => scalar(initial("dateTime")),
  /** A calendar date column. */
  date: (): ScalarField<"date", Date> => scalar(initial("date")),
  /** A time-of-day column; values are `HH:MM:SS` strings. */
  time: (): ScalarField<"time", string> => scalar(initial("time")),
  /** A JSON column. */
  json: <T extends JsonValue = JsonValue>(): ScalarField<"json", T> => scalar(initial("json")),
  /** A binary column. Takes only function defaults. */
  blob: (): ScalarField<"blob", Uint8Array> => scalar(initial("blob")),
  /**
   * An enum column. Its database type is named `<table>_<column>` unless `name` is given; columns
   * naming the same enum share one type.
   */
  enum: <const V extends readonly [string, ...string[]]>(
    values: V,
    options?: { name?: string },
  ): ScalarField<"enum", V[number]> => scalar({ ...initial("enum"), enumValues: [...values], enumName: options?.name }),
};

// internal

function initial(kind: ScalarKind): ScalarState {
  return {
    type: "scalar",
    kind,
    id: false,
    unique: false,
    nullable: false,
    array: false,
    column: undefined,
    defaults: [],
    updatedAt: false,
    precision: undefined,
    scale: undefined,
    enumValues: undefined,
    enumName: undefined,
    length: undefined,
    fixed: false,
    timePrecision: undefined,
    withoutTimezone: false,
    nativeType: undefined,
  };
}

/** The runtime builder: one object literal with every modifier, closed over its state. */
function scalar<R>(state: ScalarState): R {
  const next = (patch: Partial<ScalarState>) => scalar<R>({ ...state, ...patch });
  const withDefault = (d: FieldDefault) => next({ defaults: [...state.defaults, d] });
  const builder = {
    "~": state,
    id: () => next({ id: true }),
    unique: () => next({ unique: true }),
    nullable: () => next({ nullable: true }),
    array: () => next({ array: true }),
    map: (column: string) => next({ column }),
    default: (value: unknown) =>
      withDefault(
        typeof value === "function" ? { kind: "function", fn: value as () => unknown } : { kind: "literal", value },
      ),
    uuid: () => withDefault({ kind: "generator", generator: "uuid" }),
    ulid: () => withDefault({ kind: "generator", generator: "ulid" }),
    cuid: () => withDefault({ kind: "generator", generator: "cuid" }),
    nanoid: () => withDefault({ kind: "generator", generator: "nanoid" }),
    increment: () => withDefault({ kind: "increment" }),
    now: () => withDefault({ kind: "now" }),
    updatedAt: () => next({ updatedAt: true }),
    varchar: (length: number) => next({ length, fixed: false }),
    char: (length: number) => next({ length, fixed: true }),
    precision: (digits: number) => next({ timePrecision: digits }),
    withoutTimezone: () => next({ withoutTimezone: true }),
    nativeType: (types: NativeTypes) => next({ nativeType: types }),
  };
  return builder as R;
}
