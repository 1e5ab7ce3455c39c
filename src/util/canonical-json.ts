/**
 * Canonical JSON: the same value always gives the same text (object keys sorted by code unit,
 * arrays kept in order), so snapshots and metadata files diff cleanly and checksum reproducibly.
 */
import { InvalidArgumentError } from "../errors.js";

/** Options of {@link canonicalJson}. */
export interface CanonicalJsonOptions {
  /**
   * One line with no spaces and no trailing newline (for values embedded in other text, such as a
   * JSON column default) instead of the file form.
   * @default false
   */
  compact?: boolean;
}

/**
 * Writes `value` as canonical JSON: keys sorted, 2-space indent and a trailing newline (the form
 * of every JSON file viborm writes), or one compact line with `{ compact: true }`.
 *
 * Follows `JSON.stringify` for `toJSON` and for `undefined` object members (omitted), but throws
 * `INVALID_ARGUMENT` for what JSON cannot hold faithfully: bigint, functions, symbols, non-finite
 * numbers, `undefined` in arrays or at the top, and cycles.
 *
 * @example canonicalJson({ b: 1, a: [true] }) // → '{\n  "a": [\n    true\n  ],\n  "b": 1\n}\n'
 */
export function canonicalJson(value: unknown, options: CanonicalJsonOptions = {}): string {
  const normal = normalize(value, "$", new Set());
  if (normal === undefined) {
    throw new InvalidArgumentError("canonicalJson cannot write undefined as JSON.", { argument: "value" });
  }
  return options.compact ? write(normal, null) : `${write(normal, "")}\n`;
}

// internal

/** A JSON value whose objects were rebuilt as sorted entry lists (an object would reorder integer-like keys). */
type Normal = null | boolean | number | string | Normal[] | { entries: [string, Normal][] };

/** Writes like `JSON.stringify(value, null, 2)` when `indent` is a string, compact when null. */
function write(value: Normal, indent: string | null): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const inner = indent === null ? null : `${indent}  `;
  const parts = Array.isArray(value)
    ? value.map((item) => write(item, inner))
    : value.entries.map(([key, item]) => `${JSON.stringify(key)}:${inner === null ? "" : " "}${write(item, inner)}`);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (parts.length === 0) return open + close;
  if (inner === null) return `${open}${parts.join(",")}${close}`;
  return `${open}\n${inner}${parts.join(`,\n${inner}`)}\n${indent}${close}`;
}

function normalize(value: unknown, path: string, seen: Set<object>): Normal | undefined {
  if (value === null || typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw unsupported(path, String(value));
    return value;
  }
  if (value === undefined) return undefined;
  if (typeof value !== "object") throw unsupported(path, typeof value);
  const withToJson = value as { toJSON?: unknown };
  if (typeof withToJson.toJSON === "function") {
    return normalize((withToJson.toJSON as () => unknown).call(value), path, seen);
  }
  if (seen.has(value)) throw unsupported(path, "a circular reference");
  seen.add(value);
  try {
    return Array.isArray(value) ? normalizeArray(value, path, seen) : normalizeObject(value, path, seen);
  } finally {
    seen.delete(value);
  }
}

function normalizeArray(items: readonly unknown[], path: string, seen: Set<object>): Normal[] {
  return items.map((item, index) => {
    const normal = normalize(item, `${path}[${index}]`, seen);
    if (normal === undefined) throw unsupported(`${path}[${index}]`, "undefined");
    return normal;
  });
}

function normalizeObject(value: object, path: string, seen: Set<object>): { entries: [string, Normal][] } {
  const entries: [string, Normal][] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const normal = normalize(record[key], `${path}.${key}`, seen);
    if (normal !== undefined) entries.push([key, normal]);
  }
  return { entries };
}

function unsupported(path: string, what: string): InvalidArgumentError {
  return new InvalidArgumentError(`canonicalJson cannot write ${what} at ${path} as JSON.`, {
    argument: "value",
    value: path,
  });
}
