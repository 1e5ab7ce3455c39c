/**
 * What lint knows about the database: the live schema, server facts, and the answers to count
 * questions. Analyzers run twice: first with a recorder that notes every question they would ask
 * (and whether they read server facts), then, once everything went to the database in one round
 * trip, with the answers. Questions are asked only about pending units and only about tables and
 * columns the live schema has; counts a caller already holds (push's data-loss facts) are reused.
 */
import type {
  CountQuestion,
  Dialect,
  EdgeLimits,
  Row,
  RowQuestion,
  ServerFacts,
  Statement,
} from "../../dialects/types.js";
import type { DestructiveChange } from "../../diff/operations.js";
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
  /** Read lazily: only a rule that depends on the server (MySQL's online DDL) makes lint ask for them. */
  readonly server: ServerFacts;
  edge: EdgeLimits | null;
  /** The answer for a pending unit's question, or `undefined` (offline, not pending, not live, or not asked yet). */
  count(unit: LintUnit, question: CountQuestion): Count | undefined;
}

/**
 * The database as lint found it; `live` is `null` when it could not be reached, or a reader that
 * runs only if some rule has a question for the database (generate of a new schema asks none).
 */
export interface Database {
  live: Snapshot | null | (() => Promise<Snapshot | null>);
  /** Counts already made (push's data-loss facts), reused instead of asked again. */
  known?: readonly DestructiveChange[];
}

/** Runs `analyze` with every count it asks for answered by the database, in one round trip. */
export async function withCounts<T>(
  context: RuntimeContext,
  database: Database,
  analyze: (facts: Facts) => T,
): Promise<T> {
  const edge = context.dialect.lint.edgeLimits(context.driver.name);
  const known = knownCounts(database.known ?? []);
  const pending = new Map<string, CountQuestion>();
  let readServer = false;
  const recorded = analyze({
    dialect: context.dialect,
    get server() {
      readServer = true;
      return {};
    },
    edge,
    count(unit, question) {
      if (!unit.pending) return undefined;
      const k = key(question);
      const count = known.get(k);
      if (count === undefined) pending.set(k, question);
      return count;
    },
  });
  // Analyzers are pure: with nothing to ask, the answers would change nothing.
  if (pending.size === 0 && !readServer) return recorded;
  const live = typeof database.live === "function" ? await database.live() : database.live;
  const asked = live ? [...pending.values()].filter((question) => answerable(live, question)) : [];
  const wantsServer = readServer && live !== null && context.dialect.lint.server !== null;
  if (asked.length === 0 && !wantsServer) return recorded;
  const { answers, server } = await ask(context, asked, wantsServer);
  for (const [k, count] of known) answers.set(k, count);
  return analyze({
    dialect: context.dialect,
    server,
    edge,
    count: (unit, question) => (unit.pending ? answers.get(key(question)) : undefined),
  });
}

/** Reads the live schema; a database that cannot be reached gives `live: null` when `optional`. */
export async function readLive(introspect: () => Promise<Snapshot>, optional: boolean): Promise<Snapshot | null> {
  try {
    return await introspect();
  } catch (error) {
    if (optional && isVibormError(error) && (error.code as string) === "CONNECTION_FAILED") return null;
    throw error;
  }
}

// internal

function key(question: CountQuestion): string {
  return JSON.stringify(question);
}

/** The rows and values a caller's data-loss facts already hold, as answers. */
function knownCounts(changes: readonly DestructiveChange[]): Map<string, Count> {
  const known = new Map<string, Count>();
  for (const change of changes) {
    if (change.rows !== undefined) known.set(key({ kind: "rows", table: change.table }), { n: change.rows });
    if (change.values !== undefined && change.column !== undefined)
      known.set(key({ kind: "values", table: change.table, column: change.column }), { n: change.values });
  }
  return known;
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

type Tally = Extract<CountQuestion, { kind: "rows" | "values" }>;

/**
 * One round trip for everything: server facts if wanted, rows and values through the dialect's
 * `counts` (the queries data-loss decisions use), the rest through its lint counts. If the server
 * cannot run one count (say, comparing columns of different types), each is retried alone and the
 * failing one stays unanswered rather than failing lint.
 */
async function ask(
  context: RuntimeContext,
  questions: CountQuestion[],
  wantsServer: boolean,
): Promise<{ answers: Map<string, Count>; server: ServerFacts }> {
  const { dialect } = context;
  const serverSql = wantsServer && dialect.lint.server ? dialect.lint.server.queries() : [];
  const tallies = questions.filter((q): q is Tally => q.kind === "rows" || q.kind === "values");
  const others = questions.filter((q): q is RowQuestion => q.kind !== "rows" && q.kind !== "values");
  const targets = tallyTargets(tallies);
  const tallySql = targets.length > 0 ? dialect.counts.queries(targets) : [];
  const otherSql = others.map((question) => dialect.lint.count(question));
  const statements = [...serverSql, ...tallySql, ...otherSql];
  const answers = new Map<string, Count>();
  if (statements.length === 0) return { answers, server: {} };
  const results = await queryTolerantly(context, statements);
  const server =
    serverSql.length > 0 && dialect.lint.server
      ? dialect.lint.server.read(results.slice(0, serverSql.length).map((r) => r ?? []))
      : {};
  const tallyResults = results.slice(serverSql.length, serverSql.length + tallySql.length);
  if (tallySql.length > 0 && tallyResults.every((rows) => rows !== null)) {
    const counted = new Map(dialect.counts.read(tallyResults as Row[][], targets).map((count) => [count.table, count]));
    for (const question of tallies) {
      const table = counted.get(question.table);
      const n = question.kind === "rows" ? table?.rows : table?.values[question.column];
      if (n !== undefined) answers.set(key(question), { n });
    }
  }
  others.forEach((question, i) => {
    const row = results[serverSql.length + tallySql.length + i]?.[0];
    if (!row) return;
    const n = Number(row.n ?? 0);
    const g = row.g === undefined ? undefined : Number(row.g);
    answers.set(key(question), g === undefined ? { n } : { n, g });
  });
  return { answers, server };
}

function tallyTargets(tallies: Tally[]): { table: string; columns: string[] }[] {
  const columns = new Map<string, Set<string>>();
  for (const question of tallies) {
    const set = columns.get(question.table) ?? new Set<string>();
    if (question.kind === "values") set.add(question.column);
    columns.set(question.table, set);
  }
  return [...columns].map(([table, set]) => ({ table, columns: [...set] }));
}

/** The rows of each statement; on a query failure, each is run alone and a failing one gives `null`. */
async function queryTolerantly(context: RuntimeContext, statements: Statement[]): Promise<(Row[] | null)[]> {
  try {
    return await context.driver.queryAll(statements);
  } catch (error) {
    if (!isVibormError(error, "QUERY_FAILED")) throw error;
    return Promise.all(
      statements.map((statement) =>
        context.driver.query(statement.sql, statement.params).then(
          (result) => result.rows,
          (failure: unknown) => {
            if (isVibormError(failure, "QUERY_FAILED")) return null;
            throw failure;
          },
        ),
      ),
    );
  }
}
