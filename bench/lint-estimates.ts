/**
 * Lint's time estimates: how many rows per second a table rebuild or rewrite handles here, beside
 * the rate each dialect's lint assumes for EDGE_LIMIT (D1's 30 s batch, Neon HTTP's 15 s request).
 * The assumed rates are deliberately below what this machine measures: D1 and Neon computes are
 * smaller, remote and durable. `BENCH_LINT_ROWS=200000` changes the table size.
 */
import { s } from "viborm";
import { createMigrationClient } from "viborm/migrations";
import { mysqlDialect } from "../src/dialects/mysql/index.js";
import { postgresDialect } from "../src/dialects/postgres/index.js";
import { sqliteDialect } from "../src/dialects/sqlite/index.js";
import { BENCH_DRIVERS, printTable, time } from "./harness.js";

const ROWS = Number(process.env.BENCH_LINT_ROWS ?? 500_000);

const ASSUMED: Record<string, number> = {
  pg: postgresDialect.lint.rowsPerSecond,
  pglite: postgresDialect.lint.rowsPerSecond,
  mysql2: mysqlDialect.lint.rowsPerSecond,
  sqlite3: sqliteDialect.lint.rowsPerSecond,
};

export async function benchLintEstimates(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  const narrow = { item: s.model({ id: s.int().id().increment(), name: s.string(), n: s.int().nullable() }) };
  const wider = { item: s.model({ id: s.int().id().increment(), name: s.string(), n: s.bigInt().nullable() }) };
  for (const driver of BENCH_DRIVERS) {
    if (!(await driver.available())) {
      console.log(`[skip] ${driver.name}: database not reachable`);
      continue;
    }
    const db = await driver.fresh();
    try {
      await createMigrationClient(db.client(narrow)).push();
      const client = db.client(narrow);
      await fill(client, driver.name);
      const ms = await time(() => createMigrationClient(db.client(wider)).push());
      const measured = Math.round((ROWS / Math.max(ms, 1)) * 1000);
      rows.push({
        driver: driver.name,
        rows: ROWS,
        "int → bigint ms": ms,
        "measured rows/s": measured,
        "lint assumes rows/s": ASSUMED[driver.name] ?? "-",
      });
    } finally {
      await db.close();
    }
  }
  printTable(
    "Lint estimates: a column type change on a filled table (rebuild on SQLite, rewrite on PostgreSQL, COPY on MySQL)",
    rows,
  );
}

async function fill(client: { $executeRaw(sql: string): Promise<unknown> }, driver: string): Promise<void> {
  if (driver === "sqlite3") {
    await client.$executeRaw(
      `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${ROWS}) INSERT INTO "item" ("name", "n") SELECT 'name', i FROM k`,
    );
  } else if (driver === "mysql2") {
    // MariaDB caps recursive CTEs at 1,000 iterations by default: cross-join digits instead.
    const digits =
      "(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    const parts = ["a", "b", "c", "d", "e", "f", "g"];
    const number = parts.map((p, i) => `${p}.d * ${10 ** i}`).join(" + ");
    await client.$executeRaw(
      `INSERT INTO \`item\` (\`name\`, \`n\`) SELECT 'name', ${number} FROM ${parts.map((p) => `${digits} ${p}`).join(", ")} LIMIT ${ROWS}`,
    );
  } else {
    await client.$executeRaw(`INSERT INTO "item" ("name", "n") SELECT 'name', i FROM generate_series(1, ${ROWS}) AS i`);
  }
}
