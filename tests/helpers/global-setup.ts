/**
 * Once per test run: say which real databases are reachable, and fail fast under CI when one is not.
 */
import { isReachable } from "./databases.js";

export default async function setup(): Promise<void> {
  const inCi = process.env.CI === "true" || process.env.CI === "1";
  for (const kind of ["postgres", "mysql"] as const) {
    if (await isReachable(kind)) continue;
    if (inCi) throw new Error(`${kind} is not reachable; CI runs every dialect's tests`);
    console.warn(`[skip] ${kind} is not reachable: its tests will be skipped (outside CI only)`);
  }
}
