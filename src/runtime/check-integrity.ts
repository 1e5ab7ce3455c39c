/**
 * The history problems `check` reports from the folders and the tracking table: modified, missing
 * and pending migrations.
 */
import type { TrackingRecord } from "../dialects/types.js";
import { matchesRecord, type StoredMigration } from "./journal.js";
import type { CheckProblem } from "./types.js";

/** `MODIFIED`, `MISSING` and `PENDING`, each listing its migrations, in that order. */
export function checkIntegrityProblems(stored: StoredMigration[], records: TrackingRecord[]): CheckProblem[] {
  const byId = new Map(stored.map((s) => [s.migration.id, s]));
  const recorded = new Set(records.map((r) => r.id));
  const modified = records.filter((r) => {
    const files = byId.get(r.id);
    return files !== undefined && !matchesRecord(files, r);
  });
  const missing = records.filter((r) => !byId.has(r.id)).map((r) => r.id);
  const pending = stored.filter((s) => !recorded.has(s.migration.id)).map((s) => s.migration.id);
  const problems: CheckProblem[] = [];
  if (modified.length > 0) {
    const ids = modified.map((r) => r.id);
    problems.push({
      code: "MODIFIED",
      message: `Migration ${ids.join(", ")} changed after it was applied: restore its files, or accept a harmless edit with migrate resolve --accept-checksum ${ids[0]}.`,
      migrations: ids,
    });
  }
  if (missing.length > 0) {
    problems.push({
      code: "MISSING",
      message: `Migration ${missing.join(", ")} is applied but its folder is gone: restore it from version control.`,
      migrations: missing,
    });
  }
  if (pending.length > 0) {
    problems.push({
      code: "PENDING",
      message: `${pending.length} migration(s) are not applied yet: ${pending.join(", ")}.`,
      migrations: pending,
    });
  }
  return problems;
}
