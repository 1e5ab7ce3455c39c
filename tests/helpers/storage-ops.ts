/**
 * Counting storage operations: a wrapper over a storage driver that counts its calls, a wrapper
 * over a Cloudflare KV or R2 binding that counts the binding's calls (what Cloudflare bills and
 * limits), and hand-written migration folders to fill a storage with many migrations quickly.
 */
import type { MigrationStorageDriver } from "viborm/migrations";

/** Calls made through a counting wrapper, by method. */
export type OpCounts = Record<string, number>;

/** The sum of every count. */
export function totalOps(counts: OpCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

/**
 * `inner` with each call counted in `counts` (reset it with `reset()`).
 *
 * @example const { driver, counts } = countingDriver(storage); await driver.list(); counts.list // → 1
 */
export function countingDriver(inner: MigrationStorageDriver): {
  driver: MigrationStorageDriver;
  counts: OpCounts;
  reset(): void;
} {
  const counts: OpCounts = {};
  const counted =
    <A extends unknown[], R>(method: string, fn: (...args: A) => R) =>
    (...args: A): R => {
      counts[method] = (counts[method] ?? 0) + 1;
      return fn(...args);
    };
  const driver: MigrationStorageDriver = {
    get: counted("get", (key: string) => inner.get(key)),
    put: counted("put", (key: string, value: string) => inner.put(key, value)),
    delete: counted("delete", (key: string) => inner.delete(key)),
    list: counted("list", (prefix?: string) => inner.list(prefix)),
  };
  return { driver, counts, reset: () => clear(counts) };
}

/**
 * A KV namespace or R2 bucket binding whose method calls (`get`, `list`, `put`, `head`, …) are
 * counted: each is one KV or R2 operation.
 */
export function countingBinding<T extends object>(binding: T): { binding: T; counts: OpCounts; reset(): void } {
  const counts: OpCounts = {};
  const proxy = new Proxy(binding, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function" || typeof property !== "string") return value;
      return (...args: unknown[]) => {
        counts[property] = (counts[property] ?? 0) + 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { binding: proxy, counts, reset: () => clear(counts) };
}

/** The id of the `i`-th (1-based) hand-written migration: `20260101hhmmss_step-<i>`, one second apart. */
export function handWrittenId(i: number): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `20260101${two(Math.floor(i / 3600))}${two(Math.floor(i / 60) % 60)}${two(i % 60)}_step-${i}`;
}

/**
 * Writes migrations `from`..`to` (1-based) as SQLite folders, each creating table `t_<i>`: what
 * generate would write, without folding the state each time (so 300 take milliseconds).
 */
export async function writeHandWritten(storage: MigrationStorageDriver, from: number, to: number): Promise<string[]> {
  const ids: string[] = [];
  const writes: Promise<void>[] = [];
  for (let i = from; i <= to; i++) {
    const id = handWrittenId(i);
    const meta = {
      version: 1,
      id,
      name: id.slice(15),
      dialect: "sqlite",
      parents: i === 1 ? [] : [handWrittenId(i - 1)],
      operations: [],
      warnings: [],
    };
    writes.push(
      storage.put(`${id}/up.sql`, `CREATE TABLE "t_${i}" ("id" INTEGER PRIMARY KEY);\n`),
      storage.put(`${id}/down.sql`, `DROP TABLE "t_${i}";\n`),
      storage.put(`${id}/migration.json`, `${JSON.stringify(meta, null, 2)}\n`),
    );
    ids.push(id);
  }
  await Promise.all(writes);
  return ids;
}

// internal

function clear(counts: OpCounts): void {
  for (const key of Object.keys(counts)) delete counts[key];
}
