/**
 * Small helpers the analyzers share: drafting a finding, counting rows, writing numbers, reading enums.
 */
import type { Column } from "../../schema/snapshot.js";
import type { Count } from "./facts.js";
import type { OperationContext } from "./rules.js";
import type { Draft, LintCode } from "./types.js";

export type { Draft } from "./types.js";

/** A finding before it is placed. */
export function draft(code: LintCode, severity: Draft["severity"], message: string, suggestion: string): Draft {
  return { code, severity, message, suggestion };
}

/** The rows of a table the database holds, when lint may ask and it answered. */
export function rowsOf(context: Pick<OperationContext, "facts" | "unit">, table: string): Count | undefined {
  return context.facts.count(context.unit, { kind: "rows", table });
}

/**
 * A count as people read it, with thousands separators.
 *
 * @example formatCount(4210) // → "4,210"
 */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The values an enum column's type loses (none unless both sides are enums). */
export function removedEnumValues(from: Column, to: Column): string[] {
  if (from.type.kind !== "enum" || to.type.kind !== "enum") return [];
  const kept = to.type.values;
  return from.type.values.filter((value) => !kept.includes(value));
}
