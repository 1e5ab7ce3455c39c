/**
 * What the database (or the migrations' state) has that the schema does not ask about, kept rather
 * than planned away. A column the schema declares as a plain kind (`s.string()`) over a live type
 * viborm does not write itself (`uuid`, `citext`, `MEDIUMTEXT`, `smallint`) is left as it is: push
 * and drift detection take the live type as the schema's, rather than converting a column nobody
 * asked to convert; a schema that names a type, a length or a precision still gets exactly that.
 * What no schema can declare at all — generated columns, defaults only SQL can say, indexes on
 * expressions — push and generate keep as they found it.
 */
import { type Column, isIndexExpression, type Snapshot } from "../schema/snapshot.js";
import { compareNames, typesEqual } from "./compare.js";

/**
 * What push keeps of the live database that the schema does not ask about: native types, and
 * what the schema cannot declare at all ({@link adoptUndeclarable}).
 *
 * @example const desired = adoptLive(dialect.normalize(context.desired), live);
 */
export function adoptLive(desired: Snapshot, live: Snapshot): Snapshot {
  return adoptUndeclarable(adoptLiveNativeTypes(desired, live), live);
}

/**
 * `desired` keeping what `current` has and no schema can declare — generated columns, defaults
 * only SQL can say, indexes on expressions — so that nothing plans to remove them: the live
 * database for push, the migrations' state for generate (SQL written into an `up.sql` by hand stays).
 *
 * @example const desired = adoptUndeclarable(dialect.normalize(context.desired), state);
 */
export function adoptUndeclarable(desired: Snapshot, current: Snapshot): Snapshot {
  return adoptLiveExpressionIndexes(adoptLiveSqlDefaults(adoptGenerated(desired, current), current), current);
}

/** `desired` with each column `current` computes (a generated column) computed the same way. */
function adoptGenerated(desired: Snapshot, current: Snapshot): Snapshot {
  return adoptColumns(desired, current, (column, other) =>
    column.generated !== undefined || other.generated === undefined || column.autoIncrement
      ? column
      : { ...column, default: null, generated: { ...other.generated } },
  );
}

/**
 * `desired` with each column that has no native type taking the live column's, where both are the
 * same kind with the same parameters (same table and column names, same array flag).
 *
 * @example adoptLiveNativeTypes(desired, live) // s.string() over a live uuid column stays uuid
 */
export function adoptLiveNativeTypes(desired: Snapshot, live: Snapshot): Snapshot {
  return adoptColumns(desired, live, (column, other) => {
    if (column.nativeType !== undefined || other.nativeType === undefined) return column;
    if (other.array !== column.array || !typesEqual(other.type, column.type)) return column;
    return { ...column, nativeType: { ...other.nativeType } };
  });
}

/**
 * `desired` with each column that has no default taking the live column's where that default is
 * one the schema cannot declare (`kind: "sql"`, e.g. SQLite's `datetime('now')` on a TEXT column):
 * viborm never writes such a default, so it was made by hand, and push keeps it rather than drop
 * what nobody can ask for (a schema `pull` wrote then pushes back to nothing). Drift detection
 * does not: it compares the database with migrations, whose SQL can say any default.
 *
 * @example adoptLiveSqlDefaults(desired, live) // created TEXT DEFAULT (datetime('now')) stays
 */
function adoptLiveSqlDefaults(desired: Snapshot, live: Snapshot): Snapshot {
  return adoptColumns(desired, live, (column, other) =>
    column.default !== null || other.default?.kind !== "sql" || column.autoIncrement
      ? column
      : { ...column, default: { ...other.default } },
  );
}

/**
 * `desired` with each live index that has an expression key part (`lower(email)`) and that no
 * index or unique of `desired` names: the schema cannot declare one, so it was made by hand, and
 * push keeps it — a unique one may be the very rule that keeps emails unique whatever their case.
 *
 * @example adoptLiveExpressionIndexes(desired, live) // CREATE UNIQUE INDEX … (lower(email)) stays
 */
function adoptLiveExpressionIndexes(desired: Snapshot, live: Snapshot): Snapshot {
  const liveTables = new Map(live.tables.map((table) => [table.name, table]));
  let changed = false;
  const tables = desired.tables.map((table) => {
    const named = new Set([...table.indexes, ...table.uniques].map((item) => item.name));
    const kept = (liveTables.get(table.name)?.indexes ?? []).filter(
      (index) => index.columns.some(isIndexExpression) && !named.has(index.name),
    );
    if (kept.length === 0) return table;
    changed = true;
    return { ...table, indexes: [...table.indexes, ...kept].sort((a, b) => compareNames(a.name, b.name)) };
  });
  return changed ? { ...desired, tables } : desired;
}

/** `desired` with `adopt` applied to each column that also exists live; unchanged tables kept as they are. */
function adoptColumns(desired: Snapshot, live: Snapshot, adopt: (column: Column, other: Column) => Column): Snapshot {
  const liveTables = new Map(live.tables.map((table) => [table.name, table]));
  let changed = false;
  const tables = desired.tables.map((table) => {
    const current = liveTables.get(table.name);
    if (!current) return table;
    const liveColumns = new Map(current.columns.map((column) => [column.name, column]));
    let tableChanged = false;
    const columns = table.columns.map((column) => {
      const other = liveColumns.get(column.name);
      const adopted = other ? adopt(column, other) : column;
      if (adopted !== column) tableChanged = true;
      return adopted;
    });
    if (!tableChanged) return table;
    changed = true;
    return { ...table, columns };
  });
  return changed ? { ...desired, tables } : desired;
}
