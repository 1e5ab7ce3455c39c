/**
 * An independent look at a database's catalog, written without viborm's introspection, so tests
 * can check the schema an operation left behind without trusting the code under test.
 */
import type { VibormClient } from "viborm";

export type DialectKind = "postgres" | "mysql" | "sqlite";

export interface CatalogColumn {
  name: string;
  nullable: boolean;
  /** The database's own type name, lower-case. */
  type: string;
}

/** User tables, sorted (system tables and other schemas left out). */
export async function tables(client: VibormClient, dialect: DialectKind): Promise<string[]> {
  const sql = {
    postgres:
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    mysql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
    // D1 keeps its own tables (_cf_KV, _cf_METADATA) beside the user's.
    sqlite:
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'",
  }[dialect];
  const rows = await client.$queryRaw<{ name: string; NAME?: string }>(sql);
  return rows.map((row) => String(row.name ?? row.NAME)).sort();
}

/** A table's columns in ordinal order. */
export async function columns(client: VibormClient, dialect: DialectKind, table: string): Promise<CatalogColumn[]> {
  if (dialect === "sqlite") {
    const rows = await client.$queryRaw<{ name: string; type: string; notnull: number; pk: number }>(
      `PRAGMA table_info(${JSON.stringify(table)})`,
    );
    return rows.map((row) => ({
      name: row.name,
      nullable: row.notnull === 0 && row.pk === 0,
      type: row.type.toLowerCase(),
    }));
  }
  const sql =
    dialect === "postgres"
      ? "SELECT column_name AS name, is_nullable AS nullable, data_type AS type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position"
      : "SELECT column_name AS name, is_nullable AS nullable, column_type AS type FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? ORDER BY ordinal_position";
  const rows = await client.$queryRaw<Record<string, unknown>>(sql, [table]);
  return rows.map((row) => ({
    name: String(row.name ?? row.NAME),
    nullable: String(row.nullable ?? row.NULLABLE) === "YES",
    type: String(row.type ?? row.TYPE).toLowerCase(),
  }));
}

/** Index names on a table (primary keys left out), sorted. */
export async function indexes(client: VibormClient, dialect: DialectKind, table: string): Promise<string[]> {
  const sql = {
    postgres:
      "SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public' AND t.relname = $1 AND NOT x.indisprimary",
    mysql:
      "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY'",
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name NOT LIKE 'sqlite_%'",
  }[dialect];
  const rows = await client.$queryRaw<Record<string, unknown>>(sql, [table]);
  return rows.map((row) => String(row.name ?? row.NAME)).sort();
}

/** How many rows a table holds. */
export async function count(client: VibormClient, dialect: DialectKind, table: string): Promise<number> {
  const quoted = dialect === "mysql" ? `\`${table}\`` : `"${table.replace(/"/g, '""')}"`;
  const rows = await client.$queryRaw<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${quoted}`);
  return Number(rows[0]?.n);
}
