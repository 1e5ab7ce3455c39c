/**
 * PostgreSQL objects migrations make by hand, for `reset` and `baseline`: views, materialized
 * views, sequences no column owns, functions, procedures and aggregates, domains, composite and
 * range types — of the client's schema, none an extension installed (its own drop takes those).
 */
import { quoteStringLiteral } from "../quote.js";
import type { IntrospectOptions, ObjectSql } from "../types.js";

/** pg_depend rows that make an object part of something else: an extension ('e'), a column ('a', 'i'). */
const OWNED = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype IN ('e', 'a', 'i'))`;

/** The statement that makes a view, sequence, function or type again, unqualified (a tenant's baseline fits any schema). */
const RESTORE = {
  relation: `CASE c.relkind
  WHEN 'v' THEN 'CREATE VIEW ' || quote_ident(c.relname) || ' AS' || rtrim(pg_get_viewdef(c.oid), ';')
  WHEN 'm' THEN 'CREATE MATERIALIZED VIEW ' || quote_ident(c.relname) || ' AS' || rtrim(pg_get_viewdef(c.oid), ';')
  ELSE (SELECT 'CREATE SEQUENCE ' || quote_ident(c.relname) || ' AS ' || format_type(s.seqtypid, NULL) || ' INCREMENT BY ' || s.seqincrement
    || ' MINVALUE ' || s.seqmin || ' MAXVALUE ' || s.seqmax || ' START WITH ' || s.seqstart || ' CACHE ' || s.seqcache
    || CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END FROM pg_sequence s WHERE s.seqrelid = c.oid) END`,
  // pg_get_functiondef cannot print an aggregate.
  routine: `CASE WHEN p.prokind IN ('f', 'p', 'w') THEN regexp_replace(pg_get_functiondef(p.oid), '^(CREATE OR REPLACE \\w+ )[^(]*\\(', '\\1' || replace(quote_ident(p.proname), '\\', '\\\\') || '(') END`,
  type: `CASE t.typtype
  WHEN 'd' THEN 'CREATE DOMAIN ' || quote_ident(t.typname) || ' AS ' || format_type(t.typbasetype, t.typtypmod)
    || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END || COALESCE(' DEFAULT ' || t.typdefault, '')
    || COALESCE((SELECT string_agg(' CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid), '' ORDER BY k.conname) FROM pg_constraint k WHERE k.contypid = t.oid), '')
  WHEN 'c' THEN 'CREATE TYPE ' || quote_ident(t.typname) || ' AS (' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
    FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
  END`,
};

/**
 * In the order they were made (one OID counter serves every catalog), so a baseline makes a view
 * after the function it calls; dropped `CASCADE`, so the order does not matter to `reset`.
 *
 * @example postgresObjects.query({ excludeTables: [], schema: "tenant_a" })
 */
export const postgresObjects: ObjectSql = {
  query(options: IntrospectOptions) {
    const schema = quoteStringLiteral(options.schema ?? "public");
    return {
      sql: `SELECT kind, name, target, schema, restore FROM (
SELECT c.oid, CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'SEQUENCE' END AS kind, c.relname AS name,
  quote_ident(c.relname) AS target, n.nspname AS schema, ${RESTORE.relation} AS restore
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ${schema} AND c.relkind IN ('v', 'm', 'S') AND ${OWNED("pg_class", "c.oid")}
UNION ALL
SELECT p.oid, CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE' ELSE 'FUNCTION' END, p.proname,
  quote_ident(p.proname) || '(' || pg_get_function_identity_arguments(p.oid) || ')', n.nspname, ${RESTORE.routine}
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = ${schema} AND ${OWNED("pg_proc", "p.oid")}
UNION ALL
SELECT t.oid, CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, t.typname, quote_ident(t.typname), n.nspname, ${RESTORE.type}
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ${schema} AND ${OWNED("pg_type", "t.oid")}
  AND (t.typtype IN ('d', 'r') OR (t.typtype = 'c' AND EXISTS (SELECT 1 FROM pg_class r WHERE r.oid = t.typrelid AND r.relkind = 'c')))
) o ORDER BY oid`,
    };
  },
  suffix: " CASCADE",
};
