/**
 * The one place where decisions become a plan, shared by push and generate: suspected renames
 * are settled, then each destructive change is accepted or not, and only a fully accepted plan
 * comes back. Anything undecided or rejected throws `DESTRUCTIVE_REJECTED`, and nothing happens.
 */
import { DestructiveChangeError, InvalidArgumentError, type UndecidedChange } from "../errors.js";
import type { Snapshot } from "../schema/snapshot.js";
import { diff } from "./diff.js";
import type {
  AmbiguousChange,
  AmbiguousDecision,
  Change,
  DestructiveChange,
  DestructiveDecision,
  Operation,
  ResolveFn,
} from "./operations.js";
import { type Rename, renameOf, tableAmbiguities } from "./renames.js";

/** Options of {@link resolveChanges}. */
export interface ResolveOptions {
  /** Asked once per suspected rename, then once per destructive change. */
  resolve?: ResolveFn;
  /**
   * Decides what `resolve` leaves undecided (or everything, without `resolve`): destructive
   * changes proceed and a suspected rename is planned as add + drop, never guessed. @default false
   */
  force?: boolean;
  /**
   * Adds facts (`rows`, `values`) to the destructive changes before any is asked: called once, with
   * every destructive change of the plan and its operations, only when there is at least one (push
   * counts them in one round trip). A change its facts show harmless is then not asked (see
   * {@link needsDecision}).
   */
  facts?: (changes: DestructiveChange[], operations: Operation[]) => Promise<DestructiveChange[]>;
}

/** One change and what was decided for it. */
export interface ChangeDecision {
  change: Change;
  decision: AmbiguousDecision | DestructiveDecision | "undecided";
  /** Who decided: the `resolve` callback, `force`, or nobody. */
  by: "resolve" | "force" | "none";
}

/** An accepted plan. */
export interface ResolvedPlan {
  /** The operations to run, in order. */
  operations: Operation[];
  /** Every change that needed a decision, in the order asked (suspected renames, then destructive changes). */
  changes: Change[];
  /** The decision of each of `changes`, in the same order. */
  decisions: ChangeDecision[];
  /** The renames the plan makes. */
  renames: Rename[];
}

/**
 * Diffs `from` → `to` and settles every decision:
 * 1. suspected table renames, then column renames, are asked one at a time in the diff's order;
 *    "rename" fixes the pair (later suspicions involving either side are not asked), "addAndDrop"
 *    keeps the add and the drop, "reject" is recorded;
 * 2. with the renames fixed, each destructive change is asked: "proceed" or "reject";
 * 3. if anything is undecided or rejected, throws `DESTRUCTIVE_REJECTED` listing each such change
 *    with its `decision`.
 *
 * When both are given, `resolve` wins and `force` decides only what it leaves `undefined`.
 * An answer that does not fit the change throws `INVALID_ARGUMENT`.
 *
 * @example const plan = await resolveChanges(live, desired, { resolve: (c) => (c.type === "ambiguous" ? "rename" : "proceed") });
 */
export async function resolveChanges(
  from: Snapshot,
  to: Snapshot,
  options: ResolveOptions = {},
): Promise<ResolvedPlan> {
  const given = options.resolve as unknown;
  if (given !== undefined && typeof given !== "function")
    throw new InvalidArgumentError(
      `resolve must be a function called with each destructive or ambiguous change; it was given a ${typeof given}.`,
      { argument: "resolve", problem: "not a function" },
    );
  const decisions: ChangeDecision[] = [];
  const renames: Rename[] = [];
  const settle = async (candidates: Change[]) => {
    for (const change of candidates) {
      if (change.type !== "ambiguous" || involvesRename(renames, change)) continue;
      const decided = await decide(change, options);
      decisions.push(decided);
      if (decided.decision === "rename") renames.push(renameOf(change));
    }
  };
  await settle(tableAmbiguities(from, to, []));
  const withTableRenames = diff(from, to, { renames });
  const settled = renames.length;
  await settle(withTableRenames.changes.filter((c) => c.type === "ambiguous" && c.kind === "renameColumn"));
  // The diff is pure: with no column rename fixed, diffing again would give the same plan.
  const plan = renames.length === settled ? withTableRenames : diff(from, to, { renames });
  let destructive = plan.changes.filter((change) => change.type === "destructive");
  if (options.facts && destructive.length > 0) destructive = await options.facts(destructive, plan.operations);
  for (const change of destructive.filter(needsDecision)) decisions.push(await decide(change, options));
  const blocked = decisions.filter((d) => d.decision === "reject" || d.decision === "undecided");
  if (blocked.length > 0) throw rejection(blocked);
  return { operations: plan.operations, changes: decisions.map((d) => d.change), decisions, renames };
}

/**
 * False for a destructive change that its facts show can neither fail nor lose data: a NOT NULL
 * column without default added to a table counted empty. Without facts (generate: the database a
 * migration meets is unknown) every destructive change needs a decision.
 *
 * @example needsDecision({ type: "destructive", kind: "addNotNullColumn", table: "users", column: "age", rows: 0, description }) // → false
 */
export function needsDecision(change: DestructiveChange): boolean {
  return !(change.kind === "addNotNullColumn" && change.rows === 0);
}

// internal

const ANSWERS = {
  ambiguous: ["rename", "addAndDrop", "reject"],
  destructive: ["proceed", "reject"],
} as const;

async function decide(change: Change, options: ResolveOptions): Promise<ChangeDecision> {
  const answer: unknown = options.resolve ? await options.resolve(change) : undefined;
  if (answer !== undefined) {
    const allowed: readonly string[] = ANSWERS[change.type];
    if (typeof answer !== "string" || !allowed.includes(answer)) {
      throw new InvalidArgumentError(
        `resolve answered ${JSON.stringify(answer)} for "${change.description}"; answer one of ${allowed.join(", ")}.`,
        { argument: "resolve", value: answer, problem: `expected one of ${allowed.join(", ")}` },
      );
    }
    return { change, decision: answer as ChangeDecision["decision"], by: "resolve" };
  }
  if (options.force) return { change, decision: change.type === "ambiguous" ? "addAndDrop" : "proceed", by: "force" };
  return { change, decision: "undecided", by: "none" };
}

/** True when a fixed rename already took either side of a suspected one. */
function involvesRename(renames: readonly Rename[], change: AmbiguousChange): boolean {
  return renames.some((rename) =>
    change.kind === "renameTable"
      ? rename.kind === "table" && (rename.from === change.from || rename.to === change.to)
      : rename.kind === "column" &&
        rename.table === change.table &&
        (rename.from === change.from || rename.to === change.to),
  );
}

function rejection(blocked: ChangeDecision[]): DestructiveChangeError {
  const changes: UndecidedChange[] = blocked.map(({ change, decision }) => ({
    ...change,
    decision: decision === "reject" ? "rejected" : "undecided",
  }));
  const rejected = changes.filter((c) => c.decision === "rejected").length;
  const undecided = changes.length - rejected;
  const counts = [undecided > 0 ? `${undecided} undecided` : "", rejected > 0 ? `${rejected} rejected` : ""]
    .filter(Boolean)
    .join(", ");
  const noun =
    changes.length === 1
      ? "change that may lose data or be a rename was"
      : "changes that may lose data or be renames were";
  return new DestructiveChangeError(
    `${changes.length} ${noun} not accepted (${counts}), so nothing ran or was written; pass \`resolve\` to decide each one, or \`force: true\` to accept data loss and plan possible renames as add + drop.`,
    { changes },
  );
}
