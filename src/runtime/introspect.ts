import type { IntrospectOptions, Row } from "../dialects/types.js";
import type { Snapshot } from "../schema/snapshot.js";
import type { RuntimeContext } from "./context.js";

/**
 * Reads the live schema in the fewest round trips the driver allows (one batch or one
 * multi-statement query where it can), already normalised for diffing. The tracking table and
 * viborm's bookkeeping are invisible.
 */
export async function introspect(context: RuntimeContext): Promise<Snapshot> {
  return (await introspectWith(context, false)).snapshot;
}

/**
 * The live schema and, in the same round trip, the objects outside it that migrations make by
 * hand (views, routines…: the dialect's `objects` rows; none where it lists none), for the
 * commands that drop or re-create everything (`reset`, `baseline`) or say what they leave out (`pull`).
 */
export async function introspectWithObjects(context: RuntimeContext): Promise<{ snapshot: Snapshot; objects: Row[] }> {
  return introspectWith(context, true);
}

// internal

async function introspectWith(
  context: RuntimeContext,
  withObjects: boolean,
): Promise<{ snapshot: Snapshot; objects: Row[] }> {
  const options: IntrospectOptions = {
    excludeTables: [context.tableName, ...(context.dialect.progress ? [context.dialect.progress.table] : [])],
    ...(context.pgSchema === undefined ? {} : { schema: context.pgSchema }),
  };
  const { dialect, driver } = context;
  const queries = dialect.introspection.queries(options);
  const objects = withObjects ? dialect.objects?.query : undefined;
  const results = await driver.queryAll(
    objects === undefined ? queries : [...queries, typeof objects === "function" ? objects(options) : objects],
  );
  let snapshot = dialect.introspection.read(results.slice(0, queries.length), options);
  const refine = dialect.introspection.refine;
  const again = refine?.queries(snapshot) ?? [];
  if (refine && again.length > 0) snapshot = refine.read(snapshot, await driver.queryAll(again));
  return {
    snapshot: dialect.normalize(snapshot),
    objects: objects === undefined ? [] : (results[queries.length] ?? []),
  };
}
