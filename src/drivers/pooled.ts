/**
 * What the connection-pool drivers (pg, mysql2) share: a session on one checked-out connection that
 * is destroyed, not pooled, after a failure; statements run one after another; a session's script text.
 */
import type { DialectName, Row, Statement } from "../dialects/types.js";
import { QueryFailedError } from "../errors.js";
import { joinSqlStatements } from "../util/sql-join.js";
import type { QueryResult, Session } from "./types.js";

/**
 * Runs `fn` with a session on one connection from `checkOut`. After a failure the connection may
 * hold an open transaction, a session lock or temporary state, so `checkIn` is told to destroy it
 * rather than hand it back to the pool in an unknown state.
 *
 * @example await withPooledSession(() => pool.connect(), (c, broken) => c.release(broken), (c) => ({ query: … }), fn);
 */
export async function withPooledSession<C, T>(
  checkOut: () => Promise<C>,
  checkIn: (connection: C, broken: boolean) => void,
  session: (connection: C) => Session,
  fn: (session: Session) => Promise<T>,
): Promise<T> {
  const connection = await checkOut();
  let broken = false;
  try {
    return await fn(session(connection));
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    checkIn(connection, broken);
  }
}

/**
 * Runs `statements` one after another through `run`; the rows of each, in order.
 *
 * @example await runEach(statements, (sql, params) => run(connection, sql, params));
 */
export async function runEach(
  statements: readonly Statement[],
  run: (sql: string, params?: unknown[]) => Promise<QueryResult>,
): Promise<Row[][]> {
  const rows: Row[][] = [];
  for (const statement of statements) rows.push((await run(statement.sql, statement.params)).rows);
  return rows;
}

/**
 * The text a session's `script` sends: the statements joined as `joinSqlStatements` joins them. A
 * caller passes only statements it has checked join cleanly; any other is refused, never sent.
 *
 * @example const sql = scriptText(["BEGIN", "CREATE TABLE a (x int)", "COMMIT"], "postgres", "pg");
 */
export function scriptText(statements: readonly string[], dialect: DialectName, driver: string): string {
  const text = joinSqlStatements(statements, dialect);
  if (text === null) {
    throw new QueryFailedError("These statements cannot be joined into one multi-statement text safely.", {
      sql: statements.join(";\n"),
      driver,
    });
  }
  return text;
}
