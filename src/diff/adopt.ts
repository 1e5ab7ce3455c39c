/**
 * What a live database has that the schema does not ask about. A column the schema declares as a
 * plain kind (`s.string()`) over a live type viborm does not write itself (`uuid`, `citext`,
 * `MEDIUMTEXT`, `smallint`) is left as it is: push and drift detection take the live type as the
 * schema's, rather than converting a column nobody asked to convert. A schema that names a type, a
 * length or a precision still gets exactly that. Push likewise keeps a default only SQL can say.
 */
import type { Column, Snapshot } from "../schema/snapshot.js";
import { typesEqual } from "./compare.js";

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
 * what nobody can ask for (a schema `pull` wrote then pushes back to nothing). Push only: drift
 * detection compares with migrations, whose SQL can say any default.
 *
 * @example adoptLiveSqlDefaults(desired, live) // created TEXT DEFAULT (datetime('now')) stays
 */
export function adoptLiveSqlDefaults(desired: Snapshot, live: Snapshot): Snapshot {
  return adoptColumns(desired, live, (column, other) =>
    column.default !== null || other.default?.kind !== "sql" || column.autoIncrement
      ? column
      : { ...column, default: { ...other.default } },
  );
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
