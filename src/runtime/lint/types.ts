/**
 * Public types of migration lint, and the shapes its analyzers share.
 */

import type { ParsedStatement } from "../../dialects/types.js";
import type { Operation } from "../../diff/operations.js";
import type { Snapshot } from "../../schema/snapshot.js";

/**
 * A finding's code:
 * - `DESTRUCTIVE`: drops a table, column, enum value or rows;
 * - `DATA_DEPENDENT`: may fail on existing rows (a new unique, NOT NULL, narrower type, foreign key);
 * - `BACKWARD_INCOMPATIBLE`: renames or drops something the code deployed now still uses;
 * - `BLOCKING`: takes a long write lock or rewrites a table;
 * - `EDGE_LIMIT`: may pass a limit of D1 or of Neon's HTTP endpoint;
 * - `NOT_ANALYSED`: a statement lint cannot read, so nothing is known about it.
 */
export type LintCode =
  | "DESTRUCTIVE"
  | "DATA_DEPENDENT"
  | "BACKWARD_INCOMPATIBLE"
  | "BLOCKING"
  | "EDGE_LIMIT"
  /** A BEGIN, COMMIT or ROLLBACK in a migration viborm runs in one unit: apply refuses it. */
  | "TRANSACTION_CONTROL"
  | "NOT_ANALYSED";

/** Every lint code, in the order findings are listed for one statement. */
export const LINT_CODES = [
  "DESTRUCTIVE",
  "DATA_DEPENDENT",
  "BACKWARD_INCOMPATIBLE",
  "BLOCKING",
  "EDGE_LIMIT",
  "TRANSACTION_CONTROL",
  "NOT_ANALYSED",
] as const satisfies readonly LintCode[];

/** One risk lint found in one statement. */
export interface Finding {
  code: LintCode;
  /** `DESTRUCTIVE` is an error, and `DATA_DEPENDENT` when the database shows it will fail; the rest are warnings. */
  severity: "error" | "warning";
  /** The migration's id; `null` for what `push` is about to run. */
  migration: string | null;
  /** 0-based index of the statement in `up.sql` (or in push's statements). */
  statement: number;
  message: string;
  /** A concrete way to make the change safely, or to accept it. */
  suggestion: string;
}

export interface LintOptions {
  /**
   * Which migrations: those not applied yet, every stored one, or these ids or names.
   * @default "pending"
   */
  migrations?: "pending" | "all" | string[];
}

export interface LintResult {
  /** In migration order, then statement order. */
  findings: Finding[];
}

/** One statement as the analyzers see it. */
export interface LintStatement {
  index: number;
  sql: string;
  params?: unknown[];
  origin: "generated" | "written";
  parsed: ParsedStatement;
  /** The operations that take effect at this statement. */
  operations: Operation[];
  /** The schema just before this statement. */
  before: Snapshot;
  /** Tables created earlier in the same unit: they hold no rows yet. */
  fresh: Pick<ReadonlySet<string>, "has">;
  /** Codes silenced by `-- viborm:nolint CODE` lines just above it. */
  silenced: ReadonlySet<string>;
}

/** One unit of lint: a migration's up.sql, or push's statements. */
export interface LintUnit {
  migration: string | null;
  statements: LintStatement[];
  /** False for a `-- viborm:no-transaction` migration (its statements run one call each). */
  transactional: boolean;
  /** Counts may be asked for: the unit has not run yet. */
  pending: boolean;
}

/** A finding before it is placed (its unit and statement are known to the caller). */
export interface Draft {
  code: LintCode;
  severity: "error" | "warning";
  message: string;
  suggestion: string;
}
