import { afterEach, beforeEach } from "vitest";
import type { DriverCase, TestDatabase } from "./drivers.js";

/**
 * Gives each test of the enclosing `describe` a fresh empty database on `driver`, closed after the
 * test. Skips the tests (outside CI) when the database is unreachable.
 *
 * @example const db = useFreshDatabase(driver); test("…", async () => { const client = db.client(schema); });
 */
export function useFreshDatabase(driver: DriverCase): TestDatabase {
  let current: TestDatabase | undefined;
  beforeEach(async (ctx) => {
    if (!(await driver.available())) ctx.skip();
    current = await driver.fresh();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return {
    client(schema) {
      if (!current) throw new Error("useFreshDatabase: no database outside a test");
      return current.client(schema);
    },
    close: async () => undefined,
  };
}
