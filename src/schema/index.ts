/**
 * @module The schema DSL (`s`) and its serializer to the dialect-neutral snapshot.
 */
import { model } from "./model.js";
import { relations } from "./relations.js";
import { scalars } from "./scalars.js";

/**
 * The schema builder: scalars, `model` and relations.
 *
 * @example
 * const tag = s.model({ id: s.int().id().increment(), label: s.string().unique() });
 * const post = s.model({ id: s.int().id().increment(), tags: s.manyToMany(() => tag) });
 * export const schema = { post, tag };
 */
export const s = { ...scalars, model, ...relations };

export { DEFAULT_DECIMAL } from "./columns.js";
export {
  getModelDefinition,
  type ModelDefinition,
  type RelationDefinition,
  type ScalarDefinition,
} from "./definition.js";
export { snapshotFromJson, snapshotToJson } from "./json.js";
export type {
  AnyModel,
  CheckSpec,
  FieldRecord,
  IndexField,
  IndexOptions,
  Model,
  ModelState,
  ScalarKeys,
} from "./model.js";
export {
  constraintName,
  enumTypeName,
  fnv1a32,
  junctionTableName,
  MAX_IDENTIFIER_LENGTH,
  shortenIdentifier,
} from "./names.js";
export type {
  AnyRelationField,
  FieldNames,
  ManyToManyRelation,
  RelationField,
  RelationKind,
  RelationState,
  ToManyRelation,
  ToOneRelation,
} from "./relations.js";
export type { SchemaProblem } from "./resolve.js";
export type {
  AnyScalarField,
  FieldDefault,
  FieldFlags,
  FieldValue,
  IdGenerator,
  JsonValue,
  ScalarField,
  ScalarState,
} from "./scalars.js";
export { type Schema, type SchemaDialect, type SerializeOptions, serializeSchema } from "./serialize.js";
export { canonicalize, emptySnapshot, SNAPSHOT_VERSION } from "./snapshot.js";
