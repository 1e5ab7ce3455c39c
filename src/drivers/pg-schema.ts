/**
 * `pgSchema`, the PostgreSQL schema one client lives in: checking the option, the `search_path`
 * statements the PostgreSQL drivers run, and the refusal of PostgreSQL-only options elsewhere.
 */
import { InvalidArgumentError } from "../errors.js";

/** The PostgreSQL schema a client lives in (the PostgreSQL drivers' `pgSchema` option). */
export interface PgSchemaOption {
  /**
   * Every table, enum type and the tracking table live in this PostgreSQL schema, created when
   * missing; nothing outside it is read or planned. Migration SQL names no schema (the connection's
   * `search_path` is set to it), so one migration set serves every tenant schema. With
   * `extensions`, `public` comes after it in the `search_path`: extensions are database-wide and
   * live there, shared by every schema.
   * @default the connection's own search_path (usually "public")
   * @example createClient({ schema, databaseUrl, pgSchema: "tenant_42" })
   */
  pgSchema?: string;
}

/** PostgreSQL extensions a schema needs (the PostgreSQL drivers' `extensions` option). */
export interface ExtensionsOption {
  /**
   * Extensions push and generate create first when missing (`CREATE EXTENSION IF NOT EXISTS … SCHEMA
   * public`), so their types (`citext`) and operator classes (`gin_trgm_ops`) can be used. Never
   * dropped. They live in `public` whatever the client's `pgSchema`, so tenants share them.
   * @example createClient({ schema, databaseUrl, extensions: ["pg_trgm", "citext"] })
   */
  extensions?: string[];
}

/** The options only the PostgreSQL family (pg, pglite, neon-http) understands. */
export const POSTGRES_ONLY_OPTIONS = ["pgSchema", "extensions"] as const;

/**
 * The checked `extensions`: a list of extension names (letters, digits, underscores and hyphens),
 * or `INVALID_ARGUMENT`.
 *
 * @example checkExtensions(["pg_trgm"]) // → ["pg_trgm"]
 */
export function checkExtensions(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (
    Array.isArray(value) &&
    value.every((name) => typeof name === "string" && /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(name))
  )
    return [...value];
  throw new InvalidArgumentError(
    `extensions ${JSON.stringify(value)} must be a list of PostgreSQL extension names, e.g. ["pg_trgm", "citext"].`,
    { argument: "extensions", value, problem: "not a list of extension names" },
  );
}

/**
 * Throws `INVALID_ARGUMENT` when a non-PostgreSQL driver is given a PostgreSQL-only option, rather
 * than silently putting every tenant's tables in one database.
 *
 * @example rejectPostgresOnlyOptions("sqlite3", options);
 */
export function rejectPostgresOnlyOptions(driver: string, options: object): void {
  for (const name of POSTGRES_ONLY_OPTIONS) {
    if ((options as Record<string, unknown>)[name] === undefined) continue;
    throw new InvalidArgumentError(`${name} is a PostgreSQL option, which viborm/${driver} does not take.`, {
      argument: name,
      value: (options as Record<string, unknown>)[name],
      problem: `not supported by ${driver}`,
    });
  }
}

/**
 * The checked `pgSchema`: `undefined` when not given, else a plain identifier (letters, digits and
 * underscores, not starting with a digit, at most 63 characters, PostgreSQL's limit). Anything else
 * is `INVALID_ARGUMENT`, so the name needs no escaping wherever it goes (a startup option, a URL).
 *
 * @example checkPgSchema("tenant_42") // → "tenant_42"
 */
export function checkPgSchema(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value) && !/^pg_/i.test(value)) return value;
  throw new InvalidArgumentError(
    `pgSchema ${JSON.stringify(value)} is not a plain PostgreSQL schema name (letters, digits, underscores; at most 63; not pg_…).`,
    { argument: "pgSchema", value, problem: "not a plain identifier" },
  );
}

/**
 * The `search_path` of a client in `schema`: only that schema, so an unqualified name can never
 * fall through to another tenant's table in `public` (`pg_catalog` is always searched first
 * anyway) — unless the client uses extensions, whose types, functions and operators live in
 * `public`: it then comes after the schema. No spaces, so it also fits a startup option.
 *
 * @example searchPath("tenant_42", ["citext"]) // → '"tenant_42",public'
 */
export function searchPath(schema: string, extensions: readonly string[] | undefined): string {
  return extensions && extensions.length > 0 ? `"${schema}",public` : `"${schema}"`;
}

/**
 * `SET search_path TO …` for a {@link searchPath}.
 *
 * @example searchPathSql('"tenant_42"') // → 'SET search_path TO "tenant_42"'
 */
export function searchPathSql(path: string): string {
  return `SET search_path TO ${path}`;
}

/** Restores the session's own `search_path` (from the connection string, role or database). */
export const RESET_SEARCH_PATH = "RESET search_path";

/**
 * A connection string whose startup `options` also set `search_path` (a {@link searchPath}), so
 * every connection of a pool opened from it starts in the schema at no extra round trip. Existing
 * `options` are kept. Returns `undefined` for a string that is not a URL (the caller then passes
 * `options` itself).
 *
 * @example withSearchPathOption("postgres://u@h/db", '"t1"') // → "postgres://u@h/db?options=-c+search_path%3D%22t1%22"
 */
export function withSearchPathOption(databaseUrl: string, path: string): string | undefined {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return undefined;
  }
  const existing = url.searchParams.get("options");
  url.searchParams.set("options", `${existing ? `${existing} ` : ""}${searchPathOption(path)}`);
  return url.toString();
}

/** The startup option setting `search_path` to a {@link searchPath}, e.g. `-c search_path="t1"`. */
export function searchPathOption(path: string): string {
  return `-c search_path=${path}`;
}
