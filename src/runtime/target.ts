import { VibormError } from "../errors.js";
import type { StoredMigration } from "./journal.js";

/** The migration a `to` option names, by id or by name (a name shared by several is ambiguous). */
export function findMigration(stored: StoredMigration[], to: string): StoredMigration {
  const byId = stored.find((s) => s.migration.id === to);
  if (byId) return byId;
  const byName = stored.filter((s) => s.migration.name === to);
  if (byName.length === 1) return byName[0]!;
  const problem = byName.length > 1 ? `is the name of ${byName.length} migrations; use the id` : "matches no migration";
  throw new VibormError("MIGRATION_NOT_FOUND", `"${to}" ${problem} (ids look like 20261126184000_add-users).`, {
    target: to,
  });
}
