/**
 * Decisions on destructive and ambiguous changes: from flags (`--force`, `--rename`, `--no-rename`),
 * from prompts, recorded during the preview and replayed, unchanged, for the real run.
 */
import { DestructiveChangeError, InvalidArgumentError, type UndecidedChange } from "../index.js";
import type { AmbiguousDecision, Change, DestructiveDecision, ResolveFn } from "../runtime/index.js";

/** A decision the runtime understands. */
export type Decision = AmbiguousDecision | DestructiveDecision;

/** One `--rename` flag: `<table>=<newTable>` or `<table>.<column>=<newColumn>`. */
export type RenameFlag =
  | { kind: "renameTable"; from: string; to: string; spec: string }
  | { kind: "renameColumn"; table: string; from: string; to: string; spec: string };

/** The decision flags of `push` and `migrate generate`. */
export interface DecisionFlags {
  /** `--force` / `--accept-data-loss`: destructive changes proceed. */
  force: boolean;
  renames: RenameFlag[];
  /** `--no-rename`: every suspected rename not named by `--rename` is an add and a drop. */
  noRename: boolean;
}

/** What was decided while previewing, by change, to be replayed for the real run. */
export interface DecisionRecord {
  decisions: Map<string, { change: Change; decision: Decision; by: "flag" | "prompt" }>;
  /** How many changes were asked about in a prompt. */
  asked: number;
  /** The `--rename` flags some suspected rename matched. */
  usedRenames: Set<string>;
}

/**
 * Parses a `--rename` value. The table of a column rename is its name in the schema (after any
 * table rename); `users.name=users.full_name` is accepted as well as `users.name=full_name`.
 *
 * @example parseRenameFlag("users.name=full_name") // → { kind: "renameColumn", table: "users", from: "name", to: "full_name", … }
 */
export function parseRenameFlag(spec: string): RenameFlag {
  const [left, right, ...rest] = spec.split("=");
  if (!left || !right || rest.length > 0) throw badRename(spec);
  const dot = left.indexOf(".");
  if (dot < 0) {
    if (right.includes(".")) throw badRename(spec);
    return { kind: "renameTable", from: left, to: right, spec };
  }
  const table = left.slice(0, dot);
  const from = left.slice(dot + 1);
  const to = right.startsWith(`${table}.`) ? right.slice(table.length + 1) : right;
  if (!table || !from || !to || from.includes(".") || to.includes(".")) throw badRename(spec);
  return { kind: "renameColumn", table, from, to, spec };
}

/** A stable key for a change: the same change in the preview and the real run has the same key. */
export function changeKey(change: Change | UndecidedChange): string {
  const { type, kind, table } = change;
  const column = "column" in change ? change.column : undefined;
  const enumName = "enum" in change ? change.enum : undefined;
  const from = "from" in change ? change.from : undefined;
  const to = "to" in change ? change.to : undefined;
  return JSON.stringify([type, kind, table, column ?? null, enumName ?? null, from ?? null, to ?? null]);
}

/**
 * What the flags decide for a change, or `undefined`. A `--rename` naming the same old or new name
 * with another partner answers "addAndDrop" for this pairing: the user said which pair it is.
 */
export function decideByFlags(change: Change, flags: DecisionFlags, used?: Set<string>): Decision | undefined {
  if (change.type === "destructive") return flags.force ? "proceed" : undefined;
  const sameScope = flags.renames.filter(
    (flag) => flag.kind === change.kind && (flag.kind === "renameTable" || flag.table === change.table),
  );
  const exact = sameScope.find((flag) => flag.from === change.from && flag.to === change.to);
  if (exact) {
    used?.add(exact.spec);
    return "rename";
  }
  if (sameScope.some((flag) => flag.from === change.from || flag.to === change.to)) return "addAndDrop";
  return flags.noRename ? "addAndDrop" : undefined;
}

/** The exact flags that would decide a change, for the list of undecided changes. */
export function flagsFor(change: Change | UndecidedChange): string[] {
  if (change.type === "destructive") return ["--force"];
  const { from, to, table } = change as { from: string; to: string; table: string };
  const rename = change.kind === "renameTable" ? `--rename ${from}=${to}` : `--rename ${table}.${from}=${to}`;
  return [rename, "--no-rename"];
}

/** An empty record. */
export function createDecisionRecord(): DecisionRecord {
  return { decisions: new Map(), asked: 0, usedRenames: new Set() };
}

/**
 * The preview's resolver: flags first, then `ask` (a prompt, in a terminal); every answer is
 * recorded. `undefined` leaves the change undecided, so the runtime lists it.
 */
export function recordingResolver(
  flags: DecisionFlags,
  record: DecisionRecord,
  ask?: (change: Change) => Promise<Decision>,
): ResolveFn {
  return async (change) => {
    const key = changeKey(change);
    const known = record.decisions.get(key);
    if (known) return known.decision;
    const byFlag = decideByFlags(change, flags, record.usedRenames);
    if (byFlag !== undefined) {
      record.decisions.set(key, { change, decision: byFlag, by: "flag" });
      return byFlag;
    }
    if (!ask) return undefined;
    record.asked += 1;
    const answer = await ask(change);
    record.decisions.set(key, { change, decision: answer, by: "prompt" });
    return answer;
  };
}

/**
 * The real run's resolver: answers from the record only. A change the preview did not see means
 * the database (or the migration folder) changed in between: stop rather than guess.
 */
export function replayResolver(record: DecisionRecord): ResolveFn {
  return (change) => {
    const known = record.decisions.get(changeKey(change));
    if (known) return known.decision;
    throw new DestructiveChangeError(
      `The database changed after the preview: "${change.description}" now needs a decision that was not taken, so nothing ran or was written; run the command again.`,
      { changes: [{ ...change, decision: "undecided" }] },
    );
  };
}

/** The error when the user declines in a prompt: `reason` says where, `changes` were the ones in question. */
export function abortedError(changes: Change[], reason: string): DestructiveChangeError {
  return new DestructiveChangeError(`${reason}; nothing ran or was written.`, {
    changes: changes.map((change) => ({ ...change, decision: "rejected" as const })),
  });
}

// internal

function badRename(spec: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `--rename ${spec} is not <table>=<newTable> or <table>.<column>=<newColumn> (e.g. --rename users.name=full_name).`,
    { argument: "--rename", value: spec, problem: "expected <table>=<newTable> or <table>.<column>=<newColumn>" },
  );
}
