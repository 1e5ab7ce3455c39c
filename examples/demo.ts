/**
 * `npm run demo`: the main job on an embedded database (a SQLite file in a temporary folder), no
 * server needed. It pushes the example schema, shows that a second push has nothing to do, then
 * walks the versioned workflow: generate, apply, status, a schema change, rollback.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createFsStorageDriver } from "viborm/migrations/storage/fs";
import { createClient } from "viborm/sqlite3";
import { schema } from "./schema.js";

const work = mkdtempSync(join(tmpdir(), "viborm-demo-"));
const heading = (text: string) => console.log(`\n\x1b[1m== ${text}\x1b[0m`);

try {
  heading("push the example schema (examples/schema.ts) to a fresh SQLite database");
  const pushClient = createClient({ schema, filename: join(work, "push.db") });
  const pushed = await createMigrationClient(pushClient).push();
  for (const sql of pushed.statements) console.log(`${sql};`);
  console.log(
    `→ ${pushed.operations.length} operations, ${pushed.statements.length} statements, applied: ${pushed.applied}`,
  );

  heading("push again: the database already matches");
  const again = await createMigrationClient(pushClient).push();
  console.log(`→ ${again.statements.length} statements, applied: ${again.applied}`);
  await pushClient.$close();

  heading("versioned migrations: generate, apply, status");
  const storageDriver = createFsStorageDriver(join(work, "migrations"));
  const client = createClient({ schema, filename: join(work, "app.db") });
  const migrations = createMigrationClient(client, { storageDriver });
  const first = await migrations.generate({ name: "init" });
  console.log(
    `generated ${first.migration?.id}/ → ${readdirSync(join(work, "migrations", first.migration!.id)).join(", ")}`,
  );
  const applied = await migrations.apply();
  console.log(`applied: ${applied.applied.map((m) => m.id).join(", ")}`);
  console.table(await migrations.status());

  heading("change the schema (a new profile table) and generate the next migration");
  const withBio = {
    ...schema,
    profile: s.model({ id: s.int().id().increment(), bio: s.string().nullable(), userId: s.string().unique() }),
  };
  const client2 = createClient({ schema: withBio, filename: join(work, "app.db") });
  const migrations2 = createMigrationClient(client2, { storageDriver });
  const second = await migrations2.generate({ name: "add-profile" });
  console.log(readFileSync(join(work, "migrations", second.migration!.id, "up.sql"), "utf8"));
  await migrations2.apply();
  console.table(await migrations2.status());

  heading("roll the last migration back");
  const rolled = await migrations2.rollback();
  console.log(`rolled back: ${rolled.rolledBack.map((m) => m.id).join(", ")}`);
  console.table(await migrations2.status());
  await client.$close();
  await client2.$close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
