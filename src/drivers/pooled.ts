/**
 * What the connection-pool drivers (pg, mysql2) share: a session on one checked-out connection that
 * is destroyed, not pooled, after a failure; and statements run one after another.
 */
import type { Row, Statement } from "../dialects/types.js";
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
