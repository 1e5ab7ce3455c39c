/**
 * The versioned workflow with migrations stored in Cloudflare KV and R2 (through unstorage, served
 * by workerd via Miniflare): generate writes there, apply and status read from there.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStorage } from "unstorage";
import kvBinding from "unstorage/drivers/cloudflare-kv-binding";
import r2Binding from "unstorage/drivers/cloudflare-r2-binding";
import { s } from "viborm";
import { createMigrationClient, type MigrationStorageDriver } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/sqlite3";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { kvNamespace, r2Bucket, type StartedMiniflare, startMiniflare } from "../helpers/miniflare.js";
import { clock } from "./helpers.js";

let miniflare: StartedMiniflare;
let dir: string;
const stores: Record<string, () => Promise<MigrationStorageDriver>> = {
  kv: async () =>
    createUnstorageDriver(createStorage({ driver: kvBinding({ binding: kvNamespace(miniflare.mf, "KV") as never }) }), {
      base: "migrations",
    }),
  r2: async () =>
    createUnstorageDriver(createStorage({ driver: r2Binding({ binding: r2Bucket(miniflare.mf, "R2") as never }) }), {
      base: "migrations",
    }),
};

beforeAll(async () => {
  miniflare = await startMiniflare();
  dir = mkdtempSync(join(tmpdir(), "viborm-cloud-"));
});
afterAll(async () => {
  await miniflare?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const v1 = { note: s.model({ id: s.int().id().increment(), body: s.string() }) };
const v2 = { note: s.model({ id: s.int().id().increment(), body: s.string(), pinned: s.boolean().default(false) }) };

describe.each(Object.keys(stores))("migrations stored in %s", (store) => {
  test("generate → apply → generate → apply → status", async () => {
    const storageDriver = await stores[store]!();
    const filename = join(dir, `${store}.db`);
    const first = createMigrationClient(createClient({ schema: v1, filename }), {
      storageDriver,
      now: clock("2026-03-01T00:00:00Z"),
    });
    const init = await first.generate({ name: "init" });
    expect(await storageDriver.list(`${init.migration!.id}/`)).toEqual([
      `${init.migration!.id}/down.sql`,
      `${init.migration!.id}/migration.json`,
      `${init.migration!.id}/up.sql`,
    ]);
    await first.apply();
    const second = createMigrationClient(createClient({ schema: v2, filename }), {
      storageDriver,
      now: clock("2026-03-02T00:00:00Z"),
    });
    await second.generate({ name: "pin-notes" });
    expect((await second.apply()).applied.map((m) => m.name)).toEqual(["pin-notes"]);
    expect((await second.status()).map((m) => [m.name, m.state])).toEqual([
      ["init", "applied"],
      ["pin-notes", "applied"],
    ]);
    expect((await second.push({ dryRun: true })).statements).toEqual([]);
  });
});
