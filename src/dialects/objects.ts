/**
 * The drops of the objects a dialect's {@link ObjectSql} query lists, for `reset`.
 */
import type { Dialect, Row, Statement } from "./types.js";

/**
 * The objects `rows` list: their names, and one drop each, tolerant of one a cascade took first.
 * An object whose `restore` names another is dropped before it, so undoing the drops newest first
 * makes a view again only after the view or function it reads.
 */
export function dropObjects(dialect: Dialect, rows: Row[]): { names: string[]; statements: Statement[] } {
  const names: string[] = [];
  const statements: Statement[] = [];
  for (const row of dependentsFirst(dialect, rows)) {
    const kind = String(row.kind ?? row.type).toUpperCase();
    const name = String(row.name);
    const restore = typeof row.restore === "string" ? row.restore : null;
    names.push(name);
    statements.push({
      sql: `DROP ${kind} IF EXISTS ${typeof row.target === "string" ? row.target : dialect.quote(name)}${dialect.objects?.suffix ?? ""}`,
      inverse: restore === null ? null : [{ sql: restore }],
      ...(restore === null
        ? {
            irreversible: `${kind.toLowerCase()} ${name} cannot be read back; re-applying its migration makes it again`,
          }
        : {}),
    });
  }
  return { names, statements };
}

// internal

function dependentsFirst(dialect: Dialect, rows: Row[]): Row[] {
  const ordered: Row[] = [];
  const seen = new Set<Row>();
  const visit = (row: Row): void => {
    if (seen.has(row)) return;
    seen.add(row);
    const quoted = dialect.quote(String(row.name));
    for (const other of rows) {
      if (other !== row && typeof other.restore === "string" && other.restore.includes(quoted)) visit(other);
    }
    ordered.push(row);
  };
  for (const row of rows) visit(row);
  return ordered;
}
