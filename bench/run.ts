/**
 * Runs every benchmark and prints its tables: `npm run bench`
 * (BENCH_SIZES=10,100, BENCH_MIGRATIONS=20, BENCH_FLEET_SQLITE=200, BENCH_FLEET_PG=40 and
 * BENCH_GOALS_RUNS=3 shorten it; BENCH_GOALS=push or BENCH_GOALS=generate keeps one group of the
 * speed goals).
 */

import { benchFleet } from "./fleet.js";
import { benchGoals } from "./goals.js";
import { benchLintEstimates } from "./lint-estimates.js";
import { benchMigrate } from "./migrate.js";
import { benchPush } from "./push.js";
import { benchStorageOps } from "./storage-ops.js";
import { benchWorkerSize } from "./worker-size.js";

await benchPush();
await benchMigrate();
await benchStorageOps();
await benchWorkerSize();
await benchLintEstimates();
await benchFleet();
await benchGoals();
