/**
 * The runtime-agnostic entries must run in a Worker: nothing they reach at run time may import a
 * Node built-in or a Node-only driver package (Biome checks single files; this follows the graph).
 */
import { existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { walk } from "./import-graph.js";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

const EDGE_ENTRIES = [
  "index.ts",
  "runtime/index.ts",
  "storage/unstorage.ts",
  "storage/bundle.ts",
  "config.ts",
  "drivers/neon-http.ts",
  "drivers/planetscale.ts",
  "drivers/d1.ts",
  "drivers/d1-http.ts",
  "fleet/index.ts",
  "fleet/workflow/index.ts",
].filter((entry) => existsSync(SRC + entry));

const NODE_ONLY_PACKAGES = new Set(["pg", "mysql2", "mysql2/promise", "better-sqlite3", "@electric-sql/pglite"]);

function isNodeOnly(specifier: string): boolean {
  return (
    specifier.startsWith("node:") ||
    builtinModules.includes(specifier) ||
    builtinModules.includes(specifier.split("/")[0]!) ||
    NODE_ONLY_PACKAGES.has(specifier)
  );
}

describe("edge entries import no Node-only module", () => {
  test.each(EDGE_ENTRIES)("%s", (entry) => {
    const { packages } = walk(SRC + entry);
    const offenders = packages
      .filter((edge) => isNodeOnly(edge.specifier))
      .map((edge) => `${edge.from.replace(SRC, "src/")} imports ${edge.specifier}`);
    expect(offenders).toEqual([]);
  });

  test("the core folders never name a Node module, even in type imports", async () => {
    const { readdirSync, readFileSync, statSync } = await import("node:fs");
    const core = ["schema", "diff", "dialects", "atomic", "runtime", "util", "fleet"];
    const offenders: string[] = [];
    const visit = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = `${dir}/${name}`;
        if (statSync(path).isDirectory()) visit(path);
        else if (/from\s+["'](node:[^"']+|fs|path|os|crypto|child_process)["']/.test(readFileSync(path, "utf8")))
          offenders.push(path.replace(SRC, "src/"));
      }
    };
    for (const folder of core) if (existsSync(SRC + folder)) visit(SRC + folder);
    expect(offenders).toEqual([]);
  });
});
