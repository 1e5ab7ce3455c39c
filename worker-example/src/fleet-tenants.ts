/**
 * The fleet's tenants: every D1 binding named `TENANT_DB_*` (declared in wrangler.toml), then every
 * D1 database of the account whose name starts with `FLEET_D1_NAME_PREFIX`, listed through
 * Cloudflare's D1 HTTP API and migrated through it (`viborm/d1-http`): a list that changes at
 * runtime, as databases are created per customer, with no redeploy.
 */
import { type VibormClient, VibormError } from "viborm";
import { createClient as createD1Client, type D1DatabaseLike } from "viborm/d1";
import { createClient as createD1HttpClient } from "viborm/d1-http";
import type { TenantPage } from "viborm/fleet/workflow";
import type { Env } from "./env.js";
import { schema } from "./schema.js";

/** Bindings whose names start with this are tenants (`TENANT_DB_1`, `TENANT_DB_ACME`, …). */
export const TENANT_BINDING_PREFIX = "TENANT_DB_";

/** Tenant ids of databases reached over the HTTP API: `d1:<database uuid>`. */
export const HTTP_TENANT_PREFIX = "d1:";

/** Cloudflare's API root, unless `FLEET_D1_API_BASE` points elsewhere. */
export const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

/**
 * One page of tenant ids. Cursors: `b:<offset>` walks the bindings, then `h:<page>` the API's pages.
 *
 * @example await tenantPage(env, undefined, 100) // → { ids: ["TENANT_DB_1", …], cursor: "h:1" }
 */
export async function tenantPage(env: Env, cursor: string | undefined, limit: number): Promise<TenantPage> {
  const at = cursor ?? "b:0";
  if (at.startsWith("b:")) {
    const names = bindingTenants(env);
    const start = Number(at.slice(2));
    const ids = names.slice(start, start + limit);
    const end = start + ids.length;
    if (end < names.length) return { ids, cursor: `b:${end}` };
    return httpConfigured(env) ? { ids, cursor: "h:1" } : { ids };
  }
  return httpPage(env, Number(at.slice(2)), limit);
}

/**
 * The viborm client of a tenant: its binding, or the D1 HTTP API for a `d1:` id. An id that is
 * neither (a binding removed since the run listed it) is `CONFIG_ERROR`.
 */
export function tenantClient(env: Env, id: string): VibormClient {
  if (id.startsWith(HTTP_TENANT_PREFIX)) {
    const { accountId, apiToken } = httpCredentials(env);
    return createD1HttpClient({
      schema,
      accountId,
      apiToken,
      databaseId: id.slice(HTTP_TENANT_PREFIX.length),
      baseUrl: env.FLEET_D1_API_BASE ?? CLOUDFLARE_API,
    });
  }
  const database = (env as unknown as Record<string, unknown>)[id] as D1DatabaseLike | undefined;
  if (id.startsWith(TENANT_BINDING_PREFIX) && database && typeof database.prepare === "function") {
    return createD1Client({ schema, database });
  }
  throw new VibormError("CONFIG_ERROR", `Tenant ${id} has no D1 binding; declare it in wrangler.toml.`, {
    path: "wrangler.toml",
    problem: `missing binding ${id}`,
  });
}

// internal

function bindingTenants(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith(TENANT_BINDING_PREFIX))
    .sort();
}

function httpConfigured(env: Env): boolean {
  return Boolean(env.FLEET_D1_ACCOUNT_ID && env.FLEET_D1_API_TOKEN);
}

function httpCredentials(env: Env): { accountId: string; apiToken: string } {
  if (env.FLEET_D1_ACCOUNT_ID && env.FLEET_D1_API_TOKEN) {
    return { accountId: env.FLEET_D1_ACCOUNT_ID, apiToken: env.FLEET_D1_API_TOKEN };
  }
  throw new VibormError(
    "CONFIG_ERROR",
    "FLEET_D1_ACCOUNT_ID and the FLEET_D1_API_TOKEN secret are needed for d1: tenants.",
    {
      path: "wrangler.toml",
      problem: "missing D1 HTTP credentials",
    },
  );
}

/** The answer of `GET /accounts/{account_id}/d1/database` (the part read). */
interface ListAnswer {
  success?: boolean;
  result?: { uuid?: string; name?: string }[];
  result_info?: { page?: number; per_page?: number; count?: number; total_count?: number };
}

/**
 * A page of the account's D1 databases, filtered by name prefix.
 * https://developers.cloudflare.com/api/resources/d1/subresources/database/methods/list/
 */
async function httpPage(env: Env, page: number, limit: number): Promise<TenantPage> {
  const { accountId, apiToken } = httpCredentials(env);
  const prefix = env.FLEET_D1_NAME_PREFIX ?? "tenant-";
  const perPage = Math.min(limit, 1000);
  const url = new URL(
    `${env.FLEET_D1_API_BASE ?? CLOUDFLARE_API}/accounts/${encodeURIComponent(accountId)}/d1/database`,
  );
  url.searchParams.set("name", prefix);
  url.searchParams.set("page", String(page));
  url.searchParams.set("per_page", String(perPage));
  const response = await fetch(url, { headers: { Authorization: `Bearer ${apiToken}` } });
  const answer = (await response.json().catch(() => ({}))) as ListAnswer;
  if (!response.ok || answer.success === false || !Array.isArray(answer.result)) {
    // The token is a secret: the error names the account and the status, never the token.
    throw new VibormError(
      "QUERY_FAILED",
      `Listing the D1 databases of account ${accountId} failed (HTTP ${response.status}).`,
      {
        sql: "GET /d1/database",
        driver: "d1-http",
      },
    );
  }
  const ids = answer.result
    .filter((database) => typeof database.uuid === "string" && (database.name ?? "").startsWith(prefix))
    .map((database) => `${HTTP_TENANT_PREFIX}${database.uuid}`);
  const info = answer.result_info ?? {};
  const more = info.total_count !== undefined ? page * perPage < info.total_count : answer.result.length === perPage;
  return more ? { ids, cursor: `h:${page + 1}` } : { ids };
}
