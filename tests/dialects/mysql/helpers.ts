/**
 * Shared by the MySQL dialect tests: a throwaway database with a mysql2 driver on it, and small
 * builders for hand-written snapshots.
 */
import type { Column, ColumnType, Driver, Snapshot, Table } from "viborm";
import { createMysql2Driver } from "viborm/mysql2";
import { mysqlDialect } from "../../../src/dialects/mysql/index.js";
import type { Statement } from "../../../src/dialects/types.js";
import { canonicalize } from "../../../src/schema/snapshot.js";
import { createMysqlDatabase, type TempDatabase } from "../../helpers/databases.js";

export const EXCLUDE = { excludeTables: ["_viborm_migrations"] };

export interface MysqlTestDatabase {
  database: TempDatabase;
  driver: Driver;
  /** Runs statements one by one (each DDL commits on its own anyway). */
  run(statements: Statement[]): Promise<void>;
  /** The live schema, read with the dialect's introspection and normalised. */
  introspect(): Promise<Snapshot>;
  close(): Promise<void>;
}

/** A fresh database and a driver (owning its pool) on it. */
export async function openMysql(): Promise<MysqlTestDatabase> {
  const database = await createMysqlDatabase("viborm_my");
  const driver = createMysql2Driver({ databaseUrl: database.url });
  return {
    database,
    driver,
    async run(statements) {
      for (const statement of statements) await driver.query(statement.sql, statement.params);
    },
    async introspect() {
      const rows = await driver.queryAll(mysqlDialect.introspection.queries(EXCLUDE));
      return mysqlDialect.normalize(mysqlDialect.introspection.read(rows, EXCLUDE));
    },
    async close() {
      await driver.close();
      await database.drop();
    },
  };
}

/** A column; `type` is a kind name or a full type. Not null, no default, unless told. */
export function col(name: string, type: ColumnType | ColumnType["kind"], options: Partial<Column> = {}): Column {
  const full: ColumnType =
    typeof type === "string"
      ? type === "decimal"
        ? { kind: "decimal", precision: 10, scale: 2 }
        : ({ kind: type } as ColumnType)
      : type;
  return { name, type: full, array: false, nullable: false, default: null, autoIncrement: false, ...options };
}

/** A table; keys given in `parts`. */
export function table(name: string, columns: Column[], parts: Partial<Omit<Table, "name" | "columns">> = {}): Table {
  return { name, columns, primaryKey: null, uniques: [], indexes: [], foreignKeys: [], ...parts };
}

/** A canonical snapshot of `tables`. */
export function snapshot(...tables: Table[]): Snapshot {
  return canonicalize({ version: 1, tables, enums: [] });
}

/** `CREATE TABLE` statements for a snapshot, parents first (tables given in dependency order). */
export function createStatements(tables: Table[]): Statement[] {
  const statements: Statement[] = [];
  let before = snapshot();
  for (const entry of tables) {
    const after = snapshot(...before.tables, entry);
    statements.push(...mysqlDialect.ddl({ kind: "createTable", table: entry }, { before, after }));
    before = after;
  }
  return statements;
}
