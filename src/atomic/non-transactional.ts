/**
 * A unit that declared itself non-transactional (`-- viborm:no-transaction`, for statements such as
 * `CREATE INDEX CONCURRENTLY` that refuse to run in a transaction): statements run one by one, the
 * tracking write last. The guarantee is weaker and said so: a failure leaves the finished statements
 * applied (reported in `meta.applied`) and the migration pending.
 */
import type { Session } from "../drivers/types.js";
import { runStatement, unitFailed } from "./failure.js";
import type { AtomicOutcome, AtomicUnit } from "./types.js";

export async function runOutsideTransaction(session: Session, unit: AtomicUnit): Promise<AtomicOutcome> {
  if (unit.precheck) {
    const { rows } = await session.query(unit.precheck.statement.sql, unit.precheck.statement.params);
    if (!unit.precheck.shouldRun(rows)) return { status: "skipped" };
  }
  const all = [...unit.statements, ...unit.tracking];
  for (let index = 0; index < all.length; index++) {
    try {
      await runStatement(session, all[index]!);
    } catch (error) {
      throw unitFailed(unit, index, error, { kept: all.slice(0, index).map((statement) => statement.sql) });
    }
  }
  return { status: "done" };
}
