/**
 * The schema → snapshot serializer: resolve and check the models, build each table, the junction
 * tables and the enums, check that every database name is distinct, and return the canonical form.
 */
import { columnOf } from "./columns.js";
import { checkDialect } from "./dialect-support.js";
import { type ColumnsByModel, relationConstraints } from "./foreign-keys.js";
import { junctionTables } from "./junction.js";
import type { AnyModel } from "./model.js";
import { constraintName } from "./names.js";
import { checkName, fail, type ResolvedModel, resolveModels } from "./resolve.js";
import {
  type Check,
  type Column,
  canonicalize,
  type Enum,
  type Index,
  type IndexColumnOptions,
  SNAPSHOT_VERSION,
  type Snapshot,
  type Table,
  type Unique,
} from "./snapshot.js";
import { fragmentProblem } from "./sql-fragment.js";

/** A schema: model name → model. The names are the keys (`{ user, post }` → "user", "post"). */
export type Schema = Record<string, AnyModel>;

/** The dialects a schema is checked against (the dialect layer's names). */
export type SchemaDialect = "postgres" | "mysql" | "sqlite";

/** What a client adds to its schema: the dialect it is checked for, and client-wide choices. */
export interface SerializeOptions {
  /** Fail with `INVALID_SCHEMA` for any option this dialect cannot express. */
  dialect?: SchemaDialect;
  /**
   * `false`: relations create no foreign-key constraints; each relation's columns get an index instead,
   * unless a key or index already starts with them. @default true
   */
  foreignKeys?: boolean;
  /** PostgreSQL extensions the schema needs, created when missing. */
  extensions?: readonly string[];
}

/**
 * Validates `schema` and serialises it to its canonical, dialect-neutral snapshot. The same schema
 * always gives an equal snapshot, whatever order its models are listed in.
 *
 * @throws InvalidSchemaError (`INVALID_SCHEMA`) naming the model and field at fault.
 * @example const snapshot = serializeSchema({ user, post, tag });
 */
export function serializeSchema(schema: Schema, options: SerializeOptions = {}): Snapshot {
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
  if (options.foreignKeys === false) {
    for (const table of tables) {
      for (const index of indexesInsteadOfForeignKeys(table)) {
        names.add({ name: index.name, table: false, model: undefined, field: undefined, what: `"${index.name}"` });
        table.indexes.push(index);
      }
      table.foreignKeys = [];
    }
  }
  if (options.dialect !== undefined) checkDialect(models, tables, options.dialect);
  const snapshot: Snapshot = {
    version: SNAPSHOT_VERSION,
    tables,
    enums: enums.map(({ name, values }) => ({ name, values })),
  };
  if (options.extensions !== undefined && options.extensions.length > 0) snapshot.extensions = [...options.extensions];
  return canonicalize(snapshot);
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
    primaryKey: model.hasPrimaryKey ? { columns: model.primaryKey.map(column) } : null,
    uniques: uniquesOf(model, column, relationUniques),
    indexes: indexesOf(model, column),
    foreignKeys,
  };
  const checks = checksOf(model);
  if (checks.length > 0) table.checks = checks;
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
  const primaryKey = model.hasPrimaryKey ? [model.primaryKey.map(column)] : [];
  const covered = (cols: string[]) =>
    [...primaryKey, ...uniques.map((unique) => unique.columns)].some((key) => sameSet(key, cols));
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
    if (spec.type !== undefined) index.type = checkIndexType(spec.type, model.name);
    if (spec.where !== undefined) {
      if (typeof spec.where !== "string" || spec.where.trim() === "")
        fail(model.name, undefined, "invalidModifier", `index "${index.name}" has an empty where predicate.`);
      const problem = fragmentProblem(spec.where);
      if (problem)
        fail(model.name, undefined, "invalidModifier", `index "${index.name}"'s where predicate ${problem}.`);
      index.where = spec.where;
    }
    const columnOptions: Record<string, IndexColumnOptions> = {};
    spec.fields.forEach((field, i) => {
      const options = indexColumnOptions(model.name, field, spec.options?.[i]);
      if (options) columnOptions[cols[i]!] = options;
    });
    if (Object.keys(columnOptions).length > 0) index.columnOptions = columnOptions;
    return index;
  });
}

/** Index access methods the dialects know; "fulltext" is MySQL's FULLTEXT. */
const INDEX_TYPES = ["btree", "hash", "gin", "gist", "brin", "spgist", "fulltext"] as const;

function checkIndexType(type: unknown, model: string): string {
  const name = typeof type === "string" ? type.toLowerCase() : type;
  if (typeof name !== "string" || !(INDEX_TYPES as readonly string[]).includes(name))
    fail(
      model,
      undefined,
      "invalidModifier",
      `has index type ${JSON.stringify(type)}; use one of ${INDEX_TYPES.join(", ")}.`,
    );
  return name;
}

function indexColumnOptions(
  model: string,
  field: string,
  given: { order?: unknown; opclass?: unknown; length?: unknown } | undefined,
): IndexColumnOptions | null {
  if (given === undefined) return null;
  const options: IndexColumnOptions = {};
  if (given.order !== undefined && given.order !== "asc") {
    if (given.order !== "desc")
      fail(model, field, "invalidModifier", `has index order ${JSON.stringify(given.order)}; use "asc" or "desc".`);
    options.order = "desc";
  }
  if (given.opclass !== undefined) {
    if (typeof given.opclass !== "string" || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(given.opclass))
      fail(
        model,
        field,
        "invalidModifier",
        `has opclass ${JSON.stringify(given.opclass)}, which is not an operator class name.`,
      );
    options.opclass = given.opclass;
  }
  if (given.length !== undefined) {
    if (!Number.isInteger(given.length) || (given.length as number) < 1 || (given.length as number) > 3072)
      fail(
        model,
        field,
        "invalidModifier",
        `has index prefix length ${String(given.length)}; it must be an integer 1–3072.`,
      );
    options.length = given.length as number;
  }
  return Object.keys(options).length > 0 ? options : null;
}

function checksOf(model: ResolvedModel): Check[] {
  const checks: Check[] = [];
  for (const check of model.state.checks ?? []) {
    const name = checkName(check.name, model.name, undefined, "The check constraint name");
    if (typeof check.expression !== "string" || check.expression.trim() === "")
      fail(model.name, undefined, "invalidModifier", `check "${name}" has no SQL expression.`);
    const problem = fragmentProblem(check.expression);
    if (problem) fail(model.name, undefined, "invalidModifier", `check "${name}"'s expression ${problem}.`);
    if (checks.some((other) => other.name === name))
      fail(model.name, undefined, "duplicateName", `declares check "${name}" twice.`);
    checks.push({ name, expression: check.expression.trim() });
  }
  return checks;
}

/**
 * With `foreignKeys: false`, the index each relation's columns get instead of a foreign key, unless
 * the primary key, a unique or an index already starts with those columns.
 */
function indexesInsteadOfForeignKeys(table: Table): Index[] {
  const added: Index[] = [];
  const keys = () => [
    ...(table.primaryKey ? [table.primaryKey.columns] : []),
    ...table.uniques.map((unique) => unique.columns),
    ...[...table.indexes, ...added].map((index) => index.columns),
  ];
  for (const foreignKey of table.foreignKeys) {
    const starts = (key: readonly string[]) => foreignKey.columns.every((column, i) => key[i] === column);
    if (keys().some(starts)) continue;
    added.push({
      name: constraintName(table.name, foreignKey.columns, "idx"),
      columns: [...foreignKey.columns],
      unique: false,
    });
  }
  return added;
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
  return [...table.uniques, ...table.indexes, ...table.foreignKeys, ...(table.checks ?? [])].map((item) => item.name);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
