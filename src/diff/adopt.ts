/**
 * Native types a live database has that the schema does not ask about. A column the schema declares
 * as a plain kind (`s.string()`) over a live type viborm does not write itself (`uuid`, `citext`,
 * `MEDIUMTEXT`, `smallint`) is left as it is: push and drift detection take the live type as the
 * schema's, rather than converting a column nobody asked to convert. A schema that names a type, a
 * length or a precision still gets exactly that.
 */
import type { Snapshot } from "../schema/snapshot.js";
import { typesEqual } from "./compare.js";

/**
 * `desired` with each column that has no native type taking the live column's, where both are the
 * same kind with the same parameters (same table and column names, same array flag).
 *
 * @example adoptLiveNativeTypes(desired, live) // s.string() over a live uuid column stays uuid
 */
export function adoptLiveNativeTypes(desired: Snapshot, live: Snapshot): Snapshot {
  const liveTables = new Map(live.tables.map((table) => [table.name, table]));
  let changed = false;
  const tables = desired.tables.map((table) => {
    const current = liveTables.get(table.name);
    if (!current) return table;
    const liveColumns = new Map(current.columns.map((column) => [column.name, column]));
    let tableChanged = false;
    const columns = table.columns.map((column) => {
      const other = liveColumns.get(column.name);
      if (column.nativeType !== undefined || other?.nativeType === undefined) return column;
      if (other.array !== column.array || !typesEqual(other.type, column.type)) return column;
      tableChanged = true;
      return { ...column, nativeType: { ...other.nativeType } };
    });
    if (!tableChanged) return table;
    changed = true;
    return { ...table, columns };
  });
  return changed ? { ...desired, tables } : desired;
}
