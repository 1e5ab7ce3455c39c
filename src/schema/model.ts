/**
 * The model builder: `s.model({...})` with `.map()`, `.index()`, `.unique()` and a compound `.id()`.
 */
import type { AnyRelationField } from "./relations.js";
import type { AnyScalarField } from "./scalars.js";

/** A model's fields: scalar and relation builders by field name. */
export type FieldRecord = Record<string, AnyScalarField | AnyRelationField>;

/** The names of a model's scalar fields (any string for a model whose fields are not known). */
export type ScalarKeys<F> = string extends keyof F
  ? string
  : { [K in keyof F]: F[K] extends AnyScalarField ? K : never }[keyof F] & string;

/**
 * Types a relation whose `.fields()` names something other than this model's scalar fields as
 * wanting exactly those, so the mistake is a type error at the relation.
 */
export type CheckRelationFields<F> = {
  [K in keyof F]: F[K] extends { readonly "~types"?: { fields: infer N } }
    ? [N] extends [ScalarKeys<F>]
      ? unknown
      : { readonly "~types"?: { fields: ScalarKeys<F> } }
    : unknown;
};

/** Options of `model.index()`. */
export interface IndexOptions {
  /** The index name. @default "<table>_<columns>_idx" */
  name?: string;
  /** A unique index. @default false */
  unique?: boolean;
  /**
   * The access method: "btree", "hash", "gin", "gist", "brin", "spgist" (PostgreSQL), or
   * "fulltext" (MySQL FULLTEXT). @default the database's default
   */
  type?: string;
  /** A partial-index predicate in SQL, naming database columns. */
  where?: string;
}

/** One column of an index with its options (a plain field name means none). */
export interface IndexField<K extends string = string> {
  field: K;
  /** Sort order. @default "asc" */
  order?: "asc" | "desc";
  /** PostgreSQL operator class, e.g. "gin_trgm_ops" (needs its extension: `createClient({ extensions })`). */
  opclass?: string;
  /** MySQL prefix length, in characters. */
  length?: number;
}

/** An index as `.index()` recorded it (field names, not yet columns). */
export interface IndexSpec extends IndexOptions {
  fields: readonly string[];
  /** The entries' options, by position in `fields`; absent when every entry is a plain name. */
  options?: readonly (Omit<IndexField, "field"> | undefined)[];
}

/** A CHECK constraint as `.check()` recorded it. */
export interface CheckSpec {
  name: string;
  /** SQL naming database columns. */
  expression: string;
}

/** A unique constraint as `.unique()` recorded it. */
export interface UniqueSpec {
  fields: readonly string[];
  /** @default "<table>_<columns>_key" */
  name?: string;
}

/** Everything a model builder records; read it with `model["~"]`. */
export interface ModelState<F extends FieldRecord = FieldRecord> {
  readonly type: "model";
  readonly fields: F;
  /** The table name given with `.map()`; the model's key in the schema when absent. */
  readonly table: string | undefined;
  readonly indexes: readonly IndexSpec[];
  readonly uniques: readonly UniqueSpec[];
  /** A compound primary key from `.id([...])`. */
  readonly id: readonly string[] | undefined;
  readonly checks: readonly CheckSpec[];
}

/**
 * A model builder. Its methods take `this` as a type parameter rather than naming `F` in their
 * parameters, so a model stays assignable to `Model` (and to `Schema`) whatever its fields.
 */
export interface Model<F extends FieldRecord = FieldRecord> {
  /** The recorded state, for the serializer and a query client. */
  readonly "~": ModelState<F>;
  /** The table name. @default the model's key in the schema object */
  map<M extends AnyModel>(this: M, table: string): M;
  /**
   * Adds an index over one field or several, in order; an entry may carry its sort order, operator
   * class or prefix length: `.index(["teamId", { field: "createdAt", order: "desc" }])`.
   */
  index<M extends AnyModel>(this: M, fields: IndexFieldList<M>, options?: IndexOptions): M;
  /** Adds a unique constraint over one field or several. */
  unique<M extends AnyModel>(this: M, fields: FieldList<M>, options?: { name?: string }): M;
  /** Sets a compound primary key (instead of a field's `.id()`). */
  id<M extends AnyModel>(this: M, fields: readonly ScalarKeys<M["~"]["fields"]>[]): M;
  /** Adds a CHECK constraint; `expression` is SQL naming database columns, e.g. `.check("price_positive", "price > 0")`. */
  check<M extends AnyModel>(this: M, name: string, expression: string): M;
}

/** One scalar field name of model `M`, or a list of them. */
export type FieldList<M extends AnyModel> = ScalarKeys<M["~"]["fields"]> | readonly ScalarKeys<M["~"]["fields"]>[];

/** Index entries of model `M`: field names, or entries with options. */
export type IndexFieldList<M extends AnyModel> =
  | ScalarKeys<M["~"]["fields"]>
  | IndexField<ScalarKeys<M["~"]["fields"]>>
  | readonly (ScalarKeys<M["~"]["fields"]> | IndexField<ScalarKeys<M["~"]["fields"]>>)[];

/** Any model builder. */
export interface AnyModel {
  readonly "~": ModelState;
}

/**
 * Declares a model. Its name is its key in the schema object, which is also its table name unless
 * `.map()` says otherwise.
 *
 * @example const tag = s.model({ id: s.int().id().increment(), label: s.string().unique() });
 */
export function model<F extends FieldRecord>(fields: F & CheckRelationFields<F>): Model<F> {
  return build<F>({
    type: "model",
    fields: fields as F,
    table: undefined,
    indexes: [],
    uniques: [],
    id: undefined,
    checks: [],
  });
}

// internal

function build<F extends FieldRecord>(state: ModelState<F>): Model<F> {
  const next = (patch: Partial<ModelState<F>>) => build<F>({ ...state, ...patch });
  // The methods return the same model type as their receiver; the casts restate that for `this: M`.
  const model = {
    "~": state,
    map: (table: string) => next({ table }),
    index: (fields: IndexEntry | readonly IndexEntry[], options?: IndexOptions) =>
      next({ indexes: [...state.indexes, indexSpec(fields, options)] }),
    unique: (fields: string | readonly string[], options?: { name?: string }) =>
      next({ uniques: [...state.uniques, { ...options, fields: toList(fields) }] }),
    id: (fields: readonly string[]) => next({ id: toList(fields) }),
    check: (name: string, expression: string) => next({ checks: [...state.checks, { name, expression }] }),
  };
  return model as unknown as Model<F>;
}

type IndexEntry = string | IndexField;

function indexSpec(entries: IndexEntry | readonly IndexEntry[], options: IndexOptions | undefined): IndexSpec {
  const list: readonly IndexEntry[] = Array.isArray(entries) ? entries : [entries as IndexEntry];
  const fields: string[] = [];
  const entryOptions: (Omit<IndexField, "field"> | undefined)[] = [];
  for (const entry of list) {
    if (typeof entry === "object" && entry !== null) {
      const { field, ...rest } = entry;
      fields.push(field);
      entryOptions.push(rest);
    } else {
      fields.push(entry as string);
      entryOptions.push(undefined);
    }
  }
  return entryOptions.some((entry) => entry !== undefined)
    ? { ...options, fields, options: entryOptions }
    : { ...options, fields };
}

function toList(fields: string | readonly string[]): readonly string[] {
  return typeof fields === "string" ? [fields] : [...fields];
}
