/**
 * A migration client from one copy of viborm over a client made by another: a CLI installed
 * globally, or a script's own dependency, over the project's viborm. The built package stands in
 * for the second copy. Errors cross between the two by their codes, not their classes.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createStorage } from "unstorage";
import type { VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { afterAll, describe, expect, test } from "vitest";
import { ROOT } from "../cli/project.js";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";

type Copy = typeof import("viborm");

async function fromBuiltCopy<T>(entry: string): Promise<T> {
  return (await import(pathToFileURL(join(ROOT, "dist", entry)).href)) as T;
}

function schemaOf(copy: Copy) {
  return { user: copy.s.model({ id: copy.s.int().id().increment(), email: copy.s.string() }) };
}

/** What a first run does on an empty database: generate, apply, status. */
async function firstRun(client: VibormClient): Promise<void> {
  try {
    const migrations = createMigrationClient(client, { storageDriver: createUnstorageDriver(createStorage()) });
    const { migration } = await migrations.generate({ name: "init" });
    expect(migration?.name).toBe("init");
    expect((await migrations.apply()).applied.map((m) => m.name)).toEqual(["init"]);
    expect((await migrations.status()).map((m) => m.state)).toEqual(["applied"]);
  } finally {
    await client.$close();
  }
}

describe("a client made by another copy of the package", () => {
  const databases: TempDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((db) => db.drop()));
  });

  test("SQLite: generate and apply from scratch (no tracking table yet is not an error)", async () => {
    const copy = await fromBuiltCopy<Copy>("index.js");
    const { createClient } = await fromBuiltCopy<typeof import("viborm/sqlite3")>("drivers/sqlite3.js");
    await firstRun(createClient({ schema: schemaOf(copy), filename: ":memory:" }));
  });

  test("PostgreSQL: generate and apply from scratch", async () => {
    if (!(await requireDatabase("postgres", "a client from another copy of the package"))) return;
    const db = await createPgDatabase("viborm_copies");
    databases.push(db);
    const copy = await fromBuiltCopy<Copy>("index.js");
    const { createClient } = await fromBuiltCopy<typeof import("viborm/pg")>("drivers/pg.js");
    await firstRun(createClient({ schema: schemaOf(copy), databaseUrl: db.url }));
  });
});
