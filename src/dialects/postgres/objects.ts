/**
 * PostgreSQL objects migrations make by hand, for `reset`: views, materialized views, sequences no
 * column owns, functions, procedures and aggregates, domains, composite and range types — of the
 * client's schema, none an extension installed (its own drop takes those).
 */
import { quoteStringLiteral } from "../quote.js";
import type { IntrospectOptions, ObjectSql } from "../types.js";

/** pg_depend rows that make an object part of something else: an extension ('e'), a column ('a', 'i'). */
const OWNED = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype IN ('e', 'a', 'i'))`;

/**
 * Listed in that order, dropped `CASCADE`: a view over a function goes with the function.
 *
 * @example postgresObjects.query({ excludeTables: [], schema: "tenant_a" })
 */
export const postgresObjects: ObjectSql = {
  query(options: IntrospectOptions) {
    const schema = quoteStringLiteral(options.schema ?? "public");
    return {
      sql: `SELECT kind, name, target FROM (
SELECT 1 AS o, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'SEQUENCE' END AS kind, c.relname AS name, quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS target
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ${schema} AND c.relkind IN ('v', 'm', 'S') AND ${OWNED("pg_class", "c.oid")}
UNION ALL
SELECT 2, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.proname, quote_ident(n.nspname) || '.' || quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')'
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ${schema} AND ${OWNED("pg_proc", "p.oid")}
UNION ALL
SELECT 3, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.typname, quote_ident(n.nspname) || '.' || quote_ident(t.typname)
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ${schema} AND ${OWNED("pg_type", "t.oid")}
  AND (t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')))
) o ORDER BY o, name, target`,
    };
  },
  suffix: " CASCADE",
};
