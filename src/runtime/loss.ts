/**
 * What `rollback` and `reset` destroy, for their dry runs: the destructive changes their SQL makes
 * (tables and columns dropped, types narrowed…), with the rows and values they hold counted on the
 * live database in one round trip.
 */
import { classifyOperations, compareColumnTypes, invertOperations } from "../diff/index.js";
import type { DestructiveChange, Operation } from "../diff/operations.js";
import { isVibormError } from "../errors.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { RuntimeContext } from "./context.js";
import { countFacts } from "./facts.js";
import { introspect } from "./introspect.js";
import { foldState, type StoredMigration } from "./journal.js";

/**
 * The data the down migrations of `toRun` (newest first) destroy, counted on the live database.
 * `applied` are every applied migration, in id order: their folded state is what the downs start from.
 *
 * @example await rollbackLoss(context, applied, toRun) // → [{ kind: "dropTable", table: "users", rows: 12, … }]
 */
export async function rollbackLoss(
  context: RuntimeContext,
  applied: StoredMigration[],
  toRun: StoredMigration[],
): Promise<DestructiveChange[]> {
  const operations = toRun.flatMap((stored) => invertOperations(stored.meta.operations));
  if (operations.length === 0) return [];
  const changes = classifyDowns(context, applied, operations);
  if (changes.length === 0) return [];
  return countFacts(context, await introspect(context), operations, changes);
}

/**
 * The data dropping every object of `live` destroys (`operations` drop them all), counted.
 *
 * @example await resetLoss(context, live, diff(live, emptySnapshot()).operations)
 */
export async function resetLoss(
  context: RuntimeContext,
  live: Snapshot,
  operations: Operation[],
): Promise<DestructiveChange[]> {
  const changes = classifyOperations(live, operations);
  return changes.length === 0 ? [] : countFacts(context, live, operations, changes);
}

// internal

/** The codes of a history that does not fold (see {@link classifyDowns}). */
const UNFOLDABLE: readonly string[] = ["INVALID_ARGUMENT", "INVALID_MIGRATION", "MIGRATION_CONFLICT"];

/**
 * Classifies the down operations from the schema the applied migrations fold to. When they do not
 * fold (history repaired by hand, a migration applied out of order), the preview must not fail
 * where the rollback itself would run: it then reads the drops off the operations alone.
 */
function classifyDowns(
  context: RuntimeContext,
  applied: StoredMigration[],
  operations: Operation[],
): DestructiveChange[] {
  try {
    return classifyOperations(context.dialect.normalize(foldState(applied)), operations);
  } catch (error) {
    if (!isVibormError(error) || !UNFOLDABLE.includes(error.code)) throw error;
    return operations.flatMap(shallowLoss);
  }
}

function shallowLoss(op: Operation): DestructiveChange[] {
  const change = (kind: DestructiveChange["kind"], table: string, description: string, column?: string) =>
    [{ type: "destructive", kind, table, ...(column === undefined ? {} : { column }), description }] as const;
  switch (op.kind) {
    case "dropTable":
      return [...change("dropTable", op.table.name, `Table ${op.table.name} is dropped with all its rows.`)];
    case "dropColumn":
      return [
        ...change(
          "dropColumn",
          op.table,
          `Column ${op.table}.${op.column.name} is dropped with its values.`,
          op.column.name,
        ),
      ];
    case "alterColumn":
      return compareColumnTypes(op.from, op.to) === "narrowing"
        ? [...change("narrowType", op.table, `Column ${op.table}.${op.to.name} changes type.`, op.to.name)]
        : [];
    default:
      return [];
  }
}
