/**
 * The drops and re-creations of the objects a dialect's {@link ObjectSql} query lists (views,
 * routines…), for `reset` and `baseline`.
 */
import type { Dialect, Row, Statement } from "./types.js";

/** One object a dialect's {@link ObjectSql} query listed. */
export interface LiveObject {
  /** The keyword after `DROP` / `CREATE`: `VIEW`, `FUNCTION`… */
  kind: string;
  name: string;
  /** For `reset`: qualified by its schema where it has one, tolerant of one a cascade took first. */
  drop: Statement;
  /** For a migration's files: unqualified, so the folder fits any tenant schema. */
  dropHere: Statement;
  /** The statement that makes it again; null where the catalog does not hold enough to write one. */
  create: Statement | null;
}

/**
 * The objects `rows` list, each with its drop (tolerant of one a cascade took first) and, where the
 * dialect could read one, the statement that makes it again (the drop's inverse: MySQL compensation).
 */
export function liveObjects(dialect: Dialect, rows: Row[]): LiveObject[] {
  return rows.map((row) => {
    const kind = String(row.kind ?? row.type).toUpperCase();
    const name = String(row.name);
    const text = row.restore ?? row.sql;
    const create = typeof text === "string" && text !== "" ? { sql: text } : null;
    const target = typeof row.target === "string" ? row.target : dialect.quote(name);
    const schema = typeof row.schema === "string" ? `${dialect.quote(row.schema)}.` : "";
    const suffix = dialect.objects?.suffix ?? "";
    const undo = create === null ? null : [create];
    return {
      kind,
      name,
      create,
      drop: {
        sql: `DROP ${kind} IF EXISTS ${schema}${target}${suffix}`,
        inverse: undo,
        ...(create === null
          ? {
              irreversible: `${kind.toLowerCase()} ${name} cannot be read back; re-applying its migration makes it again`,
            }
          : {}),
      },
      dropHere: { sql: `DROP ${kind} ${target}${suffix}`, inverse: undo },
    };
  });
}

/**
 * Drop order: an object another's definition names goes after it (a view before the view or
 * function it reads), so undoing the drops newest first makes each again after what it needs.
 */
export function dependentsFirst(dialect: Dialect, objects: LiveObject[]): LiveObject[] {
  return ordered(objects, (object, other) => mentions(dialect, other, object));
}

/** Creation order: what an object's definition names comes first; otherwise the order listed. */
export function dependenciesFirst(dialect: Dialect, objects: LiveObject[]): LiveObject[] {
  return ordered(objects, (object, other) => mentions(dialect, object, other));
}

// internal

/** Depth-first: everything `before(object, other)` says goes first, then the object. */
function ordered(objects: LiveObject[], before: (object: LiveObject, other: LiveObject) => boolean): LiveObject[] {
  const result: LiveObject[] = [];
  const seen = new Set<LiveObject>();
  const visit = (object: LiveObject): void => {
    if (seen.has(object)) return;
    seen.add(object);
    for (const other of objects) if (other !== object && before(object, other)) visit(other);
    result.push(object);
  };
  for (const object of objects) visit(object);
  return result;
}

/** Whether `object`'s definition names `other`, quoted or as a bare identifier. */
function mentions(dialect: Dialect, object: LiveObject, other: LiveObject): boolean {
  const text = object.create?.sql;
  if (text === undefined) return false;
  if (text.includes(dialect.quote(other.name))) return true;
  const bare = other.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w$"\`])${bare}($|[^\\w$"\`])`, "i").test(text);
}
