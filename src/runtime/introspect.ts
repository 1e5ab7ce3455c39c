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
  return dialect.normalize(dialect.introspection.read(results, options));
}
