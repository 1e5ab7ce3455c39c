/**
 * Runs every benchmark and prints its tables: `npm run bench` (BENCH_SIZES=10,100 to shorten).
 */
import { benchPush } from "./push.js";

await benchPush();
