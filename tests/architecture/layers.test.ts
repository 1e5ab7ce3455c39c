/**
 * Import direction between folders: data flows one way through the pipeline, so e.g. a dialect
 * never imports a driver and the core never imports the CLI.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { importsOf, walk } from "./import-graph.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/** Folder → folders it may import at run time ("." is a root file like errors.ts). */
const ALLOWED: Record<string, string[]> = {
  util: ["util", "errors"],
  schema: ["schema", "util", "errors"],
  diff: ["diff", "schema", "util", "errors"],
  dialects: ["dialects", "diff", "schema", "util", "errors"],
  // A driver entry imports the one dialect it speaks and hands it to the runtime on its Driver.
  drivers: ["drivers", "dialects", "schema", "util", "errors"],
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

/**
 * Dialects reach a bundle only through the driver that speaks them: each driver entry imports its
 * own dialect alone (a D1 Worker carries SQLite's), and the runtime-agnostic entries none at all.
 */
test("each driver entry reaches only its own dialect, the other entries none", () => {
  const OWN: Record<string, string[]> = {
    "drivers/pg.ts": ["postgres"],
    "drivers/pglite.ts": ["postgres"],
    "drivers/neon-http.ts": ["postgres"],
    "drivers/mysql2.ts": ["mysql"],
    "drivers/planetscale.ts": ["mysql"],
    "drivers/sqlite3.ts": ["sqlite"],
    "drivers/d1.ts": ["sqlite"],
    "drivers/d1-http.ts": ["sqlite"],
    "index.ts": [],
    "runtime/index.ts": [],
    "fleet/index.ts": [],
    "fleet/workflow/index.ts": [],
    "storage/bundle.ts": [],
    "storage/unstorage.ts": [],
    "config.ts": [],
  };
  const reached = (entry: string) =>
    [...walk(SRC + entry).files]
      .map((file) => /^dialects\/(postgres|mysql|sqlite)\//.exec(relative(SRC, file))?.[1])
      .filter((dialect) => dialect !== undefined);
  const actual = Object.fromEntries(Object.keys(OWN).map((entry) => [entry, [...new Set(reached(entry))].sort()]));
  expect(actual).toEqual(OWN);
});
