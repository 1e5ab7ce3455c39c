/**
 * First pass of serialisation: turn the user's schema object into resolved models (names, tables,
 * columns, primary keys, relation targets), failing with `INVALID_SCHEMA` on the structural
 * problems: values that are not models, duplicate tables or columns, unknown fields, missing ids,
 * relation targets outside the schema.
 */
import { InvalidSchemaError } from "../errors.js";
import type { AnyModel, ModelState } from "./model.js";
import { byteLength, compareStrings, MAX_IDENTIFIER_LENGTH } from "./names.js";
import type { RelationState } from "./relations.js";
import type { ScalarState } from "./scalars.js";

/** A scalar field with its column name. */
export interface ResolvedScalar {
  key: string;
  state: ScalarState;
  column: string;
}

/** A relation field with its target model. */
export interface ResolvedRelation {
  key: string;
  state: RelationState;
  target: ResolvedModel;
}

/** A model with everything named. */
export interface ResolvedModel {
  /** The model's key in the schema object. */
  name: string;
  state: ModelState;
  table: string;
  /** In declaration order. */
  scalars: ResolvedScalar[];
  /** In declaration order. */
  relations: ResolvedRelation[];
  /**
   * Field keys of the key that identifies a row, in order: the primary key, or for a model without
   * one, its first unique (what relations reference and junction tables copy by default).
   */
  primaryKey: string[];
  /** False for a model identified by a unique alone: its table has no primary key. */
  hasPrimaryKey: boolean;
}

/** Stable identifiers of each `INVALID_SCHEMA` problem, found in `error.meta.problem`. */
export type SchemaProblem =
  | "notAModel"
  | "duplicateModel"
  | "duplicateTable"
  | "duplicateColumn"
  | "duplicateName"
  | "invalidName"
  | "missingId"
  | "multipleIds"
  | "nullableId"
  | "unknownField"
  | "emptyFieldList"
  | "unknownRelationTarget"
  | "invalidModifier"
  | "conflictingDefaults"
  | "invalidDefault"
  | "invalidEnum"
  | "enumConflict"
  | "missingFields"
  | "unsupportedByDialect"
  | "fieldsReferencesMismatch"
  | "unknownReference"
  | "referencesNotUnique"
  | "typeMismatch"
  | "nullability"
  | "missingInverse"
  | "junctionConflict"
  | "reservedName";

/** Tables whose names start with this are viborm's own (tracking, progress): no model may use it. */
export const RESERVED_TABLE_PREFIX = "_viborm_";

/**
 * Throws `INVALID_SCHEMA` whose message names the model and field; `meta` holds both and the problem.
 *
 * @example fail("post", "author", "missingFields", "calls no .fields()")
 */
export function fail(
  model: string | undefined,
  field: string | undefined,
  problem: SchemaProblem,
  detail: string,
  facts: { dialect?: string } = {},
): never {
  const where = model === undefined ? "Schema" : field === undefined ? `Model "${model}"` : `Field "${model}.${field}"`;
  throw new InvalidSchemaError(`${where}: ${detail}`, { model, field, problem, ...facts });
}

/** Checks a user-given database name: non-empty and within every dialect's identifier limit. */
export function checkName(name: unknown, model: string | undefined, field: string | undefined, what: string): string {
  if (typeof name !== "string" || name.length === 0)
    fail(model, field, "invalidName", `${what} must be a non-empty string.`);
  if (byteLength(name) > MAX_IDENTIFIER_LENGTH) {
    fail(
      model,
      field,
      "invalidName",
      `${what} "${name}" is longer than ${MAX_IDENTIFIER_LENGTH} bytes; choose a shorter name.`,
    );
  }
  return name;
}

/** Resolves every model of the schema, sorted by model name. */
export function resolveModels(schema: unknown): ResolvedModel[] {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) {
    fail(undefined, undefined, "notAModel", "the schema must be an object of models, e.g. { user, post }.");
  }
  const entries = Object.entries(schema as Record<string, unknown>).sort(([a], [b]) => compareStrings(a, b));
  const byModel = new Map<unknown, ResolvedModel>();
  const resolved: ResolvedModel[] = [];
  for (const [name, value] of entries) {
    if (!isModel(value)) fail(name, undefined, "notAModel", "is not a model; build it with s.model({...}).");
    const previous = byModel.get(value);
    if (previous) {
      fail(name, undefined, "duplicateModel", `is the same model object as "${previous.name}"; declare it once.`);
    }
    const model = resolveModel(name, value["~"]);
    byModel.set(value, model);
    resolved.push(model);
  }
  checkDuplicateTables(resolved);
  for (const model of resolved) resolveRelations(model, byModel);
  return resolved;
}

// internal

function isModel(value: unknown): value is AnyModel {
  if (value === null || typeof value !== "object") return false;
  return (value as Partial<AnyModel>)["~"]?.type === "model";
}

function resolveModel(name: string, state: ModelState): ResolvedModel {
  const table = checkName(state.table ?? name, name, undefined, "The table name");
  // viborm's own bookkeeping tables are hidden from introspection: a model living there would be
  // invisible to every later push and apply, which would try to create it again and again.
  if (table.toLowerCase().startsWith(RESERVED_TABLE_PREFIX)) {
    fail(
      name,
      undefined,
      "reservedName",
      `the table name "${table}" starts with "${RESERVED_TABLE_PREFIX}", which viborm reserves for its own tables; choose another with .map().`,
    );
  }
  const scalars: ResolvedScalar[] = [];
  const columns = new Map<string, string>();
  for (const [key, field] of Object.entries(state.fields)) {
    const fieldState = (field as { "~"?: ScalarState | RelationState } | null)?.["~"];
    if (fieldState?.type === "relation") continue;
    if (fieldState?.type !== "scalar")
      fail(name, key, "notAModel", "is neither a scalar (s.string(), …) nor a relation.");
    const column = checkName(fieldState.column ?? key, name, key, "The column name");
    const clash = columns.get(column);
    if (clash !== undefined) fail(name, key, "duplicateColumn", `maps to column "${column}", as "${clash}" does.`);
    columns.set(column, key);
    scalars.push({ key, state: fieldState, column });
  }
  const model: ResolvedModel = { name, state, table, scalars, relations: [], primaryKey: [], hasPrimaryKey: true };
  model.primaryKey = resolvePrimaryKey(model);
  model.hasPrimaryKey = model.state.id !== undefined || scalars.some((scalar) => scalar.state.id);
  checkFieldLists(model);
  return model;
}

function resolvePrimaryKey(model: ResolvedModel): string[] {
  const idFields = model.scalars.filter((scalar) => scalar.state.id);
  const compound = model.state.id;
  if (compound && idFields.length > 0) {
    fail(
      model.name,
      idFields[0]!.key,
      "multipleIds",
      "is marked .id() but the model also declares .id([...]); keep one.",
    );
  }
  if (idFields.length > 1) {
    fail(
      model.name,
      idFields[1]!.key,
      "multipleIds",
      `is a second .id() field; use the model's .id([...]) for a compound key.`,
    );
  }
  const keys = compound ? [...compound] : idFields.map((scalar) => scalar.key);
  if (keys.length === 0) return identifyingUnique(model);
  for (const key of keys) {
    const scalar = scalarOf(model, key, "in .id([...])");
    if (scalar.state.nullable)
      fail(model.name, key, "nullableId", "is part of the primary key and cannot be nullable().");
  }
  return keys;
}

/** A model without a primary key is identified by its first unique: a field's, then the model's. */
function identifyingUnique(model: ResolvedModel): string[] {
  const field = model.scalars.find((scalar) => scalar.state.unique);
  if (field) return [field.key];
  const unique = model.state.uniques[0];
  if (unique && unique.fields.length > 0) return [...unique.fields];
  return fail(
    model.name,
    undefined,
    "missingId",
    "has neither a primary key nor a unique; mark a field .id() or .unique(), or call .id([...]) or .unique([...]).",
  );
}

/** Checks the field lists of `.index()`, `.unique()` and `.id()`. */
function checkFieldLists(model: ResolvedModel): void {
  const lists = [
    ...model.state.indexes.map((index) => ({ fields: index.fields, call: ".index()" })),
    ...model.state.uniques.map((unique) => ({ fields: unique.fields, call: ".unique()" })),
    ...(model.state.id ? [{ fields: model.state.id, call: ".id()" }] : []),
  ];
  for (const { fields, call } of lists) {
    if (fields.length === 0) fail(model.name, undefined, "emptyFieldList", `calls ${call} with no fields.`);
    for (const key of fields) scalarOf(model, key, `in ${call}`);
  }
}

/** The scalar field `key` of `model`, or `INVALID_SCHEMA` naming it as unknown. */
export function scalarOf(model: ResolvedModel, key: string, where: string): ResolvedScalar {
  const scalar = model.scalars.find((candidate) => candidate.key === key);
  if (!scalar) {
    const relation = Object.hasOwn(model.state.fields, key);
    const why = relation ? "is a relation, not a scalar field" : "is not a field of the model";
    fail(model.name, key, "unknownField", `${why} (named ${where}).`);
  }
  return scalar;
}

function checkDuplicateTables(models: ResolvedModel[]): void {
  const tables = new Map<string, string>();
  for (const model of models) {
    const clash = tables.get(model.table);
    if (clash !== undefined)
      fail(model.name, undefined, "duplicateTable", `maps to table "${model.table}", as model "${clash}" does.`);
    tables.set(model.table, model.name);
  }
}

function resolveRelations(model: ResolvedModel, byModel: Map<unknown, ResolvedModel>): void {
  for (const [key, field] of Object.entries(model.state.fields)) {
    const state = (field as { "~": ScalarState | RelationState })["~"];
    if (state.type !== "relation") continue;
    if (typeof state.target !== "function") {
      fail(
        model.name,
        key,
        "unknownRelationTarget",
        `takes a thunk returning its target model, e.g. s.${state.kind}(() => other).`,
      );
    }
    let value: unknown;
    try {
      value = state.target();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      fail(model.name, key, "unknownRelationTarget", `its target thunk threw (${reason}).`);
    }
    const target = byModel.get(value);
    if (!target) {
      fail(
        model.name,
        key,
        "unknownRelationTarget",
        "relates to a model that is not in the schema; add it to the schema object.",
      );
    }
    model.relations.push({ key, state, target });
  }
}
