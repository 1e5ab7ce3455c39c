/**
 * The unstorage adapter over Cloudflare KV and R2 bindings, as a Worker reads migrations, served
 * by a real workerd through Miniflare.
 */
import { createStorage } from "unstorage";
import kvBinding from "unstorage/drivers/cloudflare-kv-binding";
import r2Binding from "unstorage/drivers/cloudflare-r2-binding";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testStorageDriver } from "../conformance/storage-driver.js";
import { d1Database, kvNamespace, r2Bucket, type StartedMiniflare, startMiniflare } from "../helpers/miniflare.js";

/** The parts of the KV and R2 bindings these tests call (Cloudflare's types are not installed). */
interface Kv {
  list(options?: { cursor?: string }): Promise<{ keys: { name: string }[]; list_complete: boolean; cursor?: string }>;
  get(key: string): Promise<string | null>;
  delete(key: string): Promise<void>;
}
interface R2 {
  list(): Promise<{ objects: { key: string }[] }>;
  put(key: string, value: Uint8Array): Promise<unknown>;
  delete(keys: string[]): Promise<void>;
}

let miniflare: StartedMiniflare;
let kv: Kv;
let r2: R2;

beforeAll(async () => {
  miniflare = await startMiniflare({ d1Databases: ["DB"] });
  kv = kvNamespace(miniflare.mf, "KV") as unknown as Kv;
  r2 = r2Bucket(miniflare.mf, "R2") as unknown as R2;
});
afterAll(async () => {
  await miniflare?.dispose();
});

/** Deletes every KV key through the binding (a fresh namespace for each test). */
async function emptyKv(): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await kv.list(cursor ? { cursor } : {});
    await Promise.all(page.keys.map((key) => kv.delete(key.name)));
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
}

async function emptyR2(): Promise<void> {
  for (;;) {
    const page = await r2.list();
    if (page.objects.length === 0) return;
    await r2.delete(page.objects.map((object) => object.key));
  }
}

testStorageDriver("unstorage over Cloudflare KV (Miniflare)", {
  create: async () => {
    await emptyKv();
    return createUnstorageDriver(createStorage({ driver: kvBinding({ binding: kv }) }));
  },
});

testStorageDriver("unstorage over Cloudflare R2 (Miniflare)", {
  create: async () => {
    await emptyR2();
    return createUnstorageDriver(createStorage({ driver: r2Binding({ binding: r2 }) }));
  },
});

describe("Cloudflare bindings", () => {
  it("KV holds readable SQL under the base's : keys", async () => {
    await emptyKv();
    const driver = createUnstorageDriver(createStorage({ driver: kvBinding({ binding: kv }) }), { base: "migrations" });
    await driver.put("20260101000000_init/up.sql", "CREATE TABLE a (x int);\n");
    expect((await kv.list()).keys.map((key) => key.name)).toEqual(["migrations:20260101000000_init:up.sql"]);
    expect(await kv.get("migrations:20260101000000_init:up.sql")).toBe("CREATE TABLE a (x int);\n");
  });

  it("reads R2 objects uploaded as bytes by another tool", async () => {
    await emptyR2();
    await r2.put("migrations:m:up.sql", new TextEncoder().encode("SELECT 'é';\r\n"));
    const driver = createUnstorageDriver(createStorage({ driver: r2Binding({ binding: r2 }) }), { base: "migrations" });
    expect(await driver.list()).toEqual(["m/up.sql"]);
    expect(await driver.get("m/up.sql")).toBe("SELECT 'é';\r\n");
  });
});

describe("startMiniflare", () => {
  it("also serves D1 to Node 20: queries and an all-or-nothing batch", async () => {
    const db = d1Database(miniflare.mf, "DB");
    expect((await db.prepare("select 1 as x").all()).results).toEqual([{ x: 1 }]);
    await db.batch([db.prepare("create table t (a int primary key)"), db.prepare("insert into t values (?)").bind(1)]);
    await expect(
      db.batch([db.prepare("insert into t values (2)"), db.prepare("insert into missing values (3)")]),
    ).rejects.toThrow(/no such table/);
    expect((await db.prepare("select a from t order by a").all()).results).toEqual([{ a: 1 }]);
  });
});
