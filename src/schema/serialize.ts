/**
 * The schema → snapshot serializer: resolve and check the models, build each table, the junction
 * tables and the enums, check that every database name is distinct, and return the canonical form.
 */
import { columnOf } from "./columns.js";
import { type ColumnsByModel, relationConstraints } from "./foreign-keys.js";
import { junctionTables } from "./junction.js";
import type { AnyModel } from "./model.js";
import { constraintName } from "./names.js";
import { checkName, fail, type ResolvedModel, resolveModels } from "./resolve.js";
import {
  type Column,
  canonicalize,
  type Enum,
  type Index,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
  type Unique,
} from "./snapshot.js";

/** A schema: model name → model. The names are the keys (`{ user, post }` → "user", "post"). */
export type Schema = Record<string, AnyModel>;

/**
 * Validates `schema` and serialises it to its canonical, dialect-neutral snapshot. The same schema
 * always gives an equal snapshot, whatever order its models are listed in.
 *
 * @throws InvalidSchemaError (`INVALID_SCHEMA`) naming the model and field at fault.
 * @example const snapshot = serializeSchema({ user, post, tag });
 */
export function serializeSchema(schema: Schema): Snapshot {
  const models = resolveModels(schema);
  const columns = new Map<ResolvedModel, Map<string, Column>>();
  for (const model of models) {
    columns.set(model, new Map(model.scalars.map((scalar) => [scalar.key, columnOf(model, scalar)])));
  }
  const names = createNameRegistry();
  const tables = models.map((model) => tableOf(model, columns, names));
  for (const junction of junctionTables(models, (model, key) => columns.get(model)!.get(key)!)) {
    const { table, model, field } = junction;
    names.add({ name: table.name, table: true, model, field, what: `junction table "${table.name}"` });
    for (const name of constraintNames(table)) names.add({ name, table: false, model, field, what: `"${name}"` });
    tables.push(junction.table);
  }
  const enums = enumsOf(models, columns);
  for (const { name, model, field } of enums)
    names.add({ name, table: false, model, field, what: `enum type "${name}"` });
  return canonicalize({
    version: SNAPSHOT_VERSION,
    tables,
    enums: enums.map(({ name, values }) => ({ name, values })),
  });
}

// internal

interface NameRegistry {
  /** Registers a database name, or fails when another table, index, constraint or enum has it. */
  add(entry: {
    name: string;
    table: boolean;
    model: string | undefined;
    field: string | undefined;
    what: string;
  }): void;
}

/**
 * Tables, indexes, constraints and enum types share namespaces somewhere (PostgreSQL: tables, indexes
 * and types; MySQL: foreign keys per database), so every name must be distinct across the snapshot.
 */
function createNameRegistry(): NameRegistry {
  const owners = new Map<string, { table: boolean; what: string }>();
  return {
    add({ name, table, model, field, what }) {
      const owner = owners.get(name);
      if (owner !== undefined) {
        fail(
          model,
          field,
          owner.table && table ? "duplicateTable" : "duplicateName",
          `${what} has the same name as ${owner.what}; rename one (e.g. with { name } or .map()).`,
        );
      }
      owners.set(name, { table, what });
    },
  };
}

function tableOf(model: ResolvedModel, columns: ColumnsByModel, names: NameRegistry): Table {
  const own = columns.get(model)!;
  const column = (key: string) => own.get(key)!.name;
  const { foreignKeys, uniques: relationUniques } = relationConstraints(model, columns);
  const table: Table = {
    name: model.table,
    columns: [...own.values()],
    primaryKey: { columns: model.primaryKey.map(column) },
    uniques: uniquesOf(model, column, relationUniques),
    indexes: indexesOf(model, column),
    foreignKeys,
  };
  names.add({ name: table.name, table: true, model: model.name, field: undefined, what: `table "${table.name}"` });
  for (const name of constraintNames(table))
    names.add({ name, table: false, model: model.name, field: undefined, what: `"${name}" on table "${table.name}"` });
  return table;
}

function uniquesOf(model: ResolvedModel, column: (key: string) => string, fromRelations: Unique[]): Unique[] {
  const uniques: Unique[] = [];
  const add = (unique: Unique) => {
    const same = uniques.find((other) => other.name === unique.name);
    if (!same || same.columns.join("\u0000") !== unique.columns.join("\u0000")) uniques.push(unique);
  };
  for (const scalar of model.scalars) {
    if (scalar.state.unique)
      add({ name: constraintName(model.table, [scalar.column], "key"), columns: [scalar.column] });
  }
  for (const unique of model.state.uniques) {
    const cols = unique.fields.map(column);
    const name =
      unique.name === undefined
        ? constraintName(model.table, cols, "key")
        : checkName(unique.name, model.name, undefined, "The unique constraint name");
    add({ name, columns: cols });
  }
  // A one-to-one's foreign key needs a unique key, unless the primary key or a unique already is one.
  const covered = (cols: string[]) =>
    [model.primaryKey.map(column), ...uniques.map((unique) => unique.columns)].some((key) => sameSet(key, cols));
  for (const unique of fromRelations) if (!covered(unique.columns)) add(unique);
  return uniques;
}

function indexesOf(model: ResolvedModel, column: (key: string) => string): Index[] {
  return model.state.indexes.map((spec) => {
    const cols = spec.fields.map(column);
    const index: Index = {
      name:
        spec.name === undefined
          ? constraintName(model.table, cols, "idx")
          : checkName(spec.name, model.name, undefined, "The index name"),
      columns: cols,
      unique: spec.unique === true,
    };
    if (spec.type !== undefined) index.type = spec.type;
    if (spec.where !== undefined) index.where = spec.where;
    return index;
  });
}

/** Named enum types from every enum column; columns naming one type must agree on its values. */
function enumsOf(
  models: readonly ResolvedModel[],
  columns: ColumnsByModel,
): (Enum & { model: string; field: string })[] {
  const enums = new Map<string, Enum & { model: string; field: string }>();
  for (const model of models) {
    for (const scalar of model.scalars) {
      const { type } = columns.get(model)!.get(scalar.key)!;
      if (type.kind !== "enum") continue;
      const existing = enums.get(type.name);
      if (existing && existing.values.join("\u0000") !== type.values.join("\u0000")) {
        fail(
          model.name,
          scalar.key,
          "enumConflict",
          `uses enum "${type.name}" with values [${type.values.join(", ")}], but "${existing.model}.${existing.field}" gives it [${existing.values.join(", ")}].`,
        );
      }
      if (!existing)
        enums.set(type.name, { name: type.name, values: [...type.values], model: model.name, field: scalar.key });
    }
  }
  return [...enums.values()];
}

function constraintNames(table: Table): string[] {
  return [...table.uniques, ...table.indexes, ...table.foreignKeys].map((item) => item.name);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
