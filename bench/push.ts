/**
 * Push benchmark: for 10, 100 and 300 generated tables on each driver, the first push (create all),
 * a no-op push, a one-column change, and the statements and round trips of the no-op push (which
 * must not grow with the table count); then a destructive preview (a dropped column: its counts
 * cost one more round trip) and the run of that plan (one read for the staleness check).
 */
import { createMigrationClient } from "viborm/migrations";
import { BENCH_DRIVERS, counting, generatedSchema, printTable, time } from "./harness.js";

const SIZES = (process.env.BENCH_SIZES ?? "10,100,300").split(",").map(Number);

export async function benchPush(): Promise<void> {
  const rows: Record<string, string | number>[] = [];
  for (const driver of BENCH_DRIVERS) {
    if (!(await driver.available())) {
      console.log(`[skip] ${driver.name}: database not reachable`);
      continue;
    }
    for (const size of SIZES) {
      const db = await driver.fresh();
      try {
        const schema = generatedSchema(size);
        const first = await time(() => createMigrationClient(db.client(schema)).push());
        const { client, counts } = counting(db.client(schema));
        const noop = await time(() => createMigrationClient(client).push());
        const changed = await time(() => createMigrationClient(db.client(generatedSchema(size, true))).push());
        const preview = counting(db.client(schema));
        let plan: Awaited<ReturnType<ReturnType<typeof createMigrationClient>["push"]>>["plan"] | undefined;
        const previewMs = await time(async () => {
          plan = (await createMigrationClient(preview.client).push({ dryRun: true, force: true })).plan;
        });
        const run = counting(db.client(schema));
        const runMs = await time(() => createMigrationClient(run.client).push({ plan }));
        rows.push({
          driver: driver.name,
          tables: size,
          "first push ms": first,
          "no-op push ms": noop,
          "one-column change ms": changed,
          "no-op statements": counts.statements,
          "no-op round trips": counts.roundTrips,
          "drop preview ms": previewMs,
          "drop preview round trips": preview.counts.roundTrips,
          "plan run ms": runMs,
          "plan run read round trips": run.counts.roundTrips,
        });
      } finally {
        await db.close();
      }
    }
  }
  printTable("push", rows);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPush();
