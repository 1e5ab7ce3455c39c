/**
 * The example Worker end to end: built like a deploy (neutral platform, no Node built-ins), run in
 * workerd through Miniflare, its cron fired and its D1 database, logs and `GET /migrations` checked,
 * for each place it reads migrations from: the bundle, KV and R2.
 */
import { createClient } from "viborm/d1";
import { createMigrationClient, type MigrationStatus } from "viborm/migrations";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readMigrationFiles } from "../../src/cli/bundle-migrations.js";
import { MIGRATIONS_DIR } from "../../worker-example/scripts/generate.js";
import { schema } from "../../worker-example/src/schema.js";
import { countRows, type RunningWorker, startWorker, tablesOf } from "./harness.js";

const IDS = ["20260102000000_init", "20260103000000_add-comments"];
const TABLES = ["_viborm_migrations", "authors", "comments", "posts"];

let files: Record<string, string>;
beforeAll(async () => {
  files = await readMigrationFiles(MIGRATIONS_DIR);
});

/** Uploads migration files the way a deploy step would: raw KV keys / R2 objects `migrations:<id>:<file>`. */
async function upload(worker: RunningWorker, source: string, only?: (key: string) => boolean): Promise<void> {
  if (source !== "kv" && source !== "r2") return;
  for (const key of Object.keys(files).filter(only ?? (() => true))) {
    await worker.put(source, `migrations:${key.replaceAll("/", ":")}`, files[key]!);
  }
}

describe.each(["bundle", "kv", "r2"])("migrations read from %s", (source) => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(source);
    await upload(worker, source);
  });
  afterAll(() => worker?.dispose());

  test("before the cron, every migration is pending and D1 is empty", async () => {
    expect(await worker.status()).toEqual(IDS.map((id) => ({ id, name: id.slice(15), state: "pending" })));
    expect(await tablesOf(worker.db)).toEqual([]);
  });

  let afterFirst: MigrationStatus[];
  test("the cron applies every migration to D1", async () => {
    expect(await worker.trigger()).toBe("ok");
    expect(worker.logs.at(-1)).toEqual({
      event: "migrations.applied",
      cron: "*/5 * * * *",
      source,
      applied: IDS,
      pending: [],
    });
    expect(await tablesOf(worker.db)).toEqual(TABLES);
    afterFirst = await worker.status();
    expect(afterFirst.map((m) => [m.id, m.state])).toEqual(IDS.map((id) => [id, "applied"]));
    for (const m of afterFirst) expect(Date.parse(m.appliedAt!)).not.toBeNaN();
    expect(await countRows(worker.db, "_viborm_migrations")).toBe(2);
  });

  test("D1 then matches the schema exactly: a push would change nothing", async () => {
    const client = createClient({ schema, database: worker.db });
    const push = await createMigrationClient(client).push({ dryRun: true });
    expect(push.statements).toEqual([]);
  });

  test("the schema works: foreign keys and defaults are in place", async () => {
    await worker.db.batch([
      worker.db.prepare("INSERT INTO authors (id, email) VALUES ('a1', 'ada@example.com')"),
      worker.db.prepare("INSERT INTO posts (title, authorId) VALUES ('Hello', 'a1')"),
      worker.db.prepare("INSERT INTO comments (body, postId) VALUES ('First!', 1)"),
    ]);
    const { results } = await worker.db.prepare("SELECT published FROM posts").all();
    expect(results).toEqual([{ published: 0 }]);
    await expect(
      worker.db.prepare("INSERT INTO posts (title, authorId) VALUES ('Orphan', 'nobody')").all(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  test("a second trigger applies nothing and keeps the rows", async () => {
    expect(await worker.trigger()).toBe("ok");
    expect(worker.logs.at(-1)).toMatchObject({ event: "migrations.applied", applied: [], pending: [] });
    expect(await worker.status()).toEqual(afterFirst);
    expect(await countRows(worker.db, "_viborm_migrations")).toBe(2);
    expect(await countRows(worker.db, "authors")).toBe(1);
    expect(await countRows(worker.db, "posts")).toBe(1);
    expect(await countRows(worker.db, "comments")).toBe(1);
  });
});

describe.each(["kv", "r2"])("a migration uploaded to %s later", (source) => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(source);
    await upload(worker, source, (key) => key.startsWith(IDS[0]!));
  });
  afterAll(() => worker?.dispose());

  test("is applied by the next trigger, on top of the rows written meanwhile", async () => {
    expect(await worker.trigger()).toBe("ok");
    expect(worker.logs.at(-1)).toMatchObject({ applied: [IDS[0]] });
    expect(await tablesOf(worker.db)).toEqual(["_viborm_migrations", "authors", "posts"]);
    await worker.db.prepare("INSERT INTO authors (id, email) VALUES ('a1', 'ada@example.com')").all();

    await upload(worker, source, (key) => key.startsWith(IDS[1]!));
    expect((await worker.status()).map((m) => m.state)).toEqual(["applied", "pending"]);
    expect(await worker.trigger()).toBe("ok");
    expect(worker.logs.at(-1)).toMatchObject({ applied: [IDS[1]], pending: [] });
    expect(await tablesOf(worker.db)).toEqual(TABLES);
    expect(await countRows(worker.db, "authors")).toBe(1);
  });

  test("an applied migration edited in storage shows as modified, and the cron refuses to go on", async () => {
    const edited = `${files[`${IDS[1]}/up.sql`]}\n-- edited after it was applied\n`;
    await worker.put(source as "kv" | "r2", `migrations:${IDS[1]}:up.sql`, edited);

    expect((await worker.status()).map((m) => m.state)).toEqual(["applied", "modified"]);
    expect(await worker.trigger()).toBe("exception");
    expect(worker.logs.at(-1)).toMatchObject({ event: "migrations.failed", error: { code: "CHECKSUM_MISMATCH" } });
  });
});

describe("configuration and routing", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker("s3");
  });
  afterAll(() => worker?.dispose());

  test("an unknown MIGRATIONS_SOURCE fails loudly on both handlers", async () => {
    const { status, body } = await worker.get("/migrations");
    expect(status).toBe(500);
    expect(body).toMatchObject({ error: { code: "CONFIG_ERROR", meta: { problem: "unknown MIGRATIONS_SOURCE" } } });
    expect(await worker.trigger()).toBe("exception");
    expect(worker.logs.at(-1)).toMatchObject({ event: "migrations.failed", error: { code: "CONFIG_ERROR" } });
    expect(await tablesOf(worker.db)).toEqual([]);
  });

  test("anything but GET /migrations is a 404", async () => {
    for (const path of ["/", "/migrations/", "/status"]) expect((await worker.get(path)).status).toBe(404);
    const post = await worker.mf.dispatchFetch("http://localhost/migrations", { method: "POST" });
    expect(post.status).toBe(404);
    await post.arrayBuffer();
  });
});

describe("an empty KV namespace", () => {
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker("kv");
  });
  afterAll(() => worker?.dispose());

  test("means nothing to apply", async () => {
    expect(await worker.status()).toEqual([]);
    expect(await worker.trigger()).toBe("ok");
    expect(worker.logs.at(-1)).toMatchObject({ applied: [], pending: [] });
  });
});
