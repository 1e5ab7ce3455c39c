/**
 * Which database a driver talks to, for people (a prompt before a destructive command, an error):
 * host and database name only, never a user, password or token.
 */
import { InvalidArgumentError, rememberSecret } from "../errors.js";
import type { DriverTarget } from "./types.js";

/**
 * The host (with port) and database of a connection URL; user, password and query are left out.
 * A URL that does not parse gives `{}` (the driver reports it when it connects).
 *
 * @example urlTarget("postgres://app:secret@db.example.com:5432/shop?sslmode=require") // → { host: "db.example.com:5432", database: "shop" }
 */
export function urlTarget(url: string | undefined): DriverTarget {
  if (url === undefined) return {};
  let parsed: URL;
  try {
    // Any scheme parses as http so `host` and `pathname` behave the same for postgres:, mysql:, …
    parsed = new URL(`http:${url.slice((/^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? "").length)}`);
  } catch {
    return {};
  }
  // The password never shows in an error, however the server or a proxy echoes it.
  rememberSecret(parsed.password);
  rememberSecret(safeDecode(parsed.password));
  const database = decodeURIComponent(parsed.pathname.replace(/^\/+/, "").split("/")[0] ?? "");
  return { ...(parsed.host ? { host: parsed.host } : {}), ...(database ? { database } : {}) };
}

/**
 * The target of a client library's connection settings (`host`, `port`, `database`, or a
 * `connectionString`/`uri`), read structurally: a pool passed in keeps its settings there.
 *
 * @example configTarget({ host: "127.0.0.1", port: 5432, database: "test" }) // → { host: "127.0.0.1:5432", database: "test" }
 */
export function configTarget(config: unknown): DriverTarget {
  if (typeof config !== "object" || config === null) return {};
  const c = config as { host?: unknown; port?: unknown; database?: unknown; connectionString?: unknown; uri?: unknown };
  rememberSecret(
    typeof (config as { password?: unknown }).password === "string"
      ? (config as { password: string }).password
      : undefined,
  );
  const url =
    typeof c.connectionString === "string" ? c.connectionString : typeof c.uri === "string" ? c.uri : undefined;
  if (url !== undefined) return urlTarget(url);
  const host = typeof c.host === "string" && c.host ? `${c.host}${c.port ? `:${String(c.port)}` : ""}` : undefined;
  const database = typeof c.database === "string" && c.database ? c.database : undefined;
  return { ...(host ? { host } : {}), ...(database ? { database } : {}) };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Refuses a `databaseUrl` the driver's library would misread — not a string, not a URL, or a URL of
 * another database (pg reads "not a url" as a path on a host named "base"; mysql2 throws a bare
 * TypeError) — before any pool is made, naming the option and at most the scheme, never the URL.
 * `schemes` are the driver's own, without "://"; `other` accepts what else its library takes.
 *
 * @example requireDatabaseUrl("viborm/pg", url, ["postgres", "postgresql", "socket"], (u) => u.startsWith("/"))
 */
export function requireDatabaseUrl(
  driver: string,
  url: unknown,
  schemes: readonly string[],
  other: (url: string) => boolean = () => false,
): string {
  const wanted = `${schemes[0]}://${schemes.length > 1 ? ` (or ${schemes.slice(1).join("://, ")}://)` : ""}`;
  const refuse = (problem: string, detail: string): never => {
    throw new InvalidArgumentError(`${driver} needs databaseUrl as a ${wanted} URL; ${detail}.`, {
      argument: "databaseUrl",
      problem,
    });
  };
  if (typeof url !== "string") return refuse("not a string", `it was given a ${typeof url}, not a string`);
  if (other(url)) return url;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return refuse("not a URL", "the one given is not a URL");
  if (!schemes.includes(scheme)) return refuse("wrong scheme", `the one given starts with ${scheme}://`);
  return url;
}
