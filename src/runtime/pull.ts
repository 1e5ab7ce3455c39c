/**
 * The live database as viborm schema code: what a team adopting an existing database starts from
 * (views, routines and other objects outside the schema are named in its warnings).
 */
import { schemaSource } from "../schema/source.js";
import type { RuntimeContext } from "./context.js";
import { introspectWithObjects } from "./introspect.js";
import type { PullResult } from "./types.js";

/**
 * Reads the live schema (one introspection round trip) and writes it as a TypeScript module of
 * `s.model(...)` declarations; pushing that schema back plans nothing. Writes nothing anywhere.
 *
 * @example const { source } = await migrations.pull(); // → 'import { s } from "viborm"; …'
 */
export async function pull(context: RuntimeContext): Promise<PullResult> {
  const { snapshot, objects } = await introspectWithObjects(context);
  const result = schemaSource(snapshot);
  if (objects.length === 0) return result;
  const names = objects.map((row) => `${String(row.kind ?? row.type).toLowerCase()} ${String(row.name)}`);
  return {
    ...result,
    warnings: [
      ...result.warnings,
      `The schema declares tables only, so it leaves out ${names.join(", ")}; migrate baseline keeps them in its SQL.`,
    ],
  };
}
