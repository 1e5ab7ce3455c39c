/**
 * `pull` on databases built with hand-written SQL (not by viborm), awkward names included: the
 * source it writes is a schema that, pushed back to the same database, plans nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createStorage } from "unstorage";
import { type Schema, s, type VibormClient } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { createUnstorageDriver } from "viborm/migrations/storage/unstorage";
import { createClient as createMysqlClient } from "viborm/mysql2";
import { createClient as createPgClient } from "viborm/pg";
import { createClient as createSqliteClient } from "viborm/sqlite3";
import { afterAll, describe, expect, test } from "vitest";
import { createMysqlDatabase, createPgDatabase, requireDatabase, type TempDatabase } from "../helpers/databases.js";

/** Runs the module `pull` wrote, with `s` as its import, and returns its `schema`. */
function evaluateSource(source: string): Schema {
  const body = source.replace(/^import \{ s \} from "viborm";$/m, "").replace(/^export /gm, "");
  return new Function("s", `${body}\nreturn schema;`)(s) as Schema;
}

interface Case {
  name: string;
  available(): Promise<boolean>;
  /** A client on a fresh database; `schema` may be empty (`{}`) to introspect only. */
  open(): Promise<{ client: (schema: Schema) => VibormClient; drop(): Promise<void> }>;
  ddl: string[];
  /** A table whose column has a default only SQL can say, and a row inserted without it. */
  sqlDefault: [create: string, insert: string];
  /** A table with a unique index on an expression (a case-insensitive email), where the dialect has them. */
  expressionIndex?: string[];
  /** A table with a generated column `doubled` (= qty * 2), where viborm reads them. */
  generatedColumn?: string;
}

const PG_DDL = [
  `CREATE TYPE "user status" AS ENUM ('active', 'banned')`,
  `CREATE TABLE "Users" (
    "Id" serial PRIMARY KEY,
    "e-mail" varchar(255) NOT NULL UNIQUE,
    status "user status" NOT NULL DEFAULT 'active',
    created timestamp NOT NULL DEFAULT now(),
    score numeric,
    tags text[],
    meta jsonb DEFAULT '{}'::jsonb,
    code char(3),
    uid uuid
  )`,
  `CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    author_id integer NOT NULL REFERENCES "Users"("Id") ON DELETE CASCADE,
    editor_id integer REFERENCES "Users"("Id"),
    title text NOT NULL,
    body text,
    published boolean NOT NULL DEFAULT false,
    rating smallint,
    CONSTRAINT title_len CHECK (length(title) > 0)
  )`,
  `CREATE INDEX posts_title_desc ON posts (title DESC)`,
  `CREATE INDEX posts_live ON posts (author_id) WHERE published`,
  `CREATE TABLE post_tags (post_id bigint NOT NULL REFERENCES posts(id), tag text NOT NULL, PRIMARY KEY (post_id, tag))`,
  `CREATE TABLE "order" ("select" integer PRIMARY KEY, note text)`,
];

const MYSQL_DDL = [
  `CREATE TABLE \`Users\` (
    \`Id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
    \`e-mail\` varchar(255) NOT NULL UNIQUE,
    status enum('active','banned') NOT NULL DEFAULT 'active',
    created datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    bio longtext,
    code char(3),
    score decimal(8,2) DEFAULT 0.00,
    flags SET('beta','staff') NULL
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE posts (
    id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
    author_id int NOT NULL,
    title varchar(200) NOT NULL,
    published tinyint(1) NOT NULL DEFAULT 0,
    CONSTRAINT title_len CHECK (char_length(title) > 0),
    FOREIGN KEY (author_id) REFERENCES \`Users\` (\`Id\`) ON DELETE CASCADE,
    KEY posts_title (title)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE post_tags (
    post_id bigint NOT NULL, tag varchar(64) NOT NULL, PRIMARY KEY (post_id, tag),
    CONSTRAINT post_tags_post FOREIGN KEY (post_id) REFERENCES posts (id)
  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
];

const SQLITE_DDL = [
  `CREATE TABLE "Users" ("Id" INTEGER PRIMARY KEY AUTOINCREMENT, "e-mail" TEXT NOT NULL UNIQUE, status TEXT NOT NULL DEFAULT 'active', created DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, score REAL)`,
  `CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, author_id INTEGER NOT NULL REFERENCES "Users"("Id") ON DELETE CASCADE, title TEXT NOT NULL, body TEXT, CONSTRAINT title_len CHECK (length(title) > 0))`,
  `CREATE INDEX posts_title_desc ON posts (title DESC)`,
  `CREATE TABLE post_tags (post_id INTEGER NOT NULL REFERENCES posts(id), tag TEXT NOT NULL, PRIMARY KEY (post_id, tag))`,
];

const opened: { drop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const item of opened) await item.drop();
});

const CASES: Case[] = [
  {
    name: "pg",
    available: () => requireDatabase("postgres", "pull on pg"),
    ddl: PG_DDL,
    sqlDefault: [
      "CREATE TABLE stamp (id int PRIMARY KEY, token text DEFAULT md5(random()::text))",
      "INSERT INTO stamp (id) VALUES (1)",
    ],
    generatedColumn:
      "CREATE TABLE line (id int PRIMARY KEY, qty int NOT NULL, doubled int GENERATED ALWAYS AS (qty * 2) STORED)",
    expressionIndex: [
      "CREATE TABLE member (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), email varchar(100) NOT NULL)",
      "CREATE UNIQUE INDEX member_email_ci ON member (lower(email))",
    ],
    async open() {
      const database: TempDatabase = await createPgDatabase("pull");
      return track(database.url, (schema, url) => createPgClient({ schema, databaseUrl: url }), database.drop);
    },
  },
  {
    name: "mysql2",
    available: () => requireDatabase("mysql", "pull on mysql2"),
    ddl: MYSQL_DDL,
    sqlDefault: [
      "CREATE TABLE stamp (id int PRIMARY KEY, token varchar(64) DEFAULT (md5(rand())))",
      "INSERT INTO stamp (id) VALUES (1)",
    ],
    generatedColumn: "CREATE TABLE line (id int PRIMARY KEY, qty int NOT NULL, doubled int AS (qty * 2) VIRTUAL)",
    async open() {
      const database = await createMysqlDatabase("pull");
      return track(database.url, (schema, url) => createMysqlClient({ schema, databaseUrl: url }), database.drop);
    },
  },
  {
    name: "sqlite3",
    available: async () => true,
    ddl: SQLITE_DDL,
    sqlDefault: [
      "CREATE TABLE stamp (id INTEGER PRIMARY KEY, token TEXT DEFAULT (datetime('now')))",
      "INSERT INTO stamp (id) VALUES (1)",
    ],
    expressionIndex: [
      "CREATE TABLE member (id INTEGER PRIMARY KEY, email TEXT NOT NULL)",
      "CREATE UNIQUE INDEX member_email_ci ON member (lower(email))",
    ],
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "viborm-pull-"));
      return track(
        join(dir, "pull.db"),
        (schema, filename) => createSqliteClient({ schema, filename }),
        async () => rmSync(dir, { recursive: true, force: true }),
      );
    },
  },
];

function track(
  where: string,
  make: (schema: Schema, where: string) => VibormClient,
  drop: () => Promise<void>,
): { client: (schema: Schema) => VibormClient; drop(): Promise<void> } {
  const clients: VibormClient[] = [];
  const handle = {
    client: (schema: Schema) => {
      const client = make(schema, where);
      clients.push(client);
      return client;
    },
    async drop() {
      for (const client of clients) await client.$close();
      await drop();
    },
  };
  opened.push(handle);
  return handle;
}

describe.each(CASES)("pull on $name", (entry) => {
  test("a hand-made database pulls into a schema that pushes back to nothing", async (ctx) => {
    if (!(await entry.available())) ctx.skip();
    const db = await entry.open();
    const raw = db.client({});
    for (const sql of entry.ddl) await raw.$executeRaw(sql);
    const pulled = await createMigrationClient(raw).pull();
    expect(pulled.source).toContain('import { s } from "viborm";');
    const schema = evaluateSource(pulled.source);
    const client = db.client(schema);
    const plan = await createMigrationClient(client).push({ dryRun: true });
    expect(plan.operations, pulled.source).toEqual([]);
    // Awkward names survive through .map(), relations come from the foreign keys, both sides.
    expect(pulled.source).toContain('.map("e-mail")');
    expect(pulled.source).toMatch(/author: s\.manyToOne\(\(\) => Users\)\.fields\("author_id"\)/);
    expect(pulled.source).toMatch(/posts: s\.oneToMany\(\(\) => posts\)/);
    expect(pulled.source).toContain('.check("title_len"');
    expect(pulled.warnings).toEqual([]);
  });

  test("a default only SQL can say: pull warns of it, and push keeps it", async (ctx) => {
    if (!(await entry.available())) ctx.skip();
    const db = await entry.open();
    const raw = db.client({});
    const [create, insert] = entry.sqlDefault;
    await raw.$executeRaw(create);
    const pulled = await createMigrationClient(raw).pull();
    expect(pulled.warnings).toEqual([
      expect.stringMatching(/^Column stamp\.token has the default .+, which the schema cannot say/),
    ]);
    const client = db.client(evaluateSource(pulled.source));
    expect((await createMigrationClient(client).push({ dryRun: true })).operations).toEqual([]);
    await createMigrationClient(client).push();
    await client.$executeRaw(insert);
    const [row] = await client.$queryRaw<{ token: string | null }>("SELECT token FROM stamp");
    expect(row?.token).toEqual(expect.any(String));
  });
});

// MariaDB has no indexes on expressions (MySQL 8's are not read).
describe.each(CASES.filter((entry) => entry.expressionIndex))("pull on $name, expression indexes", (entry) => {
  test("an index on an expression: pull warns of it, push keeps it, and a baseline builds it again", async (ctx) => {
    if (!(await entry.available())) ctx.skip();
    const db = await entry.open();
    const raw = db.client({});
    for (const sql of entry.expressionIndex ?? []) await raw.$executeRaw(sql);
    const pulled = await createMigrationClient(raw).pull();
    expect(pulled.warnings).toEqual([
      expect.stringMatching(/^Index member_email_ci on member has an expression key part/),
    ]);
    const schema = evaluateSource(pulled.source);
    const client = db.client(schema);
    expect((await createMigrationClient(client).push({ dryRun: true })).operations).toEqual([]);
    await createMigrationClient(client).push();
    // PostgreSQL fills the uuid key itself; SQLite's INTEGER PRIMARY KEY is the rowid.
    const insert = (target: VibormClient, email: string) =>
      target.$executeRaw(`INSERT INTO member (email) VALUES ('${email}')`);
    await insert(client, "Ann@x.io");
    await expect(insert(client, "ann@X.io")).rejects.toThrow();

    // The baseline of this database, applied to an empty one, builds the same index.
    const storageDriver = createUnstorageDriver(createStorage());
    await createMigrationClient(client, { storageDriver }).baseline({ name: "baseline" });
    const fresh = (await entry.open()).client(schema);
    await createMigrationClient(fresh, { storageDriver }).apply();
    expect((await createMigrationClient(fresh).pull()).source).toBe(pulled.source);
    expect((await createMigrationClient(fresh, { storageDriver }).check()).problems).toEqual([]);
    // Nor does the next migration drop what the schema cannot declare.
    expect((await createMigrationClient(fresh, { storageDriver }).generate({ name: "next" })).migration).toBeNull();
    await insert(fresh, "Bo@x.io");
    await expect(insert(fresh, "BO@x.io")).rejects.toThrow();
  });
});

// SQLite's generated columns are not read yet (see the closing note).
describe.each(CASES.filter((entry) => entry.generatedColumn))("pull on $name, generated columns", (entry) => {
  test("a generated column: pull warns of it, push and generate keep it, a baseline builds it again", async (ctx) => {
    if (!(await entry.available())) ctx.skip();
    const db = await entry.open();
    const raw = db.client({});
    await raw.$executeRaw(entry.generatedColumn ?? "");
    const pulled = await createMigrationClient(raw).pull();
    expect(pulled.warnings).toEqual([
      expect.stringMatching(/^Column line\.doubled is generated from .+, which the schema cannot say/),
    ]);
    const schema = evaluateSource(pulled.source);
    const client = db.client(schema);
    expect((await createMigrationClient(client).push({ dryRun: true })).operations).toEqual([]);
    const doubled = async (target: VibormClient) => {
      await target.$executeRaw("INSERT INTO line (id, qty) VALUES (1, 21)");
      const [row] = await target.$queryRaw<{ doubled: unknown }>("SELECT doubled FROM line");
      return Number(row?.doubled);
    };
    expect(await doubled(client)).toBe(42);

    const storageDriver = createUnstorageDriver(createStorage());
    await createMigrationClient(client, { storageDriver }).baseline({ name: "baseline" });
    const fresh = (await entry.open()).client(schema);
    await createMigrationClient(fresh, { storageDriver }).apply();
    expect(await doubled(fresh)).toBe(42);
    expect((await createMigrationClient(fresh).pull()).source).toBe(pulled.source);
    expect((await createMigrationClient(fresh, { storageDriver }).check()).problems).toEqual([]);
    expect((await createMigrationClient(fresh, { storageDriver }).generate({ name: "next" })).migration).toBeNull();
  });
});
