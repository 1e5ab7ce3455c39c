/**
 * To-one relations → foreign keys (and the unique key an owning one-to-one needs), after checking
 * every relation's declaration. Many-to-many relations are checked here and built in junction.ts.
 */
import { canonicalJson } from "../util/canonical-json.js";
import { constraintName } from "./names.js";
import { checkName, fail, type ResolvedModel, type ResolvedRelation, type ResolvedScalar } from "./resolve.js";
import { type Column, type ForeignKey, REFERENTIAL_ACTIONS, type Unique } from "./snapshot.js";

/** The columns of each model by field key, as built by the serializer. */
export type ColumnsByModel = ReadonlyMap<ResolvedModel, ReadonlyMap<string, Column>>;

/** The constraints the relations of one model add to its table. */
export interface RelationConstraints {
  foreignKeys: ForeignKey[];
  /** Unique keys over an owning one-to-one's foreign key columns. */
  uniques: Unique[];
}

/**
 * Checks each relation of `model` and builds the foreign keys of those that own one.
 *
 * @example relationConstraints(post, columns) // → { foreignKeys: [post_authorId_fkey], uniques: [] }
 */
export function relationConstraints(model: ResolvedModel, columns: ColumnsByModel): RelationConstraints {
  const result: RelationConstraints = { foreignKeys: [], uniques: [] };
  for (const relation of model.relations) {
    checkMethods(model, relation);
    if (relation.state.fields === undefined) {
      checkInverse(model, relation);
      continue;
    }
    const foreignKey = foreignKeyOf(model, relation, columns);
    result.foreignKeys.push(foreignKey);
    if (relation.state.kind === "oneToOne") {
      result.uniques.push({
        name: constraintName(model.table, foreignKey.columns, "key"),
        columns: foreignKey.columns,
      });
    }
  }
  return result;
}

// internal

/** Methods a relation kind does not take (reachable from plain JavaScript). */
function checkMethods(model: ResolvedModel, { key, state }: ResolvedRelation): void {
  const toOne = state.kind === "oneToOne" || state.kind === "manyToOne";
  if (state.through !== undefined && state.kind !== "manyToMany") {
    fail(model.name, key, "invalidModifier", `is a ${state.kind} relation; only manyToMany takes .through().`);
  }
  if (state.constraint !== undefined && (!toOne || state.fields === undefined)) {
    fail(
      model.name,
      key,
      "invalidModifier",
      "calls .map() but holds no foreign key; name the key on the side with .fields().",
    );
  }
  if (!toOne && (state.fields !== undefined || state.references !== undefined || state.optional)) {
    fail(
      model.name,
      key,
      "invalidModifier",
      `is a ${state.kind} relation, which takes no .fields(), .references() or .optional(); declare them on the side holding the foreign key.`,
    );
  }
  for (const action of [state.onDelete, state.onUpdate]) {
    if (action === undefined) continue;
    if (state.kind === "oneToMany") {
      fail(
        model.name,
        key,
        "invalidModifier",
        "is a oneToMany relation; declare .onDelete()/.onUpdate() on its manyToOne side.",
      );
    }
    if (!REFERENTIAL_ACTIONS.includes(action))
      fail(model.name, key, "invalidModifier", `has action "${action}"; use ${REFERENTIAL_ACTIONS.join(", ")}.`);
  }
  if (toOne && state.fields === undefined && state.references !== undefined) {
    fail(
      model.name,
      key,
      "missingFields",
      "calls .references() without .fields(); name the foreign-key field(s) with .fields().",
    );
  }
  if (state.kind === "manyToOne" && state.fields === undefined) {
    fail(
      model.name,
      key,
      "missingFields",
      'is a manyToOne relation without .fields(); name its foreign-key field(s), e.g. .fields("authorId").',
    );
  }
}

/** A relation without `.fields()` needs its target to hold the foreign key back to this model. */
function checkInverse(model: ResolvedModel, { key, state, target }: ResolvedRelation): void {
  if (state.kind === "manyToMany") return;
  const owning = state.kind === "oneToMany" ? "manyToOne" : "oneToOne";
  const found = target.relations.some(
    (other) => other.state.kind === owning && other.target === model && other.state.fields !== undefined,
  );
  if (!found) {
    fail(
      model.name,
      key,
      "missingInverse",
      `is a ${state.kind} relation but model "${target.name}" declares no ${owning} with .fields() back to "${model.name}"; add it, or give this side .fields().`,
    );
  }
}

function foreignKeyOf(model: ResolvedModel, relation: ResolvedRelation, columns: ColumnsByModel): ForeignKey {
  const { key, state, target } = relation;
  const fields = state.fields ?? [];
  if (fields.length === 0) fail(model.name, key, "emptyFieldList", "calls .fields() with no fields.");
  const own = fields.map((name) => relationScalar(model, key, model, name, ".fields()"));
  const references = state.references ?? target.primaryKey;
  const referenced = references.map((name) => relationScalar(model, key, target, name, ".references()"));
  if (own.length !== referenced.length) {
    fail(
      model.name,
      key,
      "fieldsReferencesMismatch",
      `names ${own.length} field(s) in .fields() but ${referenced.length} in ${state.references ? ".references()" : `the primary key of "${target.name}"`}; they must pair up.`,
    );
  }
  checkReferencedKey(model, relation, references);
  const ownColumns = columns.get(model)!;
  const targetColumns = columns.get(target)!;
  own.forEach((scalar, index) => {
    const other = referenced[index]!;
    // The whole type, lengths and native types too: "(string)" against "(string)" said nothing.
    const [a, b] = [ownColumns.get(scalar.key)!, targetColumns.get(other.key)!].map((column) =>
      canonicalJson(column.array ? [column.type] : column.type, { compact: true }),
    );
    if (a !== b) {
      fail(
        model.name,
        key,
        "typeMismatch",
        `pairs "${scalar.key}" (${a}) with "${target.name}.${other.key}" (${b}); a foreign key needs the same type.`,
      );
    }
  });
  checkNullability(model, relation, own);
  return {
    name:
      state.constraint === undefined
        ? constraintName(
            model.table,
            own.map((scalar) => scalar.column),
            "fkey",
          )
        : checkName(state.constraint, model.name, key, "The foreign key name"),
    columns: own.map((scalar) => scalar.column),
    referencedTable: target.table,
    referencedColumns: referenced.map((scalar) => scalar.column),
    onDelete: state.onDelete ?? "noAction",
    onUpdate: state.onUpdate ?? "noAction",
  };
}

/** Databases require a foreign key to reference a primary key or a unique key, column for column. */
function checkReferencedKey(
  model: ResolvedModel,
  { key, target }: ResolvedRelation,
  references: readonly string[],
): void {
  const wanted = [...references].sort().join("\u0000");
  const keys = [
    target.primaryKey,
    ...target.state.uniques.map((unique) => unique.fields),
    ...target.state.indexes.filter((index) => index.unique && !index.where).map((index) => index.fields),
    ...target.scalars.filter((scalar) => scalar.state.unique).map((scalar) => [scalar.key]),
  ];
  if (!keys.some((fields) => [...fields].sort().join("\u0000") === wanted)) {
    fail(
      model.name,
      key,
      "referencesNotUnique",
      `references ${references.join(", ")} of "${target.name}", which is neither its primary key nor unique.`,
    );
  }
}

function checkNullability(model: ResolvedModel, { key, state }: ResolvedRelation, own: ResolvedScalar[]): void {
  const required = own.find((scalar) => !scalar.state.nullable);
  if (!required) return;
  if (state.optional) {
    fail(
      model.name,
      key,
      "nullability",
      `is optional() but its field "${required.key}" is not nullable(); make it nullable.`,
    );
  }
  if (state.onDelete === "setNull" || state.onUpdate === "setNull") {
    fail(
      model.name,
      key,
      "nullability",
      `sets null on delete/update but its field "${required.key}" is not nullable().`,
    );
  }
}

/** A scalar named by a relation; an unknown one fails naming the relation field. */
function relationScalar(
  model: ResolvedModel,
  relationKey: string,
  owner: ResolvedModel,
  name: string,
  call: string,
): ResolvedScalar {
  const scalar = owner.scalars.find((candidate) => candidate.key === name);
  if (!scalar) {
    fail(
      model.name,
      relationKey,
      call === ".fields()" ? "unknownField" : "unknownReference",
      `names "${name}" in ${call}, which is not a scalar field of "${owner.name}".`,
    );
  }
  return scalar;
}
