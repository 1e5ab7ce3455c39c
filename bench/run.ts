/**
 * Runs every benchmark and prints its tables: `npm run bench`
 * (BENCH_SIZES=10,100 and BENCH_MIGRATIONS=20 shorten it).
 */
import { benchLintEstimates } from "./lint-estimates.js";
import { benchMigrate } from "./migrate.js";
import { benchPush } from "./push.js";
import { benchWorkerSize } from "./worker-size.js";

await benchPush();
await benchMigrate();
await benchWorkerSize();
await benchLintEstimates();
