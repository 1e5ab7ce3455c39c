/**
 * `npm run demo` (the README's first command) keeps working: the CLI tour on an embedded database.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { expect, test } from "vitest";
import { cleanEnv, ROOT } from "./project.js";

test("the demo tours push, generate, apply, status and rollback through the CLI", { timeout: 120_000 }, () => {
  const run = spawnSync(join(ROOT, "node_modules/.bin/tsx"), ["examples/demo.ts"], {
    cwd: ROOT,
    env: cleanEnv({ NO_COLOR: "1" }),
    encoding: "utf8",
  });
  expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
  for (const text of [
    "$ viborm push --verbose",
    "✓ Pushed",
    "nothing to push",
    "$ viborm migrate generate --name init",
    "Applied 1 migration",
    "Rolled back 1 migration",
    '"state": "pending"',
  ]) {
    expect(run.stdout).toContain(text);
  }
});
