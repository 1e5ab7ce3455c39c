/**
 * The client every driver entry returns: raw SQL, the validated schema and its snapshot, and
 * connection ownership (a client closes only what it opened itself).
 */
import type { Row } from "../dialects/types.js";
import { InvalidArgumentError } from "../errors.js";
import { type Schema, type SchemaDialect, type SerializeOptions, serializeSchema } from "../schema/index.js";
import type { Snapshot } from "../schema/snapshot.js";
import { deepFreeze } from "../util/copy.js";
import type { Driver } from "./types.js";

export interface VibormClient<S extends Schema = Schema> {
  /** Runs a statement; resolves to the number of rows it changed (0 where the driver cannot say). */
  $executeRaw(sql: string, params?: unknown[]): Promise<number>;
  /** Runs a query; resolves to its rows. */
  $queryRaw<T extends Row = Row>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Closes the connection or pool the client opened itself; one the user passed in stays open. */
  $close(): Promise<void>;
  /** The schema as given to `createClient`. */
  readonly $schema: S;
  /** The schema's dialect-neutral snapshot, validated once at creation. */
  readonly $snapshot: Snapshot;
  /** The database driver underneath, for the migration client. */
  readonly $driver: Driver;
}

/** Options every driver's `createClient` takes besides the schema and the connection. */
export interface SchemaClientOptions {
  /**
   * `false`: relations create no foreign-key constraints (databases without them, e.g.
   * PlanetScale/Vitess); each relation's columns get an index instead, unless a key or index
   * already starts with them. @default true
   */
  foreignKeys?: boolean;
}

/**
 * Builds a client over a driver (or a driver factory). Validates the schema first, so an invalid
 * schema fails here with `INVALID_SCHEMA` before any connection is opened.
 *
 * @example const client = createClient({ schema, driver: myDriver });
 */
export function createClient<S extends Schema>(
  options: {
    schema: S;
    driver: Driver | (() => Driver);
    /** The dialect the schema is checked for: what it cannot express fails here. */
    dialect?: SchemaDialect;
    /** PostgreSQL extensions (already checked by the driver entry). */
    extensions?: readonly string[];
  } & SchemaClientOptions,
): VibormClient<S> {
  const { schema } = options;
  if (options.foreignKeys !== undefined && typeof options.foreignKeys !== "boolean") {
    throw new InvalidArgumentError("foreignKeys must be true or false.", {
      argument: "foreignKeys",
      value: options.foreignKeys,
    });
  }
  const snapshot = snapshotOf(schema, options);
  // A factory is called only once the schema is valid, so an invalid schema opens no connection.
  const driver = typeof options.driver === "function" ? options.driver() : options.driver;
  let closed: Promise<void> | undefined;
  // Checked here, so that no driver library reads a number as SQL or a string as its parameters.
  const raw = async (sql: string, params?: unknown[]) => {
    const bad =
      typeof sql !== "string"
        ? { argument: "sql", value: sql }
        : params && !Array.isArray(params) && { argument: "params", value: params };
    if (bad)
      throw new InvalidArgumentError(`Raw SQL takes text and a list of parameters; ${bad.argument} is not one.`, bad);
    return driver.query(sql, params);
  };
  return {
    $schema: schema,
    $snapshot: snapshot,
    $driver: driver,
    async $executeRaw(sql, params) {
      return (await raw(sql, params)).rowsAffected ?? 0;
    },
    async $queryRaw<T extends Row = Row>(sql: string, params?: unknown[]) {
      return (await raw(sql, params)).rows as T[];
    },
    $close() {
      closed ??= driver.close();
      return closed;
    },
  };
}

// internal

/**
 * Snapshots already made, by schema object and options: a Worker that makes its client per request,
 * or a fleet that makes one per tenant, validates and serialises its schema once. A schema is a
 * plain record of models, and a model never changes (each of its methods returns a new model), so
 * the record's entries, compared on every hit, are all that can differ. The snapshot is shared by
 * those clients, so it is frozen.
 */
const snapshots = new WeakMap<object, { key: string; entries: [string, unknown][]; snapshot: Snapshot }[]>();

function snapshotOf(schema: Schema, options: SerializeOptions): Snapshot {
  if (typeof schema !== "object" || schema === null) return serializeSchema(schema, options);
  const key = JSON.stringify([options.dialect ?? null, options.foreignKeys ?? null, options.extensions ?? null]);
  const entries = Object.entries(schema);
  const made = snapshots.get(schema) ?? [];
  const found = made.find((entry) => entry.key === key && sameEntries(entry.entries, entries));
  if (found) return found.snapshot;
  const snapshot = deepFreeze(serializeSchema(schema, options));
  made.push({ key, entries, snapshot });
  snapshots.set(schema, made);
  return snapshot;
}

function sameEntries(a: readonly [string, unknown][], b: readonly [string, unknown][]): boolean {
  return a.length === b.length && a.every(([key, value], i) => b[i]![0] === key && b[i]![1] === value);
}
