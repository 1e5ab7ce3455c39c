/**
 * @module viborm diff: snapshots in, ordered operations and the changes that need a decision out;
 * the inverse direction (apply, invert) and the resolver shared by push and generate.
 */
export { adoptLive, adoptLiveNativeTypes, adoptUndeclarable } from "./adopt.js";
export { type ApplyChecks, applyOperation, applyOperations } from "./apply.js";
export { classifyOperations, compareColumnTypes, type TypeChange, typeLabel } from "./changes.js";
export { type DiffOptions, type DiffResult, diff } from "./diff.js";
export { inverseLoss, invertOperation, invertOperations, isLossyInverse } from "./invert.js";
export type * from "./operations.js";
export { topologicalOrder } from "./order.js";
export { columnAmbiguities, type Rename, tableAmbiguities, validateRenames } from "./renames.js";
export {
  type ChangeDecision,
  needsDecision,
  type ResolvedPlan,
  type ResolveOptions,
  resolveChanges,
} from "./resolve.js";
