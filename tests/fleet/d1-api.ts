/**
 * A local stand-in for the parts of Cloudflare's D1 HTTP API the example fleet uses: the account's
 * database list (`GET /accounts/{account}/d1/database?name&page&per_page`) and each database's
 * query endpoint, served by the tests' D1 HTTP endpoint over Miniflare's D1. Databases can be
 * added while it runs, as an app creates one per new customer. A test fixture, never shipped.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { D1DatabaseLike } from "viborm/d1";
import { startD1HttpEndpoint } from "../edge/fixtures/d1-http-endpoint.js";

/** A running API. */
export interface D1Api {
  baseUrl: string;
  accountId: string;
  apiToken: string;
  /** Adds a database to the account (listed from the next request on). */
  add(uuid: string, name: string, database: D1DatabaseLike): void;
  /** Removes every database (between tests). */
  reset(): void;
  /** List requests received. */
  listed(): number;
  close(): Promise<void>;
}

/**
 * Starts the API on 127.0.0.1.
 *
 * @example const api = await startD1Api(); api.add(uuid, "tenant-a", d1Database(mf, "HTTP_A"));
 */
export async function startD1Api(): Promise<D1Api> {
  const databases: Record<string, D1DatabaseLike> = {};
  const names = new Map<string, string>();
  const endpoint = await startD1HttpEndpoint({ databases });
  let lists = 0;
  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) =>
      answer(response, 500, { success: false, errors: [{ message: String(error) }] }),
    );
  });
  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const list = /^\/client\/v4\/accounts\/([^/]+)\/d1\/database\/?$/.exec(url.pathname);
    if (request.method === "GET" && list) {
      if (list[1] !== endpoint.accountId || request.headers.authorization !== `Bearer ${endpoint.apiToken}`) {
        answer(response, 403, { success: false, errors: [{ code: 10000, message: "Authentication error" }] });
        return;
      }
      lists += 1;
      answer(response, 200, listPage(names, url.searchParams));
      return;
    }
    // Everything else is a query: passed to the query endpoint as it came.
    const body = await readBody(request);
    const forwarded = await fetch(`${endpoint.baseUrl}${url.pathname.replace(/^\/client\/v4/, "")}${url.search}`, {
      method: request.method ?? "POST",
      headers: { "content-type": "application/json", authorization: request.headers.authorization ?? "" },
      ...(body.length > 0 ? { body } : {}),
    });
    response.writeHead(forwarded.status, { "content-type": "application/json" });
    response.end(await forwarded.text());
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/client/v4`,
    accountId: endpoint.accountId,
    apiToken: endpoint.apiToken,
    add(uuid, name, database) {
      databases[uuid] = database;
      names.set(uuid, name);
    },
    reset() {
      for (const uuid of names.keys()) delete databases[uuid];
      names.clear();
    },
    listed: () => lists,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await endpoint.close();
    },
  };
}

// internal

function listPage(names: Map<string, string>, params: URLSearchParams) {
  const filter = params.get("name") ?? "";
  const page = Number(params.get("page") ?? 1);
  const perPage = Number(params.get("per_page") ?? 100);
  const all = [...names].filter(([, name]) => name.includes(filter)).sort(([a], [b]) => (a < b ? -1 : 1));
  const slice = all.slice((page - 1) * perPage, page * perPage);
  return {
    success: true,
    errors: [],
    messages: [],
    result: slice.map(([uuid, name]) => ({ uuid, name, created_at: "2026-01-01T00:00:00Z", version: "production" })),
    result_info: { page, per_page: perPage, count: slice.length, total_count: all.length },
  };
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of request) text += String(chunk);
  return text;
}
