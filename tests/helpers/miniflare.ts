/**
 * A local workerd (through Miniflare) with Cloudflare bindings that tests reach from Node:
 * `await mf.getKVNamespace("KV")`, `getR2Bucket("R2")`, `getD1Database("DB")`.
 *
 * Pinned to miniflare 4.20260426.0, the newest release whose `engines` accepts Node 20 (later
 * ones need Node 22). Storage is in memory, so every instance starts empty; ready in ~0.3 s.
 */
import { Miniflare } from "miniflare";

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
    script: "export default { fetch() { return new Response('') } }",
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
