/**
 * A read-only view of a model for a query client: each field's column, flags and how its value is
 * produced when an insert omits it (the client-side generators the snapshot leaves out).
 */
import type { AnyModel } from "./model.js";
import type { RelationState } from "./relations.js";
import type { FieldDefault, ScalarState } from "./scalars.js";
import type { ScalarKind } from "./snapshot.js";

/** A scalar field as a query client sees it. */
export interface ScalarDefinition {
  type: "scalar";
  kind: ScalarKind;
  /** The database column name (after `.map()`). */
  column: string;
  id: boolean;
  unique: boolean;
  nullable: boolean;
  array: boolean;
  /**
   * How the value is produced when an insert omits it: a literal (also a database default), a
   * function or an id generator the client runs, `now()`, or `increment()` (the database).
   */
  default: FieldDefault | undefined;
  /** The client sets the value on every update. */
  updatedAt: boolean;
  /** The values of an enum field. */
  enumValues: readonly string[] | undefined;
}

/** A relation field as a query client sees it. */
export interface RelationDefinition extends Omit<RelationState, "type"> {
  type: "relation";
}

/** A model as a query client sees it. */
export interface ModelDefinition {
  /** The table given with `.map()`; `undefined` means the model's key in the schema. */
  table: string | undefined;
  /** The primary key's field names, in order. */
  id: readonly string[];
  /** Every field by name, in declaration order. */
  fields: Record<string, ScalarDefinition | RelationDefinition>;
}

/**
 * Describes a model's fields for a query client (not validated: `serializeSchema` does that).
 *
 * @example getModelDefinition(user).fields.id // → { type: "scalar", kind: "string", default: { kind: "generator", generator: "uuid" }, … }
 */
export function getModelDefinition(model: AnyModel): ModelDefinition {
  const state = model["~"];
  const fields: Record<string, ScalarDefinition | RelationDefinition> = {};
  for (const [key, field] of Object.entries(state.fields)) {
    const fieldState = field["~"];
    fields[key] =
      fieldState.type === "scalar" ? scalarDefinition(key, fieldState) : { ...fieldState, type: "relation" };
  }
  const ids = Object.entries(fields).flatMap(([key, field]) => (field.type === "scalar" && field.id ? [key] : []));
  return { table: state.table, id: state.id ?? ids, fields };
}

// internal

function scalarDefinition(key: string, state: ScalarState): ScalarDefinition {
  return {
    type: "scalar",
    kind: state.kind,
    column: state.column ?? key,
    id: state.id,
    unique: state.unique,
    nullable: state.nullable,
    array: state.array,
    default: state.defaults[0],
    updatedAt: state.updatedAt,
    enumValues: state.enumValues,
  };
}
