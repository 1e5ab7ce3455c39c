/**
 * The CI gate: everything that is out of step between the schema, the migration folders and the
 * database, read-only (it never writes, not even a missing tracking table).
 */
import { adoptLiveNativeTypes, adoptUndeclarable, diff } from "../diff/index.js";
import type { Operation } from "../diff/operations.js";
import { isVibormError } from "../errors.js";
import { checkIntegrityProblems } from "./check-integrity.js";
import { type RuntimeContext, requireStorage } from "./context.js";
import { introspect } from "./introspect.js";
import { branchConflicts, loadMigrations } from "./journal.js";
import { readFolderState } from "./state.js";
import { readTracking } from "./tracking.js";
import type { CheckProblem, CheckResult } from "./types.js";

/**
 * `SCHEMA_AHEAD` (the schema has changes no migration captures) and `BRANCH_CONFLICT` from the
 * folders alone; with a reachable database also `MODIFIED`, `MISSING`, `PENDING`, and `DRIFT`: the
 * live schema against the state its applied migrations produce (hand-written SQL included: the
 * same folder state generate uses).
 */
export async function check(context: RuntimeContext): Promise<CheckResult> {
  const storage = requireStorage(context, "check");
  const { dialect } = context;
  const stored = await loadMigrations(storage, dialect.name);
  const problems: CheckProblem[] = [];

  const folderState = dialect.normalize(readFolderState(dialect, stored).snapshot);
  const ahead = diff(folderState, adoptUndeclarable(dialect.normalize(context.desired), folderState)).operations;
  if (ahead.length > 0) {
    problems.push({
      code: "SCHEMA_AHEAD",
      message: `The schema has ${ahead.length} change(s) no migration captures: run migrate generate.`,
      changes: ahead.map(describe),
    });
  }
  for (const { migrations, tables } of branchConflicts(stored)) {
    problems.push({
      code: "BRANCH_CONFLICT",
      message: `Migrations ${migrations.join(" and ")} were generated on separate branches and both change ${tables.join(", ")}; check they combine as intended (regenerate the later one on top of the other).`,
      migrations: [...migrations],
    });
  }

  let records: Awaited<ReturnType<typeof readTracking>>;
  try {
    records = await readTracking(context);
  } catch (error) {
    if (isVibormError(error, "CONNECTION_FAILED")) return { ok: problems.length === 0, problems, database: false };
    throw error;
  }
  problems.push(...checkIntegrityProblems(stored, records));
  const appliedIds = new Set(records.map((record) => record.id));
  const applied = stored.filter((s) => appliedIds.has(s.migration.id));
  const expected = dialect.normalize(readFolderState(dialect, applied).snapshot);
  // Listed as what would bring the database back to what its migrations say, e.g. "dropTable audit".
  const live = await introspect(context);
  const drift = diff(live, adoptLiveNativeTypes(expected, live)).operations;
  if (drift.length > 0) {
    problems.push({
      code: "DRIFT",
      message: `The database differs from what its applied migrations produce (changed by hand, or by push): ${drift.length} change(s) would bring it back; or capture the difference in a migration.`,
      changes: drift.map(describe),
    });
  }
  return { ok: problems.length === 0, problems, database: true };
}

// internal

/** An operation in a few words, e.g. "addColumn user.name". */
function describe(operation: Operation): string {
  const op = operation as Operation & Record<string, unknown>;
  const table = typeof op.table === "string" ? op.table : (op.table as { name?: string } | undefined)?.name;
  const detail =
    (op.column as { name?: string } | undefined)?.name ??
    (op.index as { name?: string } | undefined)?.name ??
    (op.unique as { name?: string } | undefined)?.name ??
    (op.foreignKey as { name?: string } | undefined)?.name ??
    (op.to as { name?: string } | undefined)?.name ??
    (typeof op.to === "string" ? op.to : undefined);
  const enumName =
    (op.enum as { name?: string } | undefined)?.name ?? (typeof op.name === "string" ? op.name : undefined);
  const subject = table ? `${table}${detail ? `.${detail}` : ""}` : (enumName ?? "");
  return `${operation.kind} ${subject}`.trim();
}
