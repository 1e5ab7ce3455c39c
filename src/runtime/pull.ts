/**
 * The live database as viborm schema code: what a team adopting an existing database starts from.
 */
import { schemaSource } from "../schema/source.js";
import type { RuntimeContext } from "./context.js";
import { introspect } from "./introspect.js";
import type { PullResult } from "./types.js";

/**
 * Reads the live schema (one introspection round trip) and writes it as a TypeScript module of
 * `s.model(...)` declarations; pushing that schema back plans nothing. Writes nothing anywhere.
 *
 * @example const { source } = await migrations.pull(); // → 'import { s } from "viborm"; …'
 */
export async function pull(context: RuntimeContext): Promise<PullResult> {
  return schemaSource(await introspect(context));
}
