/**
 * KV and R2 operations of an apply with nothing to run, counted on the bindings themselves (what
 * Cloudflare bills and limits per invocation), served by workerd through Miniflare.
 */
import { createStorage } from "unstorage";
import kvBinding from "unstorage/drivers/cloudflare-kv-binding";
import r2Binding from "unstorage/drivers/cloudflare-r2-binding";
import { createMigrationClient, type MigrationStorageDriver, writeManifest } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { kvNamespace, r2Bucket, type StartedMiniflare, startMiniflare } from "../helpers/miniflare.js";
import { countingBinding, handWrittenId, totalOps, writeHandWritten } from "../helpers/storage-ops.js";

let miniflare: StartedMiniflare;
beforeAll(async () => {
  miniflare = await startMiniflare({ kvNamespaces: ["KV1", "KV30"], r2Buckets: ["R21", "R230"] });
});
afterAll(async () => {
  await miniflare?.dispose();
});

/** A storage driver over a binding, as the example Worker makes it (`base: "migrations"`). */
function over(source: "kv" | "r2", binding: unknown): MigrationStorageDriver {
  const driver = source === "kv" ? kvBinding({ binding: binding as never }) : r2Binding({ binding: binding as never });
  return createUnstorageDriver(createStorage({ driver }), { base: "migrations" });
}

describe.each(["kv", "r2"] as const)("a no-op apply from %s", (source) => {
  // 300 migrations are counted over memory storage (manifest.test.ts): uploading them to workerd takes a minute.
  test.each([1, 30])(
    "makes at most 3 operations at %i migrations",
    async (k) => {
      const raw = source === "kv" ? kvNamespace(miniflare.mf, `KV${k}`) : r2Bucket(miniflare.mf, `R2${k}`);
      const storage = over(source, raw);
      await writeHandWritten(storage, 1, k);
      const counted = countingBinding(raw as object);
      const migrations = createMigrationClient(createClient({ schema: {}, filename: ":memory:" }), {
        storageDriver: over(source, counted.binding),
      });
      expect((await migrations.apply()).applied).toHaveLength(k);

      counted.reset();
      await migrations.apply();
      const without = totalOps(counted.counts);
      expect(without).toBeGreaterThanOrEqual(1 + 3 * k);

      await writeManifest(storage);
      counted.reset();
      expect(await migrations.apply()).toEqual({ applied: [], pending: [] });
      expect(counted.counts).toEqual({ list: 1, get: 1 });

      // A folder uploaded later without refreshing the manifest is still found.
      await writeHandWritten(storage, k + 1, k + 1);
      expect((await migrations.apply()).applied.map((m) => m.id)).toEqual([handWrittenId(k + 1)]);
    },
    60_000,
  );
});
