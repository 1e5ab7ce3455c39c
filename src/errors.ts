/**
 * @module viborm errors: one base class with a stable `code` and the facts in `meta`.
 *
 * This module is a leaf: every layer imports it and it imports nothing.
 */

/** Every stable error code the system raises. */
export type ErrorCode =
  | "INVALID_SCHEMA"
  | "INVALID_ARGUMENT"
  | "DESTRUCTIVE_REJECTED"
  | "UNSUPPORTED_OPERATION"
  | "MIGRATION_FAILED"
  | "CHECKSUM_MISMATCH"
  | "LOCK_TIMEOUT"
  | "OUT_OF_ORDER"
  | "MIGRATION_NOT_FOUND"
  | "MIGRATION_MISSING"
  | "MIGRATION_CONFLICT"
  | "INVALID_MIGRATION"
  | "STORAGE_REQUIRED"
  | "STORAGE_READ_ONLY"
  | "INVALID_STORAGE_KEY"
  | "STORAGE_FAILED"
  | "QUERY_FAILED"
  | "CONNECTION_FAILED"
  | "CONFIG_ERROR"
  | "FLEET_SOURCE_FAILED"
  | "PLAN_STALE";

/** What `meta` holds, per code. */
export interface ErrorMeta {
  INVALID_SCHEMA: { model?: string; field?: string; problem: string; dialect?: string };
  INVALID_ARGUMENT: { argument: string; value?: unknown; problem?: string };
  DESTRUCTIVE_REJECTED: { changes: UndecidedChange[] };
  UNSUPPORTED_OPERATION: { dialect: string; operation: string; table?: string; detail?: string };
  MIGRATION_FAILED: {
    migration?: string;
    applied: string[];
    failed: { migration?: string; statementIndex: number; sql: string } | null;
    notExecuted: string[];
    compensated?: string[];
    /** Statements whose undo restored the schema but not the data they removed (a dropped column re-added empty). */
    dataLost?: { sql: string; reason: string }[];
    notCompensated?: { sql: string; reason: string }[];
  };
  CHECKSUM_MISMATCH: { migrations: { id: string; expected: string; actual: string }[] };
  LOCK_TIMEOUT: { lock: string; timeoutMs: number };
  OUT_OF_ORDER: { migrations: string[]; lastApplied: string };
  MIGRATION_NOT_FOUND: { target: string };
  /** Applied migrations (tracking rows) whose folders storage does not hold. */
  MIGRATION_MISSING: { migrations: string[] };
  MIGRATION_CONFLICT: { migrations: string[]; tables: string[] };
  INVALID_MIGRATION: {
    migration?: string;
    file?: string;
    problem: string /** 0-based, in the file. */;
    statement?: number;
  };
  STORAGE_REQUIRED: { operation: string };
  STORAGE_READ_ONLY: { key: string; operation: "put" | "delete" };
  INVALID_STORAGE_KEY: { key: string; problem: string };
  STORAGE_FAILED: { key: string; operation: "get" | "put" | "delete" | "list"; driver: string };
  /** `reason: "statementTimeout"`: the server cancelled the statement at a time limit (SQLSTATE 57014). */
  QUERY_FAILED: { sql: string; driver?: string; reason?: "statementTimeout" };
  /** Where the driver tried to connect: host and database only, never a user, password or token. */
  CONNECTION_FAILED: { driver: string; host?: string; database?: string; reason: string };
  CONFIG_ERROR: { path?: string; problem: string };
  FLEET_SOURCE_FAILED: {
    problem: string;
    /** Tenants read before the source failed. */
    tenantsRead: number;
    /** What the fleet did before it stopped (a FleetReport): the tenants already read all finished. */
    report: { tenants: unknown[]; summary: Record<string, number> };
  };
  PLAN_STALE: {
    /** Tables created, dropped or changed since the plan was made (database names). */
    tables: StaleObjects;
    /** The same for every other object the plan's fingerprint covers, e.g. `enum role`, `extension citext`. */
    objects: StaleObjects;
    /** Tables (or columns) the plan found empty, and relied on being empty, that now hold data. */
    data: { table: string; column?: string; rows: number; values?: number }[];
  };
}

/** What changed in the database since a plan was made, by object (`PLAN_STALE`). */
export interface StaleObjects {
  added: string[];
  removed: string[];
  altered: string[];
}

/**
 * One change listed by `DESTRUCTIVE_REJECTED`: the diff's `Change` (see src/diff/operations.ts,
 * repeated structurally because this module imports nothing) with why it stopped the plan.
 */
export interface UndecidedChange {
  type: "destructive" | "ambiguous";
  kind: string;
  table: string;
  column?: string;
  enum?: string;
  from?: string;
  to?: string;
  description: string;
  /** Rows in the table, where push counted them. */
  rows?: number;
  /** Non-null values in the column, where push counted them. */
  values?: number;
  /** "undecided": no `resolve` and no `force`; "rejected": `resolve` answered "reject". */
  decision: "undecided" | "rejected";
}

/** The base of every error viborm raises. Check it with {@link isVibormError} (by `code`). */
export class VibormError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly meta: ErrorMeta[C];

  constructor(code: C, message: string, meta: ErrorMeta[C], options?: { cause?: unknown }) {
    // Driver messages may echo a connection string or a token: neither ever leaves in an error.
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.meta = redactDeep(meta);
  }

  /** The machine-readable form, for `--json` output and logs. */
  toJSON(): { name: string; code: C; message: string; meta: ErrorMeta[C] } {
    return { name: this.name, code: this.code, message: this.message, meta: this.meta };
  }
}

/** The schema given to `createClient` is not valid. */
export class InvalidSchemaError extends VibormError<"INVALID_SCHEMA"> {
  constructor(message: string, meta: ErrorMeta["INVALID_SCHEMA"]) {
    super("INVALID_SCHEMA", message, meta);
  }
}

/** An argument to a public function is out of its domain. */
export class InvalidArgumentError extends VibormError<"INVALID_ARGUMENT"> {
  constructor(message: string, meta: ErrorMeta["INVALID_ARGUMENT"]) {
    super("INVALID_ARGUMENT", message, meta);
  }
}

/** Destructive or ambiguous changes were not accepted; nothing ran or was written. */
export class DestructiveChangeError extends VibormError<"DESTRUCTIVE_REJECTED"> {
  constructor(message: string, meta: ErrorMeta["DESTRUCTIVE_REJECTED"]) {
    super("DESTRUCTIVE_REJECTED", message, meta);
  }
}

/** The dialect cannot express an operation. */
export class UnsupportedOperationError extends VibormError<"UNSUPPORTED_OPERATION"> {
  constructor(message: string, meta: ErrorMeta["UNSUPPORTED_OPERATION"]) {
    super("UNSUPPORTED_OPERATION", message, meta);
  }
}

/** Applied migrations whose folders are gone from storage (generate would emit their changes again). */
export class MigrationMissingError extends VibormError<"MIGRATION_MISSING"> {
  constructor(message: string, meta: ErrorMeta["MIGRATION_MISSING"]) {
    super("MIGRATION_MISSING", message, meta);
  }
}

/** A migration or push failed; `meta` says what ran, what failed and what was undone. */
export class MigrationFailedError extends VibormError<"MIGRATION_FAILED"> {
  constructor(message: string, meta: ErrorMeta["MIGRATION_FAILED"], options?: { cause?: unknown }) {
    super("MIGRATION_FAILED", message, meta, options);
  }
}

/** An applied migration's files changed since it was applied. */
export class ChecksumMismatchError extends VibormError<"CHECKSUM_MISMATCH"> {
  constructor(message: string, meta: ErrorMeta["CHECKSUM_MISMATCH"]) {
    super("CHECKSUM_MISMATCH", message, meta);
  }
}

/** The migration lock could not be taken in time. */
export class LockTimeoutError extends VibormError<"LOCK_TIMEOUT"> {
  constructor(message: string, meta: ErrorMeta["LOCK_TIMEOUT"], options?: { cause?: unknown }) {
    super("LOCK_TIMEOUT", message, meta, options);
  }
}

/** Pending migrations sort before the last applied one. */
export class OutOfOrderError extends VibormError<"OUT_OF_ORDER"> {
  constructor(message: string, meta: ErrorMeta["OUT_OF_ORDER"]) {
    super("OUT_OF_ORDER", message, meta);
  }
}

/** A migration folder or its metadata is malformed. */
export class InvalidMigrationError extends VibormError<"INVALID_MIGRATION"> {
  constructor(message: string, meta: ErrorMeta["INVALID_MIGRATION"], options?: { cause?: unknown }) {
    super("INVALID_MIGRATION", message, meta, options);
  }
}

/** A file-based operation was called without a storage driver. */
export class StorageRequiredError extends VibormError<"STORAGE_REQUIRED"> {
  constructor(message: string, meta: ErrorMeta["STORAGE_REQUIRED"]) {
    super("STORAGE_REQUIRED", message, meta);
  }
}

/** A write was attempted on a read-only storage driver. */
export class StorageReadOnlyError extends VibormError<"STORAGE_READ_ONLY"> {
  constructor(message: string, meta: ErrorMeta["STORAGE_READ_ONLY"]) {
    super("STORAGE_READ_ONLY", message, meta);
  }
}

/** A storage key is not a relative, `/`-separated file key (see `src/storage/keys.ts`). */
export class InvalidStorageKeyError extends VibormError<"INVALID_STORAGE_KEY"> {
  constructor(message: string, meta: ErrorMeta["INVALID_STORAGE_KEY"]) {
    super("INVALID_STORAGE_KEY", message, meta);
  }
}

/** The storage behind a storage driver failed (file system, KV, R2…); its error is the `cause`. */
export class StorageFailedError extends VibormError<"STORAGE_FAILED"> {
  constructor(message: string, meta: ErrorMeta["STORAGE_FAILED"], options?: { cause?: unknown }) {
    super("STORAGE_FAILED", message, meta, options);
  }
}

/**
 * A push plan no longer fits the database: it changed since the plan was made, so nothing ran.
 * `meta` lists what changed; make a new plan.
 */
export class PlanStaleError extends VibormError<"PLAN_STALE"> {
  constructor(message: string, meta: ErrorMeta["PLAN_STALE"]) {
    super("PLAN_STALE", message, meta);
  }
}

/** A database query failed; the driver's error is the `cause`. */
export class QueryFailedError extends VibormError<"QUERY_FAILED"> {
  constructor(message: string, meta: ErrorMeta["QUERY_FAILED"], options?: { cause?: unknown }) {
    super("QUERY_FAILED", message, meta, options);
  }
}

/**
 * The database could not be reached, refused the credentials, or does not exist: no command reads
 * this as state ("pending", "nothing to do"). The driver's error is the `cause`.
 */
export class ConnectionFailedError extends VibormError<"CONNECTION_FAILED"> {
  constructor(message: string, meta: ErrorMeta["CONNECTION_FAILED"], options?: { cause?: unknown }) {
    super("CONNECTION_FAILED", message, meta, options);
  }
}

/** A fleet's tenant source failed while it was read; `meta.report` says what ran before. */
export class FleetSourceFailedError extends VibormError<"FLEET_SOURCE_FAILED"> {
  constructor(message: string, meta: ErrorMeta["FLEET_SOURCE_FAILED"], options?: { cause?: unknown }) {
    super("FLEET_SOURCE_FAILED", message, meta, options);
  }
}

const secrets = new Set<string>();

/**
 * Remembers a secret a driver was given (a URL's password, an API token) so that no viborm error,
 * log line or JSON document shows it, however a server or proxy echoes it (in any letter case).
 *
 * @example rememberSecret(new URL(databaseUrl).password);
 */
export function rememberSecret(secret: string | undefined): void {
  // A very short value would redact ordinary words; in a URL it is still caught by the URL's shape.
  if (secret && secret.length >= 4) secrets.add(secret);
}

/**
 * `text` with every secret replaced by `[redacted]`: the password of any `scheme://user:pass@`
 * URL, `password=`/`token=`-style parameters, bearer tokens, and every secret drivers remembered
 * (see {@link rememberSecret}), matched in any letter case and URL-encoded too.
 *
 * @example redactSecrets("postgres://app:hunter22@db/x failed") // → "postgres://app:[redacted]@db/x failed"
 */
export function redactSecrets(text: string): string {
  let out = text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@'"]*:)[^\s@'"]+@/gi, "$1[redacted]@")
    .replace(
      /\b((?:ssl)?password|passwd|pwd|token|api[_-]?token|api[_-]?key|secret)(=|["']\s*:\s*["'])[^\s&'",;}]+/gi,
      "$1$2[redacted]",
    )
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [redacted]");
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) out = replaceIgnoringCase(out, form);
  }
  return out;
}

/** `value` with {@link redactSecrets} applied to every string in it (plain objects and arrays). */
export function redactDeep<T>(value: T): T {
  if (typeof value === "string") return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value === null || typeof value !== "object") return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactDeep(item);
  return out as T;
}

function replaceIgnoringCase(text: string, secret: string): string {
  const lower = text.toLowerCase();
  const needle = secret.toLowerCase();
  let at = lower.indexOf(needle);
  if (at === -1) return text;
  let out = "";
  let from = 0;
  while (at !== -1) {
    out += `${text.slice(from, at)}[redacted]`;
    from = at + needle.length;
    at = lower.indexOf(needle, from);
  }
  return out + text.slice(from);
}

/**
 * True when `error` is a viborm error (optionally of one `code`). Checks by shape, not
 * `instanceof`, so it holds across two loaded copies of the package.
 *
 * @example if (isVibormError(e, "DESTRUCTIVE_REJECTED")) console.log(e.meta.changes);
 */
export function isVibormError<C extends ErrorCode>(error: unknown, code?: C): error is VibormError<C> {
  if (!(error instanceof Error)) return false;
  const candidate = error as Partial<VibormError>;
  if (typeof candidate.code !== "string" || typeof candidate.meta !== "object") return false;
  return code === undefined || candidate.code === code;
}
