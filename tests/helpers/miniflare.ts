/**
 * A local workerd (through Miniflare) with Cloudflare bindings that tests reach from Node by fetch:
 * `kvNamespace(mf, "KV")`, `r2Bucket(mf, "R2")`, `d1Database(mf, "DB")`. Miniflare's own
 * `getKVNamespace`/`getR2Bucket`/`getD1Database` proxies answer through a synchronous channel that,
 * on a loaded machine, can hand a call another call's answer or block the test process for good
 * (no timeout can fire in a blocked thread); only tests of those proxies themselves use them.
 *
 * Pinned to miniflare 4.20260426.0, the newest release whose `engines` accepts Node 20 (later
 * ones need Node 22). Storage is in memory, so every instance starts empty; ready in ~0.3 s.
 */
import { Miniflare, type WorkerOptions } from "miniflare";

/** Which bindings to create, by binding name. */
export interface StartMiniflareOptions {
  /** @default ["KV"] */
  kvNamespaces?: string[];
  /** @default ["R2"] */
  r2Buckets?: string[];
  /** @default [] */
  d1Databases?: string[];
}

/** A running Miniflare and the way to stop it. */
export interface StartedMiniflare {
  mf: Miniflare;
  /** Stops workerd; safe to call more than once. */
  dispose(): Promise<void>;
}

/**
 * Starts Miniflare with a do-nothing Worker and the requested bindings, and waits until it is ready.
 *
 * @example
 * const { mf, dispose } = await startMiniflare({ d1Databases: ["DB"] });
 * const db = d1Database(mf, "DB");
 * afterAll(dispose);
 */
export async function startMiniflare(options: StartMiniflareOptions = {}): Promise<StartedMiniflare> {
  const mf = new Miniflare({
    modules: true,
    script: ACCESS_SCRIPT,
    kvNamespaces: options.kvNamespaces ?? ["KV"],
    r2Buckets: options.r2Buckets ?? ["R2"],
    d1Databases: options.d1Databases ?? [],
  });
  let disposed: Promise<void> | undefined;
  const dispose = () => {
    disposed ??= mf.dispose();
    return disposed;
  };
  try {
    await mf.ready;
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  return { mf, dispose };
}

/**
 * A D1 database of `mf` that Node reaches by `dispatchFetch` only: statements run inside workerd on
 * the real binding. Miniflare's `getD1Database` proxy answers `prepare()` and `bind()` through a
 * synchronous channel that, on a loaded machine, can hand a call the answer of an earlier one (an
 * assertion inside Miniflare, then every later call off by one); this one has no synchronous call.
 * Blobs cross as `{ $bytes: [...] }` and come back as `ArrayBuffer`, as from the binding.
 *
 * @example const db = d1Database(mf, "DB"); await db.prepare("SELECT 1").all();
 */
export function d1Database(mf: Miniflare, binding: string): D1Like {
  const send = (body: unknown) => post(mf, body);
  const statement = (sql: string, params: unknown[]): D1StatementLike & { query: D1Query } => ({
    query: { sql, params: params.map(tag) },
    bind: (...values: unknown[]) => statement(sql, values),
    all: () => send({ binding, query: { sql, params: params.map(tag) } }) as Promise<D1AllResult>,
  });
  return {
    prepare: (sql) => statement(sql, []),
    batch: (statements) =>
      send({ binding, batch: statements.map((s) => (s as unknown as { query: D1Query }).query) }) as Promise<
        D1AllResult[]
      >,
  };
}

/**
 * A KV namespace of `mf` reached by `dispatchFetch` only (see the module's comment): the methods
 * unstorage's KV driver and the tests call, run inside workerd on the real binding.
 *
 * @example const kv = kvNamespace(mf, "KV"); await kv.put("a", "1");
 */
export function kvNamespace(mf: Miniflare, binding: string): KvLike {
  const call = (method: string, ...args: unknown[]) => post(mf, { binding, method, args: args.map(tag) });
  return {
    get: (key, type) => call("get", key, ...(type === undefined ? [] : [type])) as Promise<string | ArrayBuffer | null>,
    put: async (key, value, options) => void (await call("put", key, value, ...(options ? [options] : []))),
    delete: async (key) => void (await call("delete", key)),
    list: (options) => call("list", ...(options ? [options] : [])) as ReturnType<KvLike["list"]>,
  };
}

/**
 * An R2 bucket of `mf` reached by `dispatchFetch` only (see the module's comment): an object's body
 * comes along whole, read with `text()` or `arrayBuffer()` as from the binding.
 *
 * @example const r2 = r2Bucket(mf, "R2"); await (await r2.get("a"))?.text();
 */
export function r2Bucket(mf: Miniflare, binding: string): R2Like {
  const call = (method: string, ...args: unknown[]) => post(mf, { binding, method, args: args.map(tag) });
  return {
    async get(key) {
      const object = (await call("get", key)) as (R2ObjectLike & { $body: ArrayBuffer }) | null;
      if (!object) return null;
      const { $body, ...meta } = object;
      return {
        ...meta,
        text: async () => new TextDecoder().decode($body),
        arrayBuffer: async () => $body,
        json: async () => JSON.parse(new TextDecoder().decode($body)) as unknown,
      };
    },
    head: (key) => call("head", key) as Promise<R2ObjectLike | null>,
    put: (key, value) => call("put", key, value) as Promise<R2ObjectLike>,
    delete: async (keys) => void (await call("delete", keys)),
    list: (options) => call("list", ...(options ? [options] : [])) as ReturnType<R2Like["list"]>,
  };
}

/**
 * A Worker to list in a multi-Worker Miniflare's `workers` beside the Worker under test, so that
 * {@link d1Database}, {@link kvNamespace} and {@link r2Bucket} reach that Worker's bindings (the
 * same names are the same databases, namespaces and buckets). A record of D1 databases maps
 * bindings to database ids, as for a D1 that wrangler persisted under its id.
 *
 * @example new Miniflare({ workers: [{ name: "app", scriptPath, d1Databases: ["DB"] }, accessWorker({ d1Databases: ["DB"] })] })
 */
export function accessWorker(bindings: {
  d1Databases?: string[] | Record<string, string>;
  kvNamespaces?: string[];
  r2Buckets?: string[];
}): WorkerOptions {
  return { name: "viborm-test-access", modules: true, script: ACCESS_SCRIPT, routes: ["access.local/*"], ...bindings };
}

/** The part of a KV binding the tests use. */
export interface KvLike {
  get(key: string, type?: "text" | "arrayBuffer"): Promise<string | ArrayBuffer | null>;
  put(key: string, value: string | ArrayBuffer | Uint8Array, options?: object): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: {
    prefix?: string;
    cursor?: string;
    limit?: number;
  }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
}

/** An R2 object's metadata, as `head`, `put` and `list` give it (`uploaded` as an ISO string). */
export interface R2ObjectLike {
  key: string;
  size: number;
  etag: string;
  uploaded: string;
}

/** The part of an R2 binding the tests use. */
export interface R2Like {
  get(
    key: string,
  ): Promise<
    (R2ObjectLike & { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer>; json(): Promise<unknown> }) | null
  >;
  head(key: string): Promise<R2ObjectLike | null>;
  put(key: string, value: string | ArrayBuffer | Uint8Array): Promise<R2ObjectLike>;
  delete(keys: string | string[]): Promise<void>;
  list(options?: {
    prefix?: string;
    cursor?: string;
    limit?: number;
  }): Promise<{ objects: R2ObjectLike[]; truncated: boolean; cursor?: string; delimitedPrefixes: string[] }>;
}

/** One request to the access Worker; its answer revived (bytes back as `ArrayBuffer`), or its error thrown. */
async function post(mf: Miniflare, body: unknown): Promise<unknown> {
  const response = await mf.dispatchFetch("http://access.local/", { method: "POST", body: JSON.stringify(body) });
  const answer = (await response.json()) as { ok: boolean; result?: unknown; message?: string };
  if (!answer.ok) throw new Error(answer.message);
  return revive(answer.result);
}

/** The part of a D1 binding the tests use. */
export interface D1Like {
  prepare(sql: string): D1StatementLike;
  batch(statements: D1StatementLike[]): Promise<D1AllResult[]>;
}

export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all(): Promise<D1AllResult>;
}

export interface D1AllResult {
  results?: unknown[];
  success?: boolean;
  meta?: { changes?: number };
}

interface D1Query {
  sql: string;
  params: unknown[];
}

function tag(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(value)] };
  if (ArrayBuffer.isView(value))
    return { $bytes: [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)] };
  return value;
}

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value === null || typeof value !== "object") return value;
  if ("$bytes" in value) return new Uint8Array((value as { $bytes: number[] }).$bytes).buffer;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, revive(item)]));
}

/**
 * The Worker every test Miniflare runs: POST `{ binding, query | batch }` runs it on that D1
 * binding; `{ binding, method, args }` calls that KV or R2 method (an R2 object comes back as its
 * metadata and `$body`).
 */
const ACCESS_SCRIPT = `
const untag = (v) => (v && typeof v === "object" && Array.isArray(v.$bytes) ? new Uint8Array(v.$bytes) : v);
const tag = (v) => {
  if (Array.isArray(v)) return v.map(tag);
  if (v instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { $bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tag(x)]));
  return v;
};
const meta = (o) => ({ key: o.key, size: o.size, etag: o.etag, uploaded: o.uploaded.toISOString() });
const objects = async (r) => {
  if (r && typeof r === "object" && typeof r.key === "string" && "etag" in r)
    return typeof r.arrayBuffer === "function" ? { ...meta(r), $body: await r.arrayBuffer() } : meta(r);
  if (r && typeof r === "object" && Array.isArray(r.objects)) return { ...r, objects: r.objects.map(meta) };
  return r === undefined ? null : r;
};
export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("");
    const { binding, query, batch, method, args } = await request.json();
    if (method) {
      try {
        return Response.json({ ok: true, result: tag(await objects(await env[binding][method](...args.map(untag)))) });
      } catch (error) {
        return Response.json({ ok: false, message: String(error && error.message ? error.message : error) });
      }
    }
    const db = env[binding];
    const prepare = (q) => (q.params.length > 0 ? db.prepare(q.sql).bind(...q.params.map(untag)) : db.prepare(q.sql));
    try {
      const result = batch ? await db.batch(batch.map(prepare)) : await prepare(query).all();
      return Response.json({ ok: true, result: tag(result) });
    } catch (error) {
      return Response.json({ ok: false, message: String(error && error.message ? error.message : error) });
    }
  },
};
`;
