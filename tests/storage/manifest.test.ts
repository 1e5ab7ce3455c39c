/**
 * The migrations manifest: with it, an apply that has nothing to run reads two storage objects
 * whatever the number of migrations; without it, or with one that does not match the listing, every
 * file is read, and no answer ever depends on it being up to date.
 */
import { createStorage } from "unstorage";
import { isVibormError, s } from "viborm";
import {
  createMigrationClient,
  MANIFEST_FILE,
  type MigrationClient,
  type MigrationStorageDriver,
  renderManifest,
  writeManifest,
} from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient } from "viborm/sqlite3";
import { describe, expect, test } from "vitest";
import { countingDriver, handWrittenId, totalOps, writeHandWritten } from "../helpers/storage-ops.js";
import { clock } from "../migrate/helpers.js";

/** A memory storage, its counting wrapper and a migration client on a fresh in-memory SQLite database. */
function setup(schema: Record<string, ReturnType<typeof s.model>> = {}) {
  const inner = createUnstorageDriver(createStorage());
  const counting = countingDriver(inner);
  const client = createClient({ schema, filename: ":memory:" });
  const migrations = createMigrationClient(client, {
    storageDriver: counting.driver,
    now: clock("2026-06-01T00:00:00Z"),
  });
  return { inner, ...counting, client, migrations };
}

/** Runs `fn` and returns the storage operations it made. */
async function opsOf(counting: { counts: Record<string, number>; reset(): void }, fn: () => Promise<unknown>) {
  counting.reset();
  await fn();
  return { ...counting.counts };
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("a no-op apply with a manifest", () => {
  test.each([1, 30, 300])("reads the listing and the manifest only, at %i migrations", async (k) => {
    const { inner, migrations, ...counting } = setup();
    await writeHandWritten(inner, 1, k);
    expect((await migrations.apply()).applied).toHaveLength(k);

    const without = await opsOf(counting, () => migrations.apply());
    expect(without).toEqual({ list: 1, get: 3 * k });

    expect(await writeManifest(inner)).toEqual({ migrations: expect.any(Array), changed: true });
    const ops = await opsOf(counting, async () => {
      expect(await migrations.apply()).toEqual({ applied: [], pending: [] });
    });
    expect(ops).toEqual({ list: 1, get: 1 });
    expect(totalOps(ops)).toBeLessThanOrEqual(3);
    // A dry run takes the same path.
    expect(await opsOf(counting, () => migrations.apply({ dryRun: true }))).toEqual({ list: 1, get: 1 });
  });

  test("writeManifest leaves an up-to-date manifest untouched, and lists the migrations", async () => {
    const { inner } = setup();
    const ids = await writeHandWritten(inner, 1, 3);
    expect(await writeManifest(inner)).toEqual({ migrations: ids, changed: true });
    const text = await inner.get(MANIFEST_FILE);
    expect(await writeManifest(inner)).toEqual({ migrations: ids, changed: false });
    expect(await inner.get(MANIFEST_FILE)).toBe(text);
  });

  test("the manifest a bundle gets from its files is the one writeManifest writes", async () => {
    const { inner } = setup();
    await writeHandWritten(inner, 1, 3);
    await inner.put("README.md", "# migrations\n");
    await inner.put(`${handWrittenId(2)}/.DS_Store`, "junk");
    await writeManifest(inner);
    const files: Record<string, string> = {};
    for (const key of await inner.list()) if (key !== MANIFEST_FILE) files[key] = (await inner.get(key))!;
    expect(await renderManifest(files)).toBe(await inner.get(MANIFEST_FILE));
  });
});

describe("the manifest never changes an answer", () => {
  /** k applied migrations with a manifest written. */
  async function applied(k: number) {
    const context = setup();
    await writeHandWritten(context.inner, 1, k);
    await context.migrations.apply();
    await writeManifest(context.inner);
    return context;
  }

  test("a folder uploaded without refreshing the manifest is found and applied", async () => {
    const { inner, migrations, ...counting } = await applied(3);
    const [added] = await writeHandWritten(inner, 4, 4);
    const ops = await opsOf(counting, async () => {
      expect((await migrations.apply()).applied.map((m) => m.id)).toEqual([added]);
    });
    // The manifest does not name the new folder: it is set aside, and every file is read.
    expect(ops).toEqual({ list: 1, get: 1 + 12 });
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "applied", "applied", "applied"]);
  });

  test("a manifest that agrees with the listing but not with the tracking table reads every file", async () => {
    // The database is behind: the manifest is current, but a migration is pending.
    const { inner, migrations, client, ...counting } = setup();
    await writeHandWritten(inner, 1, 2);
    await writeManifest(inner);
    const ops = await opsOf(counting, async () => {
      expect((await migrations.apply()).applied).toHaveLength(2);
    });
    expect(ops).toEqual({ list: 1, get: 1 + 6 });
    expect(await client.$queryRaw("SELECT name FROM sqlite_master WHERE name = 't_2'")).toHaveLength(1);
  });

  test("an applied migration edited with the manifest rebuilt (as a bundle or deploy step does) is refused", async () => {
    const { inner, migrations } = await applied(3);
    const id = handWrittenId(2);
    await inner.put(`${id}/up.sql`, `${await inner.get(`${id}/up.sql`)}-- edited\n`);
    await writeManifest(inner);
    const error = await errorOf(migrations.apply());
    expect(isVibormError(error, "CHECKSUM_MISMATCH")).toBe(true);
    expect((error as { meta: { migrations: { id: string }[] } }).meta.migrations.map((m) => m.id)).toEqual([id]);
  });

  test("an applied migration edited in place is refused by the next apply that has something to run", async () => {
    const { inner, migrations, client } = await applied(3);
    const id = handWrittenId(2);
    await inner.put(`${id}/up.sql`, `${await inner.get(`${id}/up.sql`)}-- edited\n`);
    // status and check read every file, whatever the manifest says.
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "modified", "applied"]);
    expect((await migrations.check()).problems.map((p) => p.code)).toContain("MODIFIED");
    // The stated limit: with nothing to run, apply trusts the manifest, and runs nothing.
    expect(await migrations.apply()).toEqual({ applied: [], pending: [] });
    // Before anything runs, every file is read: the edit is found, and the new migration waits.
    await writeHandWritten(inner, 4, 4);
    expect(isVibormError(await errorOf(migrations.apply()), "CHECKSUM_MISMATCH")).toBe(true);
    expect(await client.$queryRaw("SELECT name FROM sqlite_master WHERE name = 't_4'")).toEqual([]);
  });

  test("a file added to or removed from an applied folder makes the manifest stale", async () => {
    const { inner, migrations, ...counting } = await applied(2);
    const id = handWrittenId(1);
    await inner.put(`${id}/notes.md`, "why this migration exists\n");
    const ops = await opsOf(counting, async () => {
      expect(isVibormError(await errorOf(migrations.apply()), "CHECKSUM_MISMATCH")).toBe(true);
    });
    expect(ops.get).toBe(1 + 7); // the manifest, set aside, then every file
    await inner.delete(`${id}/notes.md`);
    expect(await migrations.apply()).toEqual({ applied: [], pending: [] });
    await inner.delete(`${id}/down.sql`);
    expect(isVibormError(await errorOf(migrations.apply()), "INVALID_MIGRATION")).toBe(true);
  });

  test("a manifest left with conflict markers, edited by hand or of another version is ignored", async () => {
    const { inner, migrations, ...counting } = await applied(2);
    const good = (await inner.get(MANIFEST_FILE))!;
    const edited = JSON.parse(good) as { version: number; migrations: { checksum: string }[] };
    const id = handWrittenId(2);
    await inner.put(`${id}/up.sql`, `${await inner.get(`${id}/up.sql`)}-- edited\n`);
    const bad = [
      `<<<<<<< HEAD\n${good}=======\n${good}>>>>>>> branch\n`,
      // Someone "fixed" a checksum by hand: the manifest's own checksum no longer matches.
      good.replace(edited.migrations[1]!.checksum, "0".repeat(64)),
      JSON.stringify({ ...edited, version: 2 }),
      "",
    ];
    for (const text of bad) {
      await inner.put(MANIFEST_FILE, text);
      const ops = await opsOf(counting, async () => {
        expect(isVibormError(await errorOf(migrations.apply()), "CHECKSUM_MISMATCH"), text).toBe(true);
      });
      expect(ops).toEqual({ list: 1, get: 1 + 6 });
    }
  });

  test("a manifest naming a folder that is gone is ignored; the missing migration is reported by status", async () => {
    const { inner, migrations, ...counting } = await applied(2);
    const id = handWrittenId(2);
    for (const file of ["up.sql", "down.sql", "migration.json"]) await inner.delete(`${id}/${file}`);
    const ops = await opsOf(counting, async () => {
      expect(await migrations.apply()).toEqual({ applied: [], pending: [] });
    });
    expect(ops).toEqual({ list: 1, get: 1 + 3 });
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied", "missing"]);
  });

  test("`to` and an unknown `to` behave as without a manifest", async () => {
    const { inner, migrations } = await applied(2);
    expect(await migrations.apply({ to: handWrittenId(1) })).toEqual({ applied: [], pending: [] });
    const error = await errorOf(migrations.apply({ to: "no-such-migration" }));
    expect(isVibormError(error, "MIGRATION_NOT_FOUND")).toBe(true);
    await writeHandWritten(inner, 3, 4);
    const result = await migrations.apply({ to: handWrittenId(3) });
    expect(result.applied.map((m) => m.id)).toEqual([handWrittenId(3)]);
    expect(result.pending.map((m) => m.id)).toEqual([handWrittenId(4)]);
  });

  test("two branches' folders merged: each branch's manifest is stale on the other, and nothing is lost", async () => {
    const main = await applied(2);
    const branch: MigrationStorageDriver = createUnstorageDriver(createStorage());
    for (const key of await main.inner.list()) await branch.put(key, (await main.inner.get(key))!);
    const [onMain] = await writeHandWritten(main.inner, 3, 3);
    await writeManifest(main.inner);
    const [onBranch] = await writeHandWritten(branch, 4, 4);
    await writeManifest(branch);
    // The merge copies the branch's folder (its manifest.json is the shared file: main keeps its own).
    for (const key of await branch.list()) {
      if (key.startsWith(`${onBranch}/`)) await main.inner.put(key, (await branch.get(key))!);
    }
    const result = await main.migrations.apply();
    expect(result.applied.map((m) => m.id)).toEqual([onMain, onBranch]);
    await writeManifest(main.inner);
    expect(await opsOf(main, () => main.migrations.apply())).toEqual({ list: 1, get: 1 });
  });
});

describe("generate and the manifest", () => {
  const v1 = { note: s.model({ id: s.int().id().increment(), body: s.string() }) };
  const v2 = { note: s.model({ id: s.int().id().increment(), body: s.string(), pinned: s.boolean().default(false) }) };

  function client(schema: typeof v1, storageDriver: MigrationStorageDriver, filename: string): MigrationClient {
    return createMigrationClient(createClient({ schema, filename }), {
      storageDriver,
      now: clock("2026-06-01T00:00:00Z"),
    });
  }

  test("generate never creates a manifest", async () => {
    const { inner } = setup();
    await client(v1, inner, ":memory:").generate({ name: "init" });
    expect(await inner.list()).not.toContain(MANIFEST_FILE);
  });

  test("generate keeps an existing manifest up to date, so the next no-op apply stays O(1)", async () => {
    const { inner, driver, ...counting } = setup();
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "viborm-manifest-"));
    try {
      const filename = join(dir, "app.db");
      await client(v1, driver, filename).generate({ name: "init" });
      await writeManifest(inner);
      await client(v1, driver, filename).apply();
      await client(v2, driver, filename).generate({ name: "pinned" });
      const text = await inner.get(MANIFEST_FILE);
      expect((await writeManifest(inner)).changed).toBe(false);
      expect(await inner.get(MANIFEST_FILE)).toBe(text);
      const migrations = client(v2, driver, filename);
      expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["pinned"]);
      expect(await opsOf(counting, () => migrations.apply())).toEqual({ list: 1, get: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a storage write failing on the manifest leaves the folders as they were, and no manifest", async () => {
    const { inner } = setup();
    await client(v1, inner, ":memory:").generate({ name: "init" });
    await writeManifest(inner);
    const before = await inner.list();
    const flaky: MigrationStorageDriver = {
      ...inner,
      put: async (key, value) => {
        if (key === MANIFEST_FILE) throw new Error("disk full");
        await inner.put(key, value);
      },
    };
    await expect(client(v2, flaky, ":memory:").generate({ name: "pinned" })).rejects.toThrow("disk full");
    expect(await inner.list()).toEqual(before.filter((key) => key !== MANIFEST_FILE));
  });
});
