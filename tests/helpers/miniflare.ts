/**
 * A local workerd (through Miniflare) with Cloudflare bindings that tests reach from Node:
 * `await mf.getKVNamespace("KV")`, `getR2Bucket("R2")`, `getD1Database("DB")`.
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
 * const db = await mf.getD1Database("DB");
 * afterAll(dispose);
 */
export async function startMiniflare(options: StartMiniflareOptions = {}): Promise<StartedMiniflare> {
  const mf = new Miniflare({
    modules: true,
    script: D1_SCRIPT,
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
  const send = async (body: unknown): Promise<unknown> => {
    const response = await mf.dispatchFetch("http://d1.local/", { method: "POST", body: JSON.stringify(body) });
    const answer = (await response.json()) as { ok: boolean; result?: unknown; message?: string };
    if (!answer.ok) throw new Error(answer.message);
    return revive(answer.result);
  };
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
 * A Worker to list in a multi-Worker Miniflare's `workers` beside the Worker under test, so that
 * {@link d1Database} reaches that Worker's D1 databases (the same names are the same databases).
 * A record maps bindings to database ids, as for a D1 that wrangler persisted under its id.
 *
 * @example new Miniflare({ workers: [{ name: "app", scriptPath, d1Databases: ["DB"] }, d1AccessWorker(["DB"])] })
 */
export function d1AccessWorker(d1Databases: string[] | Record<string, string>): WorkerOptions {
  return { name: "viborm-test-d1-access", modules: true, script: D1_SCRIPT, routes: ["d1.local/*"], d1Databases };
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

/** The Worker every test Miniflare runs: POST `{ binding, query | batch }` runs it on that D1 binding. */
const D1_SCRIPT = `
const untag = (v) => (v && typeof v === "object" && Array.isArray(v.$bytes) ? new Uint8Array(v.$bytes) : v);
const tag = (v) => {
  if (Array.isArray(v)) return v.map(tag);
  if (v instanceof ArrayBuffer) return { $bytes: [...new Uint8Array(v)] };
  if (ArrayBuffer.isView(v)) return { $bytes: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tag(x)]));
  return v;
};
export default {
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("");
    const { binding, query, batch } = await request.json();
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
