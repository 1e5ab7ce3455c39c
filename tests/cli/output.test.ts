/**
 * What the CLI prints: help for every command, the version, usage errors, colours only where
 * they belong, and exactly one JSON document on stdout with `--json`.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BIN, createProject, hasAnsi, type Project, ROOT, runCli, SQLITE_CONFIG } from "./project.js";
import { USERS } from "./schemas.js";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

describe("help and version", () => {
  test("--version prints the package version", async () => {
    for (const flag of ["--version", "-v"]) {
      const run = await runCli(ROOT, [flag]);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(VERSION);
    }
  });

  test.each([
    [[], ["push", "migrate"]],
    [["push"], ["--dry-run", "--force", "--accept-data-loss", "--rename <spec>", "--no-rename", "--json", "--config"]],
    [["migrate"], ["generate", "apply", "status", "rollback", "reset", "bundle"]],
    [
      ["migrate", "generate"],
      ["--name <name>", "--dry-run", "--force", "--rename <spec>", "--no-rename", "--dir"],
    ],
    [
      ["migrate", "apply"],
      ["--to <migration>", "--dry-run", "--json", "--allow-out-of-order"],
    ],
    [
      ["migrate", "status"],
      ["--exit-code", "--json"],
    ],
    [
      ["migrate", "rollback"],
      ["--steps <n>", "--to <migration>", "--dry-run", "--force"],
    ],
    [
      ["migrate", "reset"],
      ["--dry-run", "--force", "--json"],
    ],
  ])("viborm %j --help documents its flags and examples", async (command, expected) => {
    const run = await runCli(ROOT, [...command, "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Usage: viborm");
    for (const text of expected) expect(run.stdout).toContain(text);
    expect(run.stdout).toContain("Examples:");
  });

  test("a missing or unknown command or flag exits 1 with usage on stderr", async () => {
    for (const args of [
      [],
      ["migrate"],
      ["deploy"],
      ["push", "--frobnicate"],
      ["migrate", "rollback", "--steps", "x"],
    ]) {
      const run = await runCli(ROOT, args);
      expect(run.code, args.join(" ")).toBe(1);
      expect(run.stderr.length).toBeGreaterThan(0);
    }
  });

  test("a reader that goes away (viborm --help | head) ends the CLI quietly", async () => {
    const child = spawn(process.execPath, [BIN, "migrate", "--help"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).not.toContain("EPIPE");
    expect(code).toBe(0);
  });

  test("a usage error with --json is still one JSON document", async () => {
    const run = await runCli(ROOT, ["push", "--frobnicate", "--json"]);
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ ok: false, error: { code: "INVALID_ARGUMENT" } });
  });
});

describe("in a project", () => {
  let project: Project;
  beforeAll(async () => {
    project = createProject({ "schema.ts": USERS, "viborm.config.ts": SQLITE_CONFIG });
    expect((await project.run(["migrate", "generate", "--name", "init"])).code).toBe(0);
  });
  afterAll(() => project.remove());

  test("every command's --json prints one document on stdout and nothing else", async () => {
    const commands = [
      ["push", "--dry-run"],
      ["migrate", "generate", "--name", "next", "--dry-run"],
      ["migrate", "status"],
      ["migrate", "apply", "--dry-run"],
      ["migrate", "apply"],
      ["migrate", "rollback", "--dry-run"],
      ["migrate", "rollback", "--force"],
      ["migrate", "reset", "--dry-run"],
      ["migrate", "reset", "--force"],
      ["push"],
    ];
    for (const command of commands) {
      const run = await project.run([...command, "--json"]);
      expect(run.code, `${command.join(" ")}: ${run.stderr}`).toBe(0);
      const document = run.json();
      expect(document.ok).toBe(true);
      expect(document.command).toBe(command[0] === "push" ? "push" : command[1]);
      expect(run.stderr).toBe("");
    }
  });

  test("no colours without a terminal, with NO_COLOR, and colours with FORCE_COLOR", async () => {
    const plain = await project.run(["migrate", "status"]);
    expect(plain.stdout).toContain("init");
    expect(hasAnsi(plain.stdout)).toBe(false);
    const forced = await project.run(["migrate", "status"], { env: { FORCE_COLOR: "1" } });
    expect(hasAnsi(forced.stdout)).toBe(true);
    const noColor = await project.run(["migrate", "status"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    expect(hasAnsi(noColor.stdout)).toBe(false);
    const failure = await project.run(["migrate", "apply", "--to", "nope"]);
    expect(failure.code).toBe(1);
    expect(hasAnsi(failure.stderr)).toBe(false);
  });

  test("a failure prints its code and message on stderr and nothing on stdout", async () => {
    const run = await project.run(["migrate", "rollback", "--to", "nope"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/^✖ MIGRATION_NOT_FOUND /);
  });
});
