/**
 * Lint, format and types are part of `npm test`, so CI checks them with the rest.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function run(command: string, args: string[]): { ok: boolean; output: string } {
  try {
    const output = execFileSync(command, args, { cwd: ROOT, encoding: "utf8", stdio: "pipe" });
    return { ok: true, output };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failure.stdout ?? ""}${failure.stderr ?? ""}` };
  }
}

test("biome finds no lint or format problem", { timeout: 60_000 }, () => {
  const result = run("npx", ["biome", "check", "."]);
  expect(result.ok, result.output.slice(-4000)).toBe(true);
});

test("the sources, tests and benchmarks type-check", { timeout: 120_000 }, () => {
  const result = run("npx", ["tsc", "-p", "tsconfig.json", "--noEmit"]);
  expect(result.ok, result.output.slice(-4000)).toBe(true);
});
