/**
 * The migrations in storage: each folder `<id>/` holds `up.sql`, `down.sql` and `migration.json`.
 * There is no shared index file: merging two branches' migrations is copying their folders.
 */

import type { DialectName, Statement } from "../dialects/types.js";
import type { Operation } from "../diff/operations.js";
import { InvalidMigrationError } from "../errors.js";
import { checkColumnShape, checkTableShape } from "../schema/json.js";
import type { MigrationStorageDriver } from "../storage/types.js";
import { checksumMatches, migrationChecksums } from "./checksum.js";
import type { Migration } from "./types.js";

export const UP_FILE = "up.sql";
export const DOWN_FILE = "down.sql";
export const META_FILE = "migration.json";
export const META_VERSION = 1;

/** A directive on the first lines of `up.sql` that runs the migration outside a transaction. */
export const NO_TRANSACTION_DIRECTIVE = "-- viborm:no-transaction";

/** What `migration.json` holds. */
export interface MigrationMeta {
  version: typeof META_VERSION;
  id: string;
  name: string;
  dialect: DialectName;
  /** The migrations that were the newest (no child) when this one was generated. */
  parents: string[];
  /** The dialect-neutral operations `up.sql` was generated from; folding them gives the schema state. */
  operations: Operation[];
  /** Inverses of each generated statement, for dialects whose DDL cannot be rolled back (MySQL). */
  inverses?: { up: InverseEntry[]; down: InverseEntry[] };
  warnings: string[];
}

export interface InverseEntry {
  sql: string;
  inverse: Statement[] | null;
  irreversible?: string;
  lossy?: string;
}

export interface StoredMigration {
  migration: Migration;
  up: string;
  down: string;
  meta: MigrationMeta;
  /** The checksum form earlier versions recorded (`up.sql` and `down.sql` only); see checksum.ts. */
  legacyChecksum: string;
  /** The folder's files the checksum covers (hidden ones left out), sorted. */
  files: string[];
}

const ID_PATTERN = /^\d{14}_[a-z0-9][a-z0-9-]*$/;

/** Reads and checks every migration folder; files are fetched in parallel. Sorted by id. */
export async function loadMigrations(
  storage: MigrationStorageDriver,
  /** The project's dialect: a migration generated for another one is `INVALID_MIGRATION`. */
  dialect?: DialectName,
  /** `storage.list()`, when the caller has it already (one listing instead of two). */
  listing?: string[],
): Promise<StoredMigration[]> {
  const keys = listing ?? (await storage.list());
  const folders = new Map<string, Set<string>>();
  for (const key of keys) {
    const slash = key.indexOf("/");
    if (slash < 0) continue; // a loose file at the root (a README) is not a migration
    const folder = key.slice(0, slash);
    const files = folders.get(folder) ?? new Set<string>();
    files.add(key.slice(slash + 1));
    folders.set(folder, files);
  }
  const ids = [...folders.keys()].sort();
  const loaded = await Promise.all(ids.map((id) => loadOne(storage, id, folders.get(id)!)));
  if (dialect !== undefined) {
    // A hand-written migration.json may leave the dialect out: it is then the project's.
    const foreign = loaded.find((stored) => stored.meta.dialect !== undefined && stored.meta.dialect !== dialect);
    if (foreign) {
      const { id } = foreign.migration;
      throw new InvalidMigrationError(
        `Migration ${id} was generated for ${foreign.meta.dialect}, but this project's database is ${dialect}; generate migrations for it from its own client.`,
        { migration: id, file: `${id}/${META_FILE}`, problem: `dialect ${foreign.meta.dialect}, not ${dialect}` },
      );
    }
  }
  return loaded;
}

/**
 * True when a tracking row's checksum matches the folder as stored now (either checksum form: rows
 * written by earlier versions covered only `up.sql` and `down.sql`).
 */
export function matchesRecord(stored: StoredMigration, recorded: { checksum: string }): boolean {
  return checksumMatches(recorded.checksum, {
    checksum: stored.migration.checksum,
    legacyChecksum: stored.legacyChecksum,
  });
}

/** Ids that no other migration names as a parent: the heads a new migration is generated on top of. */
export function heads(migrations: StoredMigration[]): string[] {
  const parents = new Set(migrations.flatMap((stored) => stored.meta.parents));
  return migrations.map((stored) => stored.migration.id).filter((id) => !parents.has(id));
}

/**
 * Pairs of migrations made on separate branches (neither descends from the other, and no later
 * migration merged them) that touch a table in common.
 */
export function branchConflicts(migrations: StoredMigration[]): { migrations: [string, string]; tables: string[] }[] {
  const byId = new Map(migrations.map((stored) => [stored.migration.id, stored]));
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (id: string): Set<string> => {
    const known = ancestors.get(id);
    if (known) return known;
    const result = new Set<string>();
    ancestors.set(id, result);
    for (const parent of byId.get(id)?.meta.parents ?? []) {
      result.add(parent);
      for (const further of ancestorsOf(parent)) result.add(further);
    }
    return result;
  };
  const headIds = heads(migrations);
  const conflicts: { migrations: [string, string]; tables: string[] }[] = [];
  for (let i = 0; i < migrations.length; i++) {
    for (let j = i + 1; j < migrations.length; j++) {
      const a = migrations[i]!;
      const b = migrations[j]!;
      const idA = a.migration.id;
      const idB = b.migration.id;
      if (ancestorsOf(idB).has(idA) || ancestorsOf(idA).has(idB)) continue;
      const merged = headIds.some(
        (head) => head !== idA && head !== idB && ancestorsOf(head).has(idA) && ancestorsOf(head).has(idB),
      );
      if (merged) continue;
      const tablesB = new Set(touchedTables(b.meta.operations));
      const common = touchedTables(a.meta.operations).filter((table) => tablesB.has(table));
      if (common.length > 0) conflicts.push({ migrations: [idA, idB], tables: common });
    }
  }
  return conflicts;
}

/**
 * Serialises a migration's metadata file (stable key order, trailing newline): a field per line, and
 * in each list an entry per line, so an operation is one line. Fully indented, the operations of a
 * 300-table migration made a 600 KB file that every apply reads and hashes.
 */
export function metaToJson(meta: MigrationMeta): string {
  return `${layOut(meta, "")}\n`;
}

// internal

function layOut(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    // As JSON.stringify writes them: a missing entry of a list is null.
    return `[\n${value.map((item) => `${inner}${JSON.stringify(item) ?? "null"}`).join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).filter(([, item]) => item !== undefined);
    if (fields.length === 0) return "{}";
    return `{\n${fields.map(([key, item]) => `${inner}${JSON.stringify(key)}: ${layOut(item, inner)}`).join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}

async function loadOne(storage: MigrationStorageDriver, id: string, files: Set<string>): Promise<StoredMigration> {
  if (!ID_PATTERN.test(id)) {
    throw new InvalidMigrationError(
      `Folder "${id}" in migration storage is not a migration (expected <14-digit timestamp>_<kebab-name>); move it out of the migrations folder.`,
      { migration: id, file: id, problem: "bad folder name" },
    );
  }
  for (const file of [UP_FILE, DOWN_FILE, META_FILE]) {
    if (!files.has(file)) {
      throw new InvalidMigrationError(`Migration ${id} has no ${file}; restore it or delete the folder.`, {
        migration: id,
        file: `${id}/${file}`,
        problem: "missing file",
      });
    }
  }
  // Every file is read: the checksum covers the whole folder, not only the SQL.
  const names = [...files].filter((file) => !file.split("/").some((part) => part.startsWith(".")));
  const texts = await Promise.all(names.map((file) => storage.get(`${id}/${file}`)));
  const contents: Record<string, string> = {};
  for (const [i, file] of names.entries()) {
    const text = texts[i];
    if (text === null || text === undefined) {
      throw new InvalidMigrationError(`Migration ${id} lost a file while it was being read; try again.`, {
        migration: id,
        file: `${id}/${file}`,
        problem: "file vanished",
      });
    }
    contents[file] = text;
  }
  const up = contents[UP_FILE]!;
  const down = contents[DOWN_FILE]!;
  const meta = parseMeta(id, contents[META_FILE]!);
  const transactional = !hasNoTransactionDirective(up);
  const { checksum, legacyChecksum } = await migrationChecksums(contents);
  return {
    migration: { id, name: meta.name, checksum, transactional },
    up,
    down,
    meta,
    legacyChecksum,
    files: names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  };
}

function parseMeta(id: string, text: string): MigrationMeta {
  const file = `${id}/${META_FILE}`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidMigrationError(
      `${file} is not valid JSON (${(error as Error).message}); restore it from version control.`,
      { migration: id, file, problem: "invalid JSON" },
      { cause: error },
    );
  }
  const meta = value as Partial<MigrationMeta> | null;
  const problem =
    typeof meta !== "object" || meta === null
      ? "not an object"
      : meta.version !== META_VERSION
        ? `unknown version ${String(meta.version)}`
        : meta.id !== id
          ? `its id "${String(meta.id)}" does not match the folder`
          : typeof meta.name !== "string"
            ? "name missing"
            : !Array.isArray(meta.parents) || !meta.parents.every((p) => typeof p === "string")
              ? "parents must be a list of ids"
              : meta.dialect !== undefined && !DIALECTS.includes(meta.dialect as DialectName)
                ? `unknown dialect ${JSON.stringify(meta.dialect)}`
                : !Array.isArray(meta.operations) || !meta.operations.every(isOperationLike)
                  ? "operations must be a list of operations"
                  : operationProblem(meta.operations);
  if (problem) {
    throw new InvalidMigrationError(`${file} is malformed: ${problem}.`, { migration: id, file, problem });
  }
  return { ...(meta as MigrationMeta), warnings: Array.isArray(meta?.warnings) ? meta.warnings : [] };
}

/** The directive counts anywhere in the comment lines that open the file (above the first statement). */
export function hasNoTransactionDirective(sql: string): boolean {
  for (const raw of sql.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "") continue;
    if (!line.startsWith("--")) return false;
    if (line.toLowerCase() === NO_TRANSACTION_DIRECTIVE) return true;
  }
  return false;
}

const DIALECTS: readonly DialectName[] = ["postgres", "mysql", "sqlite"];

/** The first malformed table or column inside the operations (e.g. an unknown column kind), or null. */
function operationProblem(operations: unknown[]): string | null {
  for (const [index, raw] of operations.entries()) {
    const op = raw as Record<string, unknown>;
    const at = `operations[${index}]`;
    try {
      if (op.kind === "createTable" || op.kind === "dropTable") checkTableShape(op.table, `${at}.table`);
      if (op.kind === "addColumn" || op.kind === "dropColumn") checkColumnShape(op.column, `${at}.column`);
      if (op.kind === "alterColumn") {
        checkColumnShape(op.from, `${at}.from`);
        checkColumnShape(op.to, `${at}.to`);
      }
    } catch (error) {
      return error instanceof Error
        ? error.message.replace(/^The snapshot is malformed: /, "").replace(/\.$/, "")
        : String(error);
    }
  }
  return null;
}

function isOperationLike(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

/** The tables a list of operations touches (both names of a rename), sorted. */
export function touchedTables(operations: Operation[]): string[] {
  const tables = new Set<string>();
  for (const op of operations) {
    if ("table" in op) tables.add(typeof op.table === "string" ? op.table : op.table.name);
    if (op.kind === "renameTable") {
      tables.add(op.from);
      tables.add(op.to);
    }
  }
  return [...tables].sort();
}
