/**
 * Statements in as few round trips as a session allows: runs of statements that can travel together
 * go as one multi-statement script (`Session.script`); a statement whose parameters have no literal
 * form in the dialect, or a run that would not split back into its statements, goes one by one.
 */
import type { Dialect, Statement } from "../dialects/types.js";
import type { QueryResult, Session } from "../drivers/types.js";
import { joinSqlStatements } from "../util/sql-join.js";
import { checkRows } from "./failure.js";

/** A session that can send a script. */
export type ScriptSession = Session & Required<Pick<Session, "script">>;

/**
 * Runs `statements` in order, joined where possible; the last statement's result. A check statement
 * (`expectNoRows`) ends its script, whose result is then the check's rows.
 *
 * Parameters are written in as literals by the dialect (`Dialect.inline`) rather than kept
 * apart: the only parameterised statements here are viborm's own tracking and progress writes,
 * whose values (ids, names, checksums, timestamps, SQL text) the dialect encodes exactly, and a
 * parameterised statement cannot share a message with others in these protocols (PostgreSQL's
 * extended protocol takes one statement per Parse). A value without a safe literal (`null` from
 * `inline`) keeps its parameters and its own round trip.
 *
 * @example await runJoined(session, dialect, [begin, ...statements, commit]);
 */
export async function runJoined(
  session: ScriptSession,
  dialect: Dialect,
  statements: readonly Statement[],
): Promise<QueryResult> {
  let last: QueryResult = { rows: [] };
  for (const group of groups(dialect, statements)) {
    const texts = group.map((entry) => entry.text);
    const joinable = group.length > 1 && joinSqlStatements(texts as string[], dialect.name) !== null;
    if (joinable) {
      last = await session.script(texts as string[]);
      checkRows(group[group.length - 1]!.statement, last);
      continue;
    }
    for (const { statement } of group) {
      last = await session.query(statement.sql, statement.params);
      checkRows(statement, last);
    }
  }
  return last;
}

// internal

interface Entry {
  statement: Statement;
  /** The SQL with its parameters inlined; `null` when it must be sent with them. */
  text: string | null;
}

/** Consecutive joinable statements together; an unjoinable one alone; a check closes its group. */
function groups(dialect: Dialect, statements: readonly Statement[]): Entry[][] {
  const out: Entry[][] = [];
  let current: Entry[] = [];
  const flush = () => {
    if (current.length > 0) out.push(current);
    current = [];
  };
  for (const statement of statements) {
    const text =
      statement.params && statement.params.length > 0 ? (dialect.inline?.(statement) ?? null) : statement.sql;
    if (text === null) {
      flush();
      out.push([{ statement, text }]);
      continue;
    }
    current.push({ statement, text });
    if (statement.expectNoRows) flush();
  }
  flush();
  return out;
}
