import type { IntrospectOptions } from "../dialects/types.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { RuntimeContext } from "./context.js";

/**
 * Reads the live schema in the fewest round trips the driver allows (one batch or one
 * multi-statement query where it can), already normalised for diffing. The tracking table and
 * viborm's bookkeeping are invisible.
 */
export async function introspect(context: RuntimeContext): Promise<Snapshot> {
  const options: IntrospectOptions = {
    excludeTables: [context.tableName, ...(context.dialect.progress ? [context.dialect.progress.table] : [])],
    ...(context.pgSchema === undefined ? {} : { schema: context.pgSchema }),
  };
  const { dialect, driver } = context;
  const results = await driver.queryAll(dialect.introspection.queries(options));
  let snapshot = dialect.introspection.read(results, options);
  const refine = dialect.introspection.refine;
  const again = refine?.queries(snapshot) ?? [];
  if (refine && again.length > 0) snapshot = refine.read(snapshot, await driver.queryAll(again));
  return dialect.normalize(snapshot);
}
