/**
 * Migration ids (`<yyyymmddhhmmss>_<name>`) and names.
 */
import type { Operation } from "../diff/operations.js";
import { InvalidArgumentError } from "../errors.js";

/**
 * A new id that sorts after every existing one: the clock's UTC timestamp, moved one second past
 * the newest existing id when the clock is behind it (or two generates land in the same second).
 */
export function nextMigrationId(now: Date, name: string, existing: string[]): string {
  if (!(now instanceof Date) || Number.isNaN(now.getTime()))
    throw new InvalidArgumentError(`now() must return a valid Date; it returned ${String(now)}.`, {
      argument: "now",
      problem: "not a valid Date",
    });
  let stamp = timestamp(now);
  const newest = existing.reduce<string | undefined>(
    (max, id) => (max === undefined || id > max ? id : max),
    undefined,
  );
  const newestStamp = newest?.slice(0, 14);
  if (newestStamp !== undefined && stamp <= newestStamp) stamp = timestamp(new Date(parseStamp(newestStamp) + 1000));
  return `${stamp}_${name}`;
}

/** A user-given name as kebab-case; an empty or unusable name is an error. */
export function toKebabName(raw: string): string {
  if (typeof raw !== "string") {
    throw new InvalidArgumentError(`A migration name is text such as "add-users", not ${typeof raw}.`, {
      argument: "name",
      value: raw,
      problem: "not a string",
    });
  }
  const name = raw
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
  if (!name) {
    throw new InvalidArgumentError(`Migration name "${raw}" has no letters or digits; use e.g. "add-users".`, {
      argument: "name",
      value: raw,
    });
  }
  return name;
}

/** A name describing the operations, for a generate without `name`. */
export function deriveName(operations: Operation[]): string {
  const first = operations[0];
  if (!first) return "empty";
  const single = describe(first);
  const sameKind = operations.every((op) => op.kind === first.kind);
  if (operations.length === 1) return toKebabName(single);
  if (sameKind && first.kind === "createTable") return toKebabName(`create-${operations.length}-tables`);
  return toKebabName(`${single}-and-more`);
}

// internal

function describe(op: Operation): string {
  switch (op.kind) {
    case "createTable":
      return `create-${op.table.name}`;
    case "dropTable":
      return `drop-${op.table.name}`;
    case "renameTable":
      return `rename-${op.from}-to-${op.to}`;
    case "addColumn":
      return `add-${op.column.name}-to-${op.table}`;
    case "dropColumn":
      return `drop-${op.column.name}-from-${op.table}`;
    case "renameColumn":
      return `rename-${op.table}-${op.from}-to-${op.to}`;
    case "alterColumn":
      return `alter-${op.table}-${op.to.name}`;
    case "createEnum":
    case "dropEnum":
      return `${op.kind === "createEnum" ? "create" : "drop"}-enum-${op.enum.name}`;
    case "alterEnum":
      return `alter-enum-${op.name}`;
    case "createExtension":
      return `create-extension-${op.name}`;
    default:
      return `${op.kind}-${op.table}`;
  }
}

function timestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`;
}

function parseStamp(stamp: string): number {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) => Number(stamp.slice(at, at + (i === 0 ? 4 : 2))));
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}
