/**
 * A small reader of the source import graph for the architecture tests: which modules a file
 * imports at run time (type-only imports are erased by the compiler and do not count).
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export interface ImportEdge {
  from: string;
  specifier: string;
  /** Absolute path for relative imports, undefined for packages. */
  resolved?: string;
  typeOnly: boolean;
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']/g;

export function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(file, "utf8");
  const edges: ImportEdge[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[3]!;
    const typeOnly = Boolean(match[2]);
    const resolved = specifier.startsWith(".") ? resolve(dirname(file), specifier.replace(/\.js$/, ".ts")) : undefined;
    edges.push({ from: file, specifier, resolved, typeOnly });
  }
  return edges;
}

/** Every file reachable from `entry` through run-time imports, with the package imports met. */
export function walk(entry: string): { files: Set<string>; packages: ImportEdge[] } {
  const files = new Set<string>();
  const packages: ImportEdge[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const edge of importsOf(file)) {
      if (edge.typeOnly) continue;
      if (edge.resolved) queue.push(edge.resolved);
      else packages.push(edge);
    }
  }
  return { files, packages };
}
