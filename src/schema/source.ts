/**
 * A snapshot as viborm schema code: the TypeScript module `pull` writes. Each table is an
 * `s.model(...)` (scalars with their types, defaults, keys; the model's compound keys, uniques,
 * indexes and checks), each foreign key a relation on both sides, and `.map()` wherever a database
 * name is not the plain identifier the code uses. Serialising the module's schema gives back the
 * snapshot, so pushing it to the database it came from plans nothing.
 */
import { constraintName, enumTypeName } from "./names.js";
import {
  type Column,
  type ColumnDefault,
  DEFAULT_TIME_PRECISION,
  type ForeignKey,
  type Index,
  isIndexExpression,
  type Snapshot,
  type Table,
} from "./snapshot.js";

/** What {@link schemaSource} returns. */
export interface SchemaSource {
  /** The module's text, formatted. */
  source: string;
  /** What the code cannot say exactly (a default only the database can compute, a table without any key). */
  warnings: string[];
}

/**
 * The schema code of `snapshot`.
 *
 * @example schemaSource(await introspect(context)).source // → 'import { s } from "viborm";\n\nexport const user = s.model({…'
 */
export function schemaSource(snapshot: Snapshot): SchemaSource {
  const warnings: string[] = [];
  const names = modelNames(snapshot.tables);
  const fieldsByTable = new Map(snapshot.tables.map((table) => [table.name, fieldNames(table)]));
  const relations = relationsOf(snapshot.tables, names, fieldsByTable);
  const models = [...snapshot.tables]
    .sort((a, b) => compare(names.get(a.name)!.variable, names.get(b.name)!.variable))
    .map((table) =>
      modelSource(table, names, fieldsByTable.get(table.name)!, relations.get(table.name) ?? [], warnings),
    );
  const entries = [...names.values()]
    .sort((a, b) => compare(a.key, b.key))
    .map(({ key, variable }) => (key === variable ? `  ${key},` : `  ${propertyKey(key)}: ${variable},`));
  const header = [
    "/**",
    " * The database's schema as viborm models, written by `viborm pull`. Review it, then make it yours:",
    " * rename fields and relations freely (`.map()` keeps the database names).",
    " */",
    'import { s } from "viborm";',
  ];
  const source = [...header, "", ...models, `export const schema = {\n${entries.join("\n")}\n};`, ""].join("\n");
  return { source, warnings };
}

// internal

interface ModelName {
  /** The key in the schema object (the table name when it is a plain identifier). */
  key: string;
  /** The `const` holding the model. */
  variable: string;
}

interface RelationSource {
  field: string;
  code: string;
}

/** Words a `const` cannot be named (reserved in strict-mode modules), plus the builder's own `s`. */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval s schema"
  ).split(" "),
);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function modelNames(tables: readonly Table[]): Map<string, ModelName> {
  const names = new Map<string, ModelName>();
  const used = new Set<string>();
  for (const table of [...tables].sort((a, b) => compare(a.name, b.name))) {
    const key = unique(IDENTIFIER.test(table.name) ? table.name : camel(table.name), used);
    used.add(key);
    const variable = RESERVED.has(key) ? `${key}Model` : key;
    names.set(table.name, { key, variable });
  }
  return names;
}

/** Field name by column name: the column itself when it is a plain identifier. */
function fieldNames(table: Table): Map<string, string> {
  const fields = new Map<string, string>();
  const used = new Set<string>();
  for (const column of table.columns) {
    const field = unique(IDENTIFIER.test(column.name) ? column.name : camel(column.name), used);
    used.add(field);
    fields.set(column.name, field);
  }
  return fields;
}

function modelSource(
  table: Table,
  names: Map<string, ModelName>,
  fields: Map<string, string>,
  relations: readonly RelationSource[],
  warnings: string[],
): string {
  const { key, variable } = names.get(table.name)!;
  const field = (column: string) => fields.get(column) ?? column;
  const singlePrimaryKey = table.primaryKey?.columns.length === 1 ? table.primaryKey.columns[0] : undefined;
  const fieldUniques = new Set(
    table.uniques
      .filter((u) => u.columns.length === 1 && u.name === constraintName(table.name, u.columns, "key"))
      .map((u) => u.columns[0]!),
  );
  const lines = table.columns.map((column) => {
    const code = scalarSource(table, column, field(column.name), {
      id: column.name === singlePrimaryKey,
      unique: fieldUniques.has(column.name),
      warnings,
    });
    return `  ${propertyKey(field(column.name))}: ${code},`;
  });
  for (const relation of relations) lines.push(`  ${propertyKey(relation.field)}: ${relation.code},`);
  const calls: string[] = [];
  if (key !== table.name) calls.push(`.map(${literal(table.name)})`);
  if (table.primaryKey && singlePrimaryKey === undefined)
    calls.push(`.id([${table.primaryKey.columns.map((c) => literal(field(c))).join(", ")}])`);
  for (const u of table.uniques) {
    if (u.columns.length === 1 && fieldUniques.has(u.columns[0]!)) continue;
    const named = u.name === constraintName(table.name, u.columns, "key") ? "" : `, { name: ${literal(u.name)} }`;
    calls.push(`.unique([${u.columns.map((c) => literal(field(c))).join(", ")}]${named})`);
  }
  for (const index of table.indexes) {
    if (index.columns.some(isIndexExpression)) {
      // Push keeps such an index as it is (it drops nothing the schema cannot declare).
      warnings.push(
        `Index ${index.name} on ${table.name} has an expression key part (${index.columns.find(isIndexExpression)}), which the schema cannot say; it is left out, and push keeps it.`,
      );
    } else calls.push(indexSource(table, index, field));
  }
  for (const check of table.checks ?? []) calls.push(`.check(${literal(check.name)}, ${literal(check.expression)})`);
  if (!table.primaryKey && table.uniques.length === 0 && !table.indexes.some((index) => index.unique)) {
    warnings.push(
      `Table ${table.name} has neither a primary key nor a unique key; give model "${key}" one before using it.`,
    );
  }
  const chain = calls.length > 0 ? `\n  ${calls.join("\n  ")}` : "";
  return `export const ${variable} = s\n  .model({\n${lines.map((line) => `  ${line}`).join("\n")}\n  })${chain.replace(/\n {2}/g, "\n  ")};\n`;
}

function scalarSource(
  table: Table,
  column: Column,
  field: string,
  { id, unique, warnings }: { id: boolean; unique: boolean; warnings: string[] },
): string {
  const { type } = column;
  let code: string;
  switch (type.kind) {
    case "string":
      code = `s.string()${type.length === undefined ? "" : `.${type.fixed ? "char" : "varchar"}(${type.length})`}`;
      break;
    case "decimal":
      code = type.precision > 0 ? `s.decimal(${type.precision}, ${type.scale})` : "s.decimal()";
      break;
    case "dateTime":
      code = `s.dateTime()${type.withTimezone === false ? ".withoutTimezone()" : ""}${precision(type.precision)}`;
      break;
    case "time":
      code = `s.time()${type.precision === undefined ? "" : `.precision(${type.precision})`}`;
      break;
    case "enum": {
      const named = type.name === "" || type.name === enumTypeName(table.name, column.name);
      code = `s.enum([${type.values.map(literal).join(", ")}]${named ? "" : `, { name: ${literal(type.name)} }`})`;
      break;
    }
    default:
      code = `s.${type.kind}()`;
  }
  const nativeType = { ...column.nativeType };
  // An unconstrained PostgreSQL numeric has no s.decimal() form of its own: it is the native type.
  if (type.kind === "decimal" && type.precision === 0 && nativeType.postgres === undefined)
    nativeType.postgres = "numeric";
  if (Object.keys(nativeType).length > 0) {
    const entries = Object.entries(nativeType).map(([dialect, name]) => `${dialect}: ${literal(name!)}`);
    code += `.nativeType({ ${entries.join(", ")} })`;
  }
  if (column.array) code += ".array()";
  if (id) code += ".id()";
  if (unique) code += ".unique()";
  if (column.nullable && !id) code += ".nullable()";
  if (column.autoIncrement) code += ".increment()";
  else if (column.default) code += defaultSource(table, column, column.default, warnings);
  if (column.generated)
    warnings.push(
      `Column ${table.name}.${column.name} is generated from ${column.generated.expression}, which the schema cannot say; it is written as a plain column, and push and generate keep it generated.`,
    );
  if (column.name !== field) code += `.map(${literal(column.name)})`;
  return code;
}

function precision(digits: number | undefined): string {
  return digits === undefined || digits === DEFAULT_TIME_PRECISION ? "" : `.precision(${digits})`;
}

function defaultSource(table: Table, column: Column, given: ColumnDefault, warnings: string[]): string {
  switch (given.kind) {
    case "now":
      return ".now()";
    case "uuid":
      return ".uuid()";
    case "sql":
      warnings.push(
        `Column ${table.name}.${column.name} has the default ${given.expression}, which the schema cannot say; it is left out.`,
      );
      return "";
    case "literal":
      return `.default(${literalDefault(column, given.value)})`;
  }
}

function literalDefault(column: Column, value: string | number | boolean): string {
  if (column.array && typeof value === "string") {
    const items = JSON.parse(value) as unknown[];
    return `[${items.map((item) => scalarLiteral(column, item as string | number | boolean)).join(", ")}]`;
  }
  return scalarLiteral(column, value);
}

function scalarLiteral(column: Column, value: string | number | boolean): string {
  switch (column.type.kind) {
    case "bigInt":
      return `${String(value)}n`;
    case "dateTime":
      return `new Date(${literal(String(value))})`;
    case "json":
      return typeof value === "string" ? jsonLiteral(JSON.parse(value)) : jsonLiteral(value);
    case "decimal":
      return literal(String(value));
    default:
      return typeof value === "string" ? literal(value) : String(value);
  }
}

function jsonLiteral(value: unknown): string {
  return JSON.stringify(value);
}

function indexSource(table: Table, index: Index, field: (column: string) => string): string {
  const entries = index.columns.map((column) => {
    const options = index.columnOptions?.[column];
    if (!options) return literal(field(column));
    const parts = [`field: ${literal(field(column))}`];
    if (options.order) parts.push(`order: ${literal(options.order)}`);
    if (options.opclass) parts.push(`opclass: ${literal(options.opclass)}`);
    if (options.length !== undefined) parts.push(`length: ${options.length}`);
    return `{ ${parts.join(", ")} }`;
  });
  const options: string[] = [];
  if (index.name !== constraintName(table.name, index.columns, "idx")) options.push(`name: ${literal(index.name)}`);
  if (index.unique) options.push("unique: true");
  if (index.type) options.push(`type: ${literal(index.type)}`);
  if (index.where !== undefined) options.push(`where: ${literal(index.where)}`);
  return `.index([${entries.join(", ")}]${options.length > 0 ? `, { ${options.join(", ")} }` : ""})`;
}

/**
 * The relations of every table: on the table holding a foreign key a `manyToOne` (a `oneToOne` when
 * its columns are the table's key or a unique), and on the referenced table the other side.
 */
function relationsOf(
  tables: readonly Table[],
  names: Map<string, ModelName>,
  fieldsByTable: Map<string, Map<string, string>>,
): Map<string, RelationSource[]> {
  const relations = new Map<string, RelationSource[]>();
  const used = new Map(tables.map((table) => [table.name, new Set(fieldsByTable.get(table.name)!.values())]));
  const add = (table: string, base: string, code: (field: string) => string) => {
    const taken = used.get(table)!;
    const field = unique(base, taken);
    taken.add(field);
    relations.set(table, [...(relations.get(table) ?? []), { field, code: code(field) }]);
  };
  const byName = new Map(tables.map((table) => [table.name, table]));
  for (const table of [...tables].sort((a, b) => compare(a.name, b.name))) {
    for (const foreignKey of table.foreignKeys) {
      const target = byName.get(foreignKey.referencedTable);
      if (!target) continue;
      const own = fieldsByTable.get(table.name)!;
      const theirs = fieldsByTable.get(target.name)!;
      const oneToOne = isKey(table, foreignKey.columns);
      const kind = oneToOne ? "oneToOne" : "manyToOne";
      const targetVariable = names.get(target.name)!.variable;
      const sourceVariable = names.get(table.name)!.variable;
      add(table.name, relationFieldName(foreignKey, own, targetVariable), () =>
        ownerSource(kind, table, target, foreignKey, own, theirs, targetVariable),
      );
      add(
        target.name,
        oneToOne ? sourceVariable : plural(sourceVariable),
        () => `s.${oneToOne ? "oneToOne" : "oneToMany"}(() => ${sourceVariable})`,
      );
    }
  }
  return relations;
}

function ownerSource(
  kind: "oneToOne" | "manyToOne",
  table: Table,
  target: Table,
  foreignKey: ForeignKey,
  own: Map<string, string>,
  theirs: Map<string, string>,
  targetVariable: string,
): string {
  const list = (columns: readonly string[], fields: Map<string, string>) =>
    columns.length === 1
      ? literal(fields.get(columns[0]!)!)
      : `[${columns.map((c) => literal(fields.get(c)!)).join(", ")}]`;
  let code = `s.${kind}(() => ${targetVariable}).fields(${list(foreignKey.columns, own)})`;
  const primary = target.primaryKey?.columns ?? [];
  const samePrimary =
    primary.length === foreignKey.referencedColumns.length &&
    primary.every((column, i) => column === foreignKey.referencedColumns[i]);
  if (!samePrimary) code += `.references(${list(foreignKey.referencedColumns, theirs)})`;
  if (foreignKey.onDelete !== "noAction") code += `.onDelete(${literal(foreignKey.onDelete)})`;
  if (foreignKey.onUpdate !== "noAction") code += `.onUpdate(${literal(foreignKey.onUpdate)})`;
  const nullable = foreignKey.columns.every((name) => table.columns.find((c) => c.name === name)?.nullable);
  if (nullable) code += ".optional()";
  if (foreignKey.name !== constraintName(table.name, foreignKey.columns, "fkey"))
    code += `.map(${literal(foreignKey.name)})`;
  return code;
}

/** True when `columns` are exactly the table's primary key or one of its uniques (a one-to-one). */
function isKey(table: Table, columns: readonly string[]): boolean {
  const same = (key: readonly string[]) => key.length === columns.length && key.every((c) => columns.includes(c));
  return (table.primaryKey !== null && same(table.primaryKey.columns)) || table.uniques.some((u) => same(u.columns));
}

/** `authorId` → `author`, `author_id` → `author`; otherwise the target's name. */
function relationFieldName(foreignKey: ForeignKey, own: Map<string, string>, target: string): string {
  if (foreignKey.columns.length === 1) {
    const field = own.get(foreignKey.columns[0]!)!;
    const stripped = field.replace(/(_id|Id|ID)$/, "");
    if (stripped !== field && stripped !== "" && IDENTIFIER.test(stripped)) return stripped;
  }
  return target;
}

function plural(name: string): string {
  if (/s$/.test(name)) return name;
  if (/(x|z|ch|sh)$/.test(name)) return `${name}es`;
  if (/[^aeiou]y$/.test(name)) return `${name.slice(0, -1)}ies`;
  return `${name}s`;
}

function unique(base: string, used: ReadonlySet<string>): string {
  if (!used.has(base)) return base;
  let n = 2;
  while (used.has(`${base}${n}`)) n += 1;
  return `${base}${n}`;
}

/** A plain identifier from any database name: `order lines` → `orderLines`, `2fa` → `_2fa`. */
function camel(name: string): string {
  const words = name.split(/[^A-Za-z0-9_$]+/).filter((word) => word !== "");
  const joined = words.map((word, i) => (i === 0 ? word : word[0]!.toUpperCase() + word.slice(1))).join("");
  const identifier = joined === "" ? "field" : joined;
  return /^[0-9]/.test(identifier) ? `_${identifier}` : identifier;
}

function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : literal(name);
}

function literal(value: string): string {
  return JSON.stringify(value);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
