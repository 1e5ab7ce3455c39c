/**
 * What lint knows about the database: the live schema, server facts, and the answers to count
 * questions. Analyzers run twice: first with a recorder that notes every question they would ask,
 * then, once all questions went to the database in one round trip, with the answers. Questions are
 * asked only about pending units and only about tables and columns the live schema has.
 */
import type { CountQuestion, Dialect, EdgeLimits, ServerFacts } from "../../dialects/types.js";
import { isVibormError } from "../../errors.js";
import type { Snapshot } from "../../schema/snapshot.js";
import type { RuntimeContext } from "../context.js";
import type { LintUnit } from "./types.js";

/** A count's answer: `n`, and `g` (groups) for duplicates. */
export interface Count {
  n: number;
  g?: number;
}

/** What analyzers may ask. */
export interface Facts {
  dialect: Dialect;
  server: ServerFacts;
  edge: EdgeLimits | null;
  /** The answer for a pending unit's question, or `undefined` (offline, not pending, not live, or not asked yet). */
  count(unit: LintUnit, question: CountQuestion): Count | undefined;
}

/** The database as lint found it; `live` is `null` when it could not be reached. */
export interface Database {
  live: Snapshot | null;
  server: ServerFacts;
}

/**
 * Runs `analyze` with every count it asks for answered by the database (one round trip, after a
 * first pass that collects the questions).
 */
export async function withCounts<T>(
  context: RuntimeContext,
  database: Database,
  analyze: (facts: Facts) => T,
): Promise<T> {
  const base = {
    dialect: context.dialect,
    server: database.server,
    edge: context.dialect.lint.edgeLimits(context.driver.name),
  };
  const asked = new Map<string, CountQuestion>();
  analyze({
    ...base,
    count(unit, question) {
      if (unit.pending && database.live && answerable(database.live, question)) asked.set(key(question), question);
      return undefined;
    },
  });
  const answers = await ask(context, [...asked.values()]);
  return analyze({ ...base, count: (unit, question) => (unit.pending ? answers.get(key(question)) : undefined) });
}

/** Reads the live schema and server facts; a database that cannot be reached gives `live: null` when `optional`. */
export async function readDatabase(
  context: RuntimeContext,
  introspect: () => Promise<Snapshot>,
  optional: boolean,
): Promise<Database> {
  try {
    const live = await introspect();
    const server = context.dialect.lint.server;
    const facts = server ? server.read(await context.driver.queryAll(server.queries())) : {};
    return { live, server: facts };
  } catch (error) {
    if (optional && isVibormError(error) && (error.code as string) === "CONNECTION_FAILED")
      return { live: null, server: {} };
    throw error;
  }
}

// internal

function key(question: CountQuestion): string {
  return JSON.stringify(question);
}

/** Only questions about what exists live: a column a pending migration adds first has no rows to count. */
function answerable(live: Snapshot, question: CountQuestion): boolean {
  const has = (table: string, columns: string[]) => {
    const found = live.tables.find((t) => t.name === table);
    return found !== undefined && columns.every((column) => found.columns.some((c) => c.name === column));
  };
  switch (question.kind) {
    case "rows":
      return has(question.table, []);
    case "duplicates":
      return has(question.table, question.columns);
    case "orphans":
      return has(question.table, question.columns) && has(question.referencedTable, question.referencedColumns);
    default:
      return has(question.table, [question.column]);
  }
}

/**
 * Sends every question in one round trip. A count the server cannot run (say, comparing columns of
 * different types) is left unanswered rather than failing lint: each is retried alone to find it.
 */
async function ask(context: RuntimeContext, questions: CountQuestion[]): Promise<Map<string, Count>> {
  const answers = new Map<string, Count>();
  if (questions.length === 0) return answers;
  const statements = questions.map((question) => context.dialect.lint.count(question));
  let results: (Record<string, unknown>[] | null)[];
  try {
    results = await context.driver.queryAll(statements);
  } catch (error) {
    if (!isVibormError(error, "QUERY_FAILED")) throw error;
    results = await Promise.all(
      statements.map((statement) =>
        context.driver.query(statement.sql).then(
          (result) => result.rows,
          (failure: unknown) => {
            if (isVibormError(failure, "QUERY_FAILED")) return null;
            throw failure;
          },
        ),
      ),
    );
  }
  questions.forEach((question, i) => {
    const row = results[i]?.[0];
    if (!row) return;
    const n = Number(row.n ?? 0);
    const g = row.g === undefined ? undefined : Number(row.g);
    answers.set(key(question), g === undefined ? { n } : { n, g });
  });
  return answers;
}
