/**
 * Import direction between folders: data flows one way through the pipeline, so e.g. a dialect
 * never imports a driver and the core never imports the CLI.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { importsOf } from "./import-graph.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Folder → folders it may import at run time ("." is a root file like errors.ts). */
const ALLOWED: Record<string, string[]> = {
  util: ["util", "errors"],
  schema: ["schema", "util", "errors"],
  diff: ["diff", "schema", "util", "errors"],
  dialects: ["dialects", "diff", "schema", "util", "errors"],
  drivers: ["drivers", "schema", "util", "errors"],
  atomic: ["atomic", "util", "errors"],
  storage: ["storage", "util", "errors"],
  runtime: ["runtime", "atomic", "dialects", "diff", "schema", "storage", "util", "errors"],
  fleet: ["fleet", "runtime", "storage", "util", "errors"],
  ".": ["drivers", "schema", "runtime", "storage", "util", "errors"],
};

function folderOf(path: string): string {
  const rel = relative(SRC, path);
  if (rel === "errors.ts") return "errors";
  return rel.includes("/") ? rel.split("/")[0]! : ".";
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = `${dir}/${name}`;
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

test("every run-time import crosses folders only in the allowed direction", () => {
  const violations: string[] = [];
  for (const file of files(SRC.replace(/\/$/, ""))) {
    const from = folderOf(file);
    const allowed = ALLOWED[from];
    if (!allowed) continue; // cli: checked by its own rule (public entries only)
    for (const edge of importsOf(file)) {
      if (edge.typeOnly || !edge.resolved) continue;
      const to = folderOf(edge.resolved);
      if (to !== from && !allowed.includes(to))
        violations.push(`${relative(SRC, file)} → ${relative(SRC, edge.resolved)}`);
    }
  }
  expect(violations).toEqual([]);
});

/**
 * SQL and dialect facts live only in src/dialects/: the atomic strategies and the runtime run the
 * statements a dialect hands them, and never branch on which database it is.
 */
test("atomic/, runtime/ and fleet/ write no SQL and never branch on the dialect's name", () => {
  const SQL = /["'`]\s*(CREATE|DROP|ALTER|INSERT|DELETE|UPDATE|SELECT|BEGIN|COMMIT|ROLLBACK|PRAGMA|SAVEPOINT)\b/;
  const BRANCH = /dialect\.name\s*[!=]==|\bname\s*[!=]==\s*["'](sqlite|postgres|mysql)["']/;
  const violations: string[] = [];
  for (const folder of ["atomic", "runtime", "fleet"]) {
    for (const file of files(`${SRC}${folder}`)) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, "");
        if (/^\s*(\*|\/\*\*?)/.test(line)) return; // doc comments may name SQL
        if (SQL.test(code) || BRANCH.test(code)) violations.push(`${relative(SRC, file)}:${index + 1}: ${line.trim()}`);
      });
    }
  }
  expect(violations).toEqual([]);
});

test("the atomic strategies import dialect modules as types only", () => {
  const violations: string[] = [];
  for (const file of files(`${SRC}atomic`)) {
    for (const edge of importsOf(file)) {
      if (!edge.typeOnly && edge.resolved && folderOf(edge.resolved) === "dialects")
        violations.push(`${relative(SRC, file)} → ${relative(SRC, edge.resolved)}`);
    }
  }
  expect(violations).toEqual([]);
});
