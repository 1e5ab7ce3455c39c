/**
 * Properties of the MySQL dialect over generated snapshots (the diff's fast-check generators, made
 * MySQL-valid and widened by ../fixups.ts), on the real MariaDB server: what the DDL creates reads
 * back as its normalised snapshot; the DDL of any planned change leads to the schema the plan
 * promises, after which a push plans nothing; and the down migration brings the first back.
 */
import fc from "fast-check";
import type { Driver, Snapshot } from "viborm";
import { createMysql2Driver } from "viborm/mysql2";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { mysqlDialect as dialect } from "../../../src/dialects/mysql/index.js";
import type { Statement } from "../../../src/dialects/types.js";
import { diff, invertOperations } from "../../../src/diff/index.js";
import { planStatements } from "../../../src/runtime/plan.js";
import { arbEditedPair, arbSnapshot, sortColumns } from "../../diff/arbitraries.js";
import { createMysqlDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";
import { canonicalChecks, forDialect, keyedForeignKeys } from "../fixups.js";
import { EXCLUDE } from "./helpers.js";

const RUNS = { numRuns: Number(process.env.VIBORM_PROPERTY_RUNS ?? 25) };

const arbMysqlSnapshot = fc.tuple(arbSnapshot, fc.nat()).map(([s, seed]) => forDialect("mysql", s, seed));
const arbMysqlEditedPair = fc.tuple(arbEditedPair, fc.nat(), fc.nat()).map(([pair, left, right]) => ({
  ...pair,
  a: forDialect("mysql", pair.a, left),
  b: forDialect("mysql", pair.b, right),
}));

/** The DDL of the diff from `from` to `to`, planned as push and generate plan it, and the state it promises. */
function plan(from: Snapshot, operations: ReturnType<typeof diff>["operations"]) {
  const { statements, after } = planStatements(dialect, from, operations);
  return { statements, after: dialect.normalize(after) };
}

/**
 * A partial index or check names columns in SQL text; a renamed column leaves the generator's old
 * text naming a column that no longer exists, which no database can hold.
 */
function renamesUnderSql(renames: { kind: string }[], b: Snapshot): boolean {
  return renames.some((r) => r.kind === "column") && b.tables.some((t) => (t.checks ?? []).length > 0);
}

describe("MySQL dialect properties over generated snapshots (MariaDB)", () => {
  let database: TempDatabase | undefined;
  let driver: Driver | undefined;
  let available = false;
  beforeAll(async () => {
    available = await requireDatabase("mysql", "MySQL property tests");
    if (!available) return;
    database = await createMysqlDatabase("viborm_myprops");
    driver = createMysql2Driver({ databaseUrl: database.url });
  }, 30_000);
  afterAll(async () => {
    await driver?.close();
    await database?.drop();
  });

  /** An empty database: its foreign keys dropped, then its tables (sessions of the pool each have their own checks). */
  async function reset(): Promise<void> {
    const q = (name: unknown) => `\`${String(name).replaceAll("`", "``")}\``;
    const fks = await driver!.query(
      "SELECT TABLE_NAME AS t, CONSTRAINT_NAME AS c FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
    );
    for (const row of fks.rows) await driver!.query(`ALTER TABLE ${q(row.t)} DROP FOREIGN KEY ${q(row.c)}`);
    const tables = await driver!.query(
      "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()",
    );
    if (tables.rows.length > 0) await driver!.query(`DROP TABLE ${tables.rows.map((row) => q(row.t)).join(", ")}`);
  }

  async function run(statements: Statement[]): Promise<void> {
    for (const statement of statements) await driver!.query(statement.sql, statement.params);
  }

  async function introspect(): Promise<Snapshot> {
    const rows = await driver!.queryAll(dialect.introspection.queries(EXCLUDE));
    return dialect.normalize(dialect.introspection.read(rows, EXCLUDE));
  }

  /** Checks in the spelling the diff compares (MariaDB stores them rewritten). */
  function same(x: Snapshot, y: Snapshot): void {
    expect(canonicalChecks(x)).toEqual(canonicalChecks(y));
  }

  async function create(snapshot: Snapshot): Promise<void> {
    const empty: Snapshot = { version: snapshot.version, tables: [], enums: [] };
    await run(plan(empty, diff(empty, snapshot).operations).statements);
  }

  test("normalize(read(database after the DDL for s)) equals normalize(s)", async (context) => {
    if (!available) context.skip();
    await fc.assert(
      fc.asyncProperty(arbMysqlSnapshot, async (generated) => {
        fc.pre(keyedForeignKeys(generated));
        const wanted = dialect.normalize(generated);
        await reset();
        await create(wanted);
        same(await introspect(), wanted);
      }),
      RUNS,
    );
  }, 300_000);

  test("diff(a, b) turns a into b, a second diff plans nothing, and the down DDL brings a back", async (context) => {
    if (!available) context.skip();
    await fc.assert(
      fc.asyncProperty(arbMysqlEditedPair, async ({ a, b, renames }) => {
        fc.pre(!renamesUnderSql(renames, b));
        fc.pre(keyedForeignKeys(a) && keyedForeignKeys(b));
        const from = dialect.normalize(a);
        const to = dialect.normalize(b);
        await reset();
        await create(from);
        const start = await introspect();
        same(start, from);

        const operations = diff(start, to, { renames }).operations;
        const up = plan(start, operations);
        await run(up.statements);
        const live = await introspect();
        same(live, up.after);
        expect(diff(live, to).operations).toEqual([]);

        // What generate writes as down.sql: the inverted operations, planned from the state after up.
        const down = plan(up.after, invertOperations(operations));
        await run(down.statements);
        const back = await introspect();
        same(sortColumns(back), sortColumns(from));
        expect(diff(back, from).operations).toEqual([]);
      }),
      RUNS,
    );
  }, 300_000);
});
