/**
 * The CLI is a shell over the public API: outside its own folder it imports only the package's
 * entry files (what `package.json` exports), as a user's program would, and the errors module
 * every entry re-exports (one module, so `instanceof` holds across entries).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, test } from "vitest";
import { ROOT } from "./project.js";

const CLI = join(ROOT, "src/cli");

/** The source file of each exported entry: `./dist/x/y.js` → `src/x/y.ts`. */
function publicEntries(): Set<string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    exports: Record<string, string | { import: string }>;
  };
  const entries = Object.values(pkg.exports).flatMap((target) =>
    typeof target === "string"
      ? []
      : [join(ROOT, target.import.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"))],
  );
  return new Set([...entries, join(ROOT, "src/errors.ts")]);
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;

test("src/cli imports its own files, packages, Node built-ins and the public entries, nothing else", () => {
  const allowed = publicEntries();
  const offenders: string[] = [];
  for (const file of files(CLI)) {
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(SPECIFIER)) {
      if (!specifier!.startsWith(".")) continue;
      const target = resolve(dirname(file), specifier!.replace(/\.js$/, ".ts"));
      if (target.startsWith(`${CLI}/`) || allowed.has(target)) continue;
      offenders.push(`${relative(ROOT, file)} → ${relative(ROOT, target)}`);
    }
  }
  expect(offenders).toEqual([]);
});
