/**
 * Push plans as values: what a dry run decided, as plain JSON that can be stored, printed, reviewed
 * and passed back to `push({ plan })`, which runs exactly it or nothing. A checksum over the plan
 * catches a plan edited by hand (it is an integrity check, not a signature).
 */
import type { DialectName } from "../dialects/types.js";
import type { AmbiguousDecision, Change, DestructiveDecision, Operation } from "../diff/operations.js";
import type { ChangeDecision } from "../diff/resolve.js";
import { InvalidArgumentError } from "../errors.js";
import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/sha256.js";
import type { PlanFingerprint } from "./fingerprint.js";

/** The plan format this version of viborm writes and reads. */
export const PUSH_PLAN_VERSION = 1;

/** What a push plan says it is, so any other JSON document is refused at once. */
export const PUSH_PLAN_FORMAT = "viborm.push-plan";

/** One decision a plan was made with. */
export interface PlanDecision {
  /** The change as it was asked, with its facts (`rows`, `values`) where push counted them. */
  change: Change;
  decision: AmbiguousDecision | DestructiveDecision;
  /** Who decided: the `resolve` callback or `force`. */
  by: "resolve" | "force";
}

/**
 * A push plan: `push({ dryRun: true })` returns it, `push({ plan })` runs it. Plain JSON.
 *
 * @example
 * const { plan } = await migrations.push({ dryRun: true, resolve });
 * await migrations.push({ plan: JSON.parse(JSON.stringify(plan)) });
 */
export interface PushPlan {
  format: typeof PUSH_PLAN_FORMAT;
  version: typeof PUSH_PLAN_VERSION;
  /** The dialect the statements are written in. */
  dialect: DialectName;
  /** The database state the plan was made from. */
  fingerprint: PlanFingerprint;
  operations: Operation[];
  /** The SQL that runs, in order: exactly the dry run's `statements`. */
  statements: string[];
  decisions: PlanDecision[];
  /** SHA-256 (hex) of everything above, in canonical JSON. */
  checksum: string;
}

/** A plan before its checksum. */
export type PlanBody = Omit<PushPlan, "checksum">;

/**
 * Seals a plan: adds the checksum over its canonical JSON.
 *
 * @example const plan = await sealPlan({ format: PUSH_PLAN_FORMAT, version: 1, dialect: "postgres", … });
 */
export async function sealPlan(body: PlanBody): Promise<PushPlan> {
  return { ...body, checksum: await planChecksum(body) };
}

/** The decisions of a resolved plan, as a plan records them. */
export function planDecisions(decisions: readonly ChangeDecision[]): PlanDecision[] {
  return decisions.flatMap(({ change, decision, by }) =>
    decision === "undecided" || by === "none" ? [] : [{ change, decision, by }],
  );
}

/**
 * Checks that `value` is a sealed push plan for `dialect`: its format, version, shape and checksum.
 * Anything else is `INVALID_ARGUMENT` (`argument: "plan"`), before the database is read.
 *
 * @example const plan = await checkPlan(JSON.parse(text), "postgres");
 */
export async function checkPlan(value: unknown, dialect: DialectName): Promise<PushPlan> {
  if (!isRecord(value) || value.format !== PUSH_PLAN_FORMAT) {
    throw invalidPlan("is not a push plan (made by push({ dryRun: true }))", "not a push plan");
  }
  if (value.version !== PUSH_PLAN_VERSION) {
    throw invalidPlan(
      `has format version ${JSON.stringify(value.version)}, and this viborm reads version ${PUSH_PLAN_VERSION}; make the plan again with this version`,
      `unsupported version ${JSON.stringify(value.version)}`,
    );
  }
  if (value.dialect !== dialect) {
    throw invalidPlan(
      `was made for ${JSON.stringify(value.dialect)}, and this client's database speaks ${dialect}`,
      `made for another dialect (${String(value.dialect)})`,
    );
  }
  const problem = shapeProblem(value);
  if (problem) throw invalidPlan(`is malformed: ${problem}`, problem);
  const plan = value as unknown as PushPlan;
  const { checksum, ...body } = plan;
  if (checksum !== (await planChecksum(body))) {
    throw invalidPlan(
      "was changed after it was made (its checksum does not match); make a new plan instead of editing one",
      "checksum mismatch",
    );
  }
  return plan;
}

/** The error for a plan whose statements are not what its operations give on this version of viborm. */
export function foreignStatements(index: number): InvalidArgumentError {
  return invalidPlan(
    `does not match what its operations produce here (statement ${index + 1} differs): it was made by another version of viborm; make a new plan`,
    `statement ${index + 1} differs from its operation's SQL`,
  );
}

// internal

function planChecksum(body: PlanBody): Promise<string> {
  return sha256Hex(canonicalJson(body, { compact: true }));
}

function invalidPlan(what: string, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(`The push plan ${what}; nothing ran.`, { argument: "plan", problem });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shapeProblem(plan: Record<string, unknown>): string | undefined {
  const { fingerprint, operations, statements, decisions, checksum } = plan;
  if (typeof checksum !== "string") return "checksum must be a string";
  if (!isRecord(fingerprint) || typeof fingerprint.schema !== "string") return "fingerprint must hold a schema hash";
  const objects = fingerprint.objects;
  if (!isRecord(objects) || !Object.values(objects).every((hash) => typeof hash === "string")) {
    return "fingerprint.objects must map object names to hashes";
  }
  if (
    !Array.isArray(fingerprint.empty) ||
    !fingerprint.empty.every((fact) => isRecord(fact) && typeof fact.table === "string")
  ) {
    return "fingerprint.empty must list tables";
  }
  if (!Array.isArray(operations) || !operations.every((op) => isRecord(op) && typeof op.kind === "string")) {
    return "operations must be a list of operations";
  }
  if (!Array.isArray(statements) || !statements.every((sql) => typeof sql === "string")) {
    return "statements must be a list of SQL strings";
  }
  if (
    !Array.isArray(decisions) ||
    !decisions.every((d) => isRecord(d) && isRecord(d.change) && typeof d.decision === "string")
  ) {
    return "decisions must be a list of decisions";
  }
  return undefined;
}
