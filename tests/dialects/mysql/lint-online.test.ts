/**
 * MySQL BLOCKING, checked against the real server: for each operation, lint's verdict must match
 * whether the server accepts the generated ALTER with `ALGORITHM=INPLACE, LOCK=NONE` (online: the
 * server takes INSTANT where it can). Blocking means the server refuses that, so it would copy the
 * table or block writes. Offline (no server version known) the verdict is the same: lint takes the
 * server as a current one.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect as dialect } from "../../../src/dialects/mysql/index.js";
import type { ServerFacts } from "../../../src/dialects/types.js";
import { applyOperation } from "../../../src/diff/index.js";
import type { Operation } from "../../../src/diff/operations.js";
import type { Column, Snapshot, Table } from "../../../src/schema/snapshot.js";
import { requireDatabase } from "../../helpers/databases.js";
import { col, type MysqlTestDatabase, openMysql, snapshot, table } from "./helpers.js";

const status = { kind: "enum" as const, name: "t_status", values: ["a", "b"] };
const parent = table("parent", [col("id", "int", { autoIncrement: true })], { primaryKey: { columns: ["id"] } });

function subject(name: string): Table {
  return table(
    name,
    [
      col("id", "int", { autoIncrement: true }),
      col("n", "int", { nullable: true }),
      col("short", { kind: "string", length: 20 }, { nullable: true }),
      col("mid", { kind: "string", length: 40 }, { nullable: true }),
      col("body", "string", { nullable: true }),
      col("status", status, { nullable: true }),
      col("parentId", "int", { nullable: true }),
    ],
    { primaryKey: { columns: ["id"] } },
  );
}

type Case = [label: string, operation: (t: Table) => Operation];

const column = (t: Table, name: string): Column => t.columns.find((c) => c.name === name)!;
const CASES: Case[] = [
  [
    "add a nullable column",
    (t) => ({ kind: "addColumn", table: t.name, column: col("extra", "int", { nullable: true }) }),
  ],
  ["drop a column", (t) => ({ kind: "dropColumn", table: t.name, column: column(t, "n") })],
  ["rename a column", (t) => ({ kind: "renameColumn", table: t.name, from: "n", to: "m" })],
  [
    "int to bigint",
    (t) => ({
      kind: "alterColumn",
      table: t.name,
      from: column(t, "n"),
      to: { ...column(t, "n"), type: { kind: "bigInt" } },
    }),
  ],
  [
    "varchar 20 → 40 (same length prefix)",
    (t) => ({
      kind: "alterColumn",
      table: t.name,
      from: column(t, "short"),
      to: { ...column(t, "short"), type: { kind: "string", length: 40 } },
    }),
  ],
  [
    "varchar 40 → 100 (longer length prefix)",
    (t) => ({
      kind: "alterColumn",
      table: t.name,
      from: column(t, "mid"),
      to: { ...column(t, "mid"), type: { kind: "string", length: 100 } },
    }),
  ],
  [
    "set a default",
    (t) => ({
      kind: "alterColumn",
      table: t.name,
      from: column(t, "n"),
      to: { ...column(t, "n"), default: { kind: "literal", value: 5 } },
    }),
  ],
  [
    "make NOT NULL",
    (t) => ({ kind: "alterColumn", table: t.name, from: column(t, "n"), to: { ...column(t, "n"), nullable: false } }),
  ],
  [
    "an index",
    (t) => ({ kind: "createIndex", table: t.name, index: { name: `${t.name}_n_idx`, columns: ["n"], unique: false } }),
  ],
  ["a unique", (t) => ({ kind: "addUnique", table: t.name, unique: { name: `${t.name}_n_key`, columns: ["n"] } })],
  [
    "a FULLTEXT index",
    (t) => ({
      kind: "createIndex",
      table: t.name,
      index: { name: `${t.name}_body_ft`, columns: ["body"], unique: false, type: "fulltext" },
    }),
  ],
  [
    "a foreign key",
    (t) => ({
      kind: "addForeignKey",
      table: t.name,
      foreignKey: {
        name: `${t.name}_parent_fk`,
        columns: ["parentId"],
        referencedTable: "parent",
        referencedColumns: ["id"],
        onDelete: "cascade",
        onUpdate: "restrict",
      },
    }),
  ],
  [
    "append an ENUM value",
    () => ({ kind: "alterEnum", name: status.name, from: status.values, to: [...status.values, "c"] }),
  ],
  ["remove an ENUM value", () => ({ kind: "alterEnum", name: status.name, from: status.values, to: ["a"] })],
];

describe("MySQL BLOCKING matches what the server runs online", () => {
  let db: MysqlTestDatabase | undefined;
  let server: ServerFacts = {};
  beforeAll(async () => {
    if (!(await requireDatabase("mysql", "MySQL online DDL tests"))) return;
    db = await openMysql();
    const facts = dialect.lint.server!;
    server = facts.read(await db.driver.queryAll(facts.queries()));
    await db.run(dialect.ddl({ kind: "createTable", table: parent }, { before: snapshot(), after: snapshot(parent) }));
  });
  afterAll(async () => {
    await db?.close();
  });

  test.each(CASES.map(([label, make], i) => [label, make, i] as const))("%s", async (_label, make, i) => {
    if (!db) return;
    const t = subject(`t${i}`);
    const before: Snapshot = { ...snapshot(parent, t), enums: [{ name: status.name, values: status.values }] };
    const operation = make(t);
    const after = applyOperation(before, operation);
    await db.run(dialect.ddl({ kind: "createTable", table: t }, { before: snapshot(parent), after: before }));
    await db.driver.query(
      `INSERT INTO \`t${i}\` (\`n\`, \`short\`, \`body\`) VALUES (1, 'x', 'some text'), (2, 'y', 'more')`,
    );
    const statements = dialect.ddl(operation, { before, after });
    expect(statements).toHaveLength(1);
    const online = await db.driver.query(`${statements[0]!.sql}, ALGORITHM=INPLACE, LOCK=NONE`).then(
      () => true,
      () => false,
    );
    const verdict = dialect.lint.blocking(operation, { before, after, hints: {}, server });
    expect(verdict === null, `${verdict?.message ?? "not blocking"}; server online: ${online}`).toBe(online);
    // Offline (no server facts), lint takes the server as a current one: the same verdict.
    const offline = dialect.lint.blocking(operation, { before, after, hints: {}, server: {} });
    expect(offline === null, `offline: ${offline?.message ?? "not blocking"}; server online: ${online}`).toBe(online);
  });
});
