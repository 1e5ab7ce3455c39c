/**
 * MySQL/MariaDB objects migrations make by hand, for `reset`: views, stored functions and
 * procedures, events and (MariaDB) sequences of the current database. Each comes with the statement
 * that makes it again where the catalog holds enough to write one (views, routines): on this family
 * a failed reset is undone statement by statement, and a baseline writes them. A view's names lose
 * the database's qualification the server adds, so the statement fits any database.
 */
import type { ObjectSql } from "../types.js";

/** A backtick-quoted identifier, in SQL. */
const Q = (column: string) => `CONCAT('\`', REPLACE(${column}, '\`', '\`\`'), '\`')`;

/** `(IN a INT, …)`: a routine's parameters (position 0 is a function's return value). */
const PARAMETERS = `COALESCE((SELECT GROUP_CONCAT(CONCAT(IF(r.ROUTINE_TYPE = 'PROCEDURE', CONCAT(p.PARAMETER_MODE, ' '), ''), ${Q("p.PARAMETER_NAME")}, ' ', p.DTD_IDENTIFIER) ORDER BY p.ORDINAL_POSITION SEPARATOR ', ')
  FROM information_schema.PARAMETERS p WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.SPECIFIC_NAME AND p.ORDINAL_POSITION > 0), '')`;

/**
 * Views first (a view may call a function), then routines, events and sequences.
 *
 * @example mysqlObjects.query({ excludeTables: [] })
 */
export const mysqlObjects: ObjectSql = {
  query: () => ({
    sql: `SELECT kind, name, \`restore\` FROM (SELECT 'VIEW' AS kind, TABLE_NAME AS name, CONCAT('CREATE VIEW ', ${Q("TABLE_NAME")}, ' AS ', REPLACE(VIEW_DEFINITION, CONCAT(${Q("DATABASE()")}, '.'), '')) AS \`restore\`
FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE()
UNION ALL
SELECT r.ROUTINE_TYPE, r.ROUTINE_NAME, CONCAT('CREATE ', r.ROUTINE_TYPE, ' ', ${Q("r.ROUTINE_NAME")}, '(', ${PARAMETERS}, ')',
  IF(r.ROUTINE_TYPE = 'FUNCTION', CONCAT(' RETURNS ', r.DTD_IDENTIFIER), ''), IF(r.IS_DETERMINISTIC = 'YES', ' DETERMINISTIC', ''),
  ' ', r.SQL_DATA_ACCESS, ' SQL SECURITY ', r.SECURITY_TYPE, ' ', r.ROUTINE_DEFINITION)
FROM information_schema.ROUTINES r WHERE r.ROUTINE_SCHEMA = DATABASE()
UNION ALL
SELECT 'EVENT', EVENT_NAME, NULL FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()
UNION ALL
SELECT 'SEQUENCE', TABLE_NAME, NULL FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'SEQUENCE') o
ORDER BY kind <> 'VIEW', kind, name`,
  }),
};
