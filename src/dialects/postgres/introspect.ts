/**
 * Reads a live PostgreSQL schema from `pg_catalog` with four catalog-wide queries (columns,
 * constraints, indexes, enums), whatever the number of tables: `information_schema` is slow
 * (its views cost ~100 ms per call on a few hundred tables), and one query per table does not scale.
 *
 * The queries carry no parameters (the schema name and excluded tables are quoted literals), so a
 * driver can send them as one multi-statement query. Every value they return is text, a boolean
 * or an int4, and lists are JSON text, so `read` works on any driver's rows (pg, PGlite, Neon's
 * text mode).
 */
import type {
  Column,
  ForeignKey,
  Index,
  IndexColumnOptions,
  ReferentialAction,
  Snapshot,
  Table,
} from "../../schema/snapshot.js";
import { canonicalize, SNAPSHOT_VERSION } from "../../schema/snapshot.js";
import { quoteStringLiteral } from "../quote.js";
import type { IntrospectOptions, Row, Statement } from "../types.js";
import { CHECK_COMMENT_PREFIX } from "./ddl/constraints.js";
import { WHERE_COMMENT_PREFIX } from "./ddl/indexes.js";
import { readDefault, stripParens } from "./defaults.js";
import { readColumnType } from "./type-map.js";

/** Tables whose names start with this are viborm's own bookkeeping and never introspected. */
export const RESERVED_TABLE_PREFIX = "_viborm_";

/**
 * The introspection statements, always five, in the order `readPostgres` expects them.
 *
 * @example driver.queryAll(postgresIntrospectionQueries({ excludeTables: ["_viborm_migrations"] }))
 */
export function postgresIntrospectionQueries(options: IntrospectOptions): Statement[] {
  const schema = quoteStringLiteral(options.schema ?? "public");
  const tables = tableFilter("c", options);
  return [
    { sql: columnsQuery(schema, tables) },
    { sql: constraintsQuery(schema, tables) },
    { sql: indexesQuery(schema, tables) },
    { sql: enumsQuery(schema) },
    { sql: EXTENSIONS_QUERY },
  ];
}

/**
 * The snapshot the rows of {@link postgresIntrospectionQueries} describe, in canonical order.
 * Pure: the same rows always give the same snapshot.
 */
export function readPostgres(results: Row[][], options: IntrospectOptions): Snapshot {
  const [columnRows = [], constraintRows = [], indexRows = [], enumRows = [], extensionRows = []] = results;
  const excluded = (name: string) => name.startsWith(RESERVED_TABLE_PREFIX) || options.excludeTables.includes(name);
  const enums = enumRows.map((row) => ({ name: text(row.name), values: jsonList(row.values) }));
  const enumValues = new Map(enums.map((item) => [item.name, item.values]));
  const tables = new Map<string, Table>();
  for (const row of columnRows) {
    const name = text(row.table_name);
    if (excluded(name)) continue;
    let table = tables.get(name);
    if (!table) {
      table = { name, columns: [], primaryKey: null, uniques: [], indexes: [], foreignKeys: [] };
      tables.set(name, table);
    }
    if (row.column_name !== null && row.column_name !== undefined) table.columns.push(readColumn(row, enumValues));
  }
  for (const row of constraintRows) readConstraint(row, tables.get(text(row.table_name)));
  for (const row of indexRows) {
    tables.get(text(row.table_name))?.indexes.push(readIndex(row));
  }
  const snapshot: Snapshot = { version: SNAPSHOT_VERSION, tables: [...tables.values()], enums };
  const extensions = extensionRows.map((row) => text(row.name));
  if (extensions.length > 0) snapshot.extensions = extensions;
  return canonicalize(snapshot);
}

// internal

/** Ordinary and partitioned tables of the schema, not partitions, not extension-owned, not excluded. */
function tableFilter(alias: string, options: IntrospectOptions): string {
  const excluded = options.excludeTables.map(quoteStringLiteral);
  return [
    `${alias}.relkind IN ('r', 'p')`,
    `NOT ${alias}.relispartition`,
    `left(${alias}.relname, ${RESERVED_TABLE_PREFIX.length}) <> ${quoteStringLiteral(RESERVED_TABLE_PREFIX)}`,
    ...(excluded.length > 0 ? [`${alias}.relname NOT IN (${excluded.join(", ")})`] : []),
    `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.objid = ${alias}.oid AND dep.deptype = 'e')`,
  ].join(" AND ");
}

function columnsQuery(schema: string, tables: string): string {
  return `SELECT c.relname::text AS table_name, a.attname::text AS column_name, a.attnum::int4 AS position,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS data_type,
  (t.typcategory = 'A') AS is_array,
  CASE WHEN t.typtype = 'e' THEN t.typname::text WHEN et.typtype = 'e' THEN et.typname::text END AS enum_name,
  a.attnotnull AS not_null,
  pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr,
  (a.attidentity <> '') AS is_identity,
  (a.attgenerated = 's') AS is_generated
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE n.nspname = ${schema} AND ${tables}
ORDER BY c.relname, a.attnum`;
}

function constraintsQuery(schema: string, tables: string): string {
  const names = (keys: string, relation: string) =>
    `(SELECT json_agg(att.attname ORDER BY k.ord) FROM unnest(${keys}) WITH ORDINALITY AS k(attnum, ord) JOIN pg_catalog.pg_attribute att ON att.attrelid = ${relation} AND att.attnum = k.attnum)::text`;
  return `SELECT c.relname::text AS table_name, con.conname::text AS name, con.contype::text AS kind,
  ${names("con.conkey", "con.conrelid")} AS columns,
  rc.relname::text AS referenced_table,
  ${names("con.confkey", "con.confrelid")} AS referenced_columns,
  con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
  CASE WHEN con.contype = 'c' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END AS definition,
  descr.description AS comment
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_description descr ON descr.objoid = con.oid AND descr.classoid = 'pg_catalog.pg_constraint'::regclass AND descr.objsubid = 0
WHERE n.nspname = ${schema} AND con.contype IN ('p', 'u', 'f', 'c') AND ${tables}
ORDER BY c.relname, con.conname`;
}

/** Indexes that back no constraint (a primary key's or unique constraint's index is the constraint). */
function indexesQuery(schema: string, tables: string): string {
  return `SELECT c.relname::text AS table_name, ic.relname::text AS name, i.indisunique AS is_unique, am.amname::text AS method,
  (SELECT json_agg(CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int4, true) ELSE att.attname::text END ORDER BY k.ord)
     FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
     LEFT JOIN pg_catalog.pg_attribute att ON att.attrelid = i.indrelid AND att.attnum = k.attnum
     WHERE k.ord <= i.indnkeyatts)::text AS columns,
  (SELECT json_agg(json_build_object('desc', (o.opt & 1) = 1, 'opclass', CASE WHEN NOT opc.opcdefault THEN opc.opcname::text END) ORDER BY o.ord)
     FROM unnest(i.indoption::int2[]) WITH ORDINALITY AS o(opt, ord)
     LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = (i.indclass::oid[])[o.ord - 1]
     WHERE o.ord <= i.indnkeyatts)::text AS options,
  pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
  descr.description AS comment
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
LEFT JOIN pg_catalog.pg_description descr ON descr.objoid = ic.oid AND descr.classoid = 'pg_catalog.pg_class'::regclass AND descr.objsubid = 0
WHERE n.nspname = ${schema} AND ${tables}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))
ORDER BY c.relname, ic.relname`;
}

/** Installed extensions (database-wide); plpgsql is always there and never declared. */
const EXTENSIONS_QUERY = `SELECT extname::text AS name FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY extname`;

function enumsQuery(schema: string): string {
  return `SELECT t.typname::text AS name,
  COALESCE((SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '[]')::text AS values
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ${schema} AND t.typtype = 'e'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_type'::regclass AND dep.objid = t.oid AND dep.deptype = 'e')
ORDER BY t.typname`;
}

function readColumn(row: Row, enumValues: ReadonlyMap<string, string[]>): Column {
  const { type, array, nativeType } = readColumnType(
    {
      dataType: text(row.data_type),
      isArray: bool(row.is_array),
      enumName: row.enum_name === null || row.enum_name === undefined ? null : text(row.enum_name),
    },
    enumValues,
  );
  const identity = bool(row.is_identity);
  const expression = row.default_expr === null || row.default_expr === undefined ? null : text(row.default_expr);
  const parsed = readDefault(expression, { type, array });
  // A generated column's expression is where a default's would be (pg_attrdef).
  const generated = bool(row.is_generated) && expression !== null;
  const column: Column = {
    name: text(row.column_name),
    type,
    array,
    nullable: !bool(row.not_null),
    default: identity || generated ? null : parsed.default,
    autoIncrement: identity || parsed.serial,
  };
  if (nativeType !== undefined) column.nativeType = { postgres: nativeType };
  if (generated) column.generated = { expression: stripParens(expression), stored: true };
  return column;
}

function readConstraint(row: Row, table: Table | undefined): void {
  if (!table) return;
  const name = text(row.name);
  const columns = jsonList(row.columns);
  switch (text(row.kind)) {
    case "p":
      table.primaryKey = { columns };
      return;
    case "u":
      table.uniques.push({ name, columns });
      return;
    case "c":
      table.checks = [...(table.checks ?? []), { name, expression: checkExpression(row) }];
      return;
    case "f": {
      const foreignKey: ForeignKey = {
        name,
        columns,
        referencedTable: text(row.referenced_table),
        referencedColumns: jsonList(row.referenced_columns),
        onDelete: action(row.on_delete),
        onUpdate: action(row.on_update),
      };
      table.foreignKeys.push(foreignKey);
      return;
    }
  }
}

/** The expression as the author wrote it, from the constraint's comment; PostgreSQL's rewrite otherwise. */
function checkExpression(row: Row): string {
  const comment = row.comment === null || row.comment === undefined ? null : text(row.comment);
  if (comment?.startsWith(CHECK_COMMENT_PREFIX)) return comment.slice(CHECK_COMMENT_PREFIX.length);
  const definition = text(row.definition);
  const match = /^CHECK \(([\s\S]*)\)( NOT VALID)?$/.exec(definition);
  return match ? match[1]! : definition;
}

/** The predicate as the user wrote it, from the index's comment; PostgreSQL's rewrite otherwise. */
function readIndex(row: Row): Index {
  const method = text(row.method);
  const comment = row.comment === null || row.comment === undefined ? null : text(row.comment);
  const predicate = row.predicate === null || row.predicate === undefined ? undefined : text(row.predicate);
  const where =
    predicate !== undefined && comment?.startsWith(WHERE_COMMENT_PREFIX)
      ? comment.slice(WHERE_COMMENT_PREFIX.length)
      : predicate;
  const columns = jsonList(row.columns);
  const columnOptions: Record<string, IndexColumnOptions> = {};
  const given = row.options === null || row.options === undefined ? [] : jsonValue(row.options);
  (Array.isArray(given) ? given : []).forEach((entry: { desc?: boolean; opclass?: string | null }, i: number) => {
    const options: IndexColumnOptions = {};
    if (entry?.desc === true) options.order = "desc";
    if (typeof entry?.opclass === "string") options.opclass = entry.opclass;
    const column = columns[i];
    if (column !== undefined && Object.keys(options).length > 0) columnOptions[column] = options;
  });
  return {
    name: text(row.name),
    columns,
    unique: bool(row.is_unique),
    ...(method !== "btree" ? { type: method } : {}),
    ...(where !== undefined ? { where } : {}),
    ...(Object.keys(columnOptions).length > 0 ? { columnOptions } : {}),
  };
}

function jsonValue(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

const ACTIONS: Record<string, ReferentialAction> = {
  a: "noAction",
  r: "restrict",
  c: "cascade",
  n: "setNull",
  d: "setDefault",
};

function action(value: unknown): ReferentialAction {
  return ACTIONS[text(value)] ?? "noAction";
}

function text(value: unknown): string {
  return typeof value === "string" ? value : String(value);
}

/** Booleans as pg and PGlite give them, or as text (`t`/`true`) from text-mode drivers. */
function bool(value: unknown): boolean {
  return value === true || value === "t" || value === "true" || value === 1;
}

/** A JSON array of strings, whether the driver parsed it already or returned the text. */
function jsonList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list: unknown = typeof value === "string" ? JSON.parse(value) : value;
  return Array.isArray(list) ? list.map((item) => String(item)) : [];
}
