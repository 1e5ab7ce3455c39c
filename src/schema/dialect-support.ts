/**
 * What each dialect can express of a schema: an option a database cannot hold fails when the client
 * is created, naming the model, the field and the dialect, rather than being dropped on the way.
 */
import { referencesColumn } from "./expression.js";
import { fail, type ResolvedModel } from "./resolve.js";
import type { SchemaDialect } from "./serialize.js";
import type { Table } from "./snapshot.js";

/**
 * Throws `INVALID_SCHEMA` (`problem: "unsupportedByDialect"`, `meta.dialect`) for the first option
 * of `models` that `dialect` cannot express.
 *
 * @example checkDialect(models, "mysql") // throws for an index with { where } or an opclass
 */
export function checkDialect(models: readonly ResolvedModel[], tables: readonly Table[], dialect: SchemaDialect): void {
  const support = SUPPORT[dialect];
  models.forEach((model, i) => {
    if (!support.checksOnActionColumns) checkActionColumns(model, tables[i]!, dialect);
  });
  for (const model of models) {
    for (const index of model.state.indexes) {
      const type = index.type?.toLowerCase();
      const firstField = index.fields[0];
      if (type !== undefined && !support.indexTypes.includes(type))
        unsupported(
          model,
          firstField,
          dialect,
          `index type "${type}" (${dialect} has ${support.indexTypes.join(", ")})`,
        );
      if (index.where !== undefined && !support.partialIndexes)
        unsupported(model, firstField, dialect, "partial indexes (where)");
      index.fields.forEach((field, i) => {
        const options = index.options?.[i];
        if (options?.opclass !== undefined && !support.opclass)
          unsupported(model, field, dialect, `operator classes (opclass "${options.opclass}")`);
        if (options?.length !== undefined && !support.prefixLength)
          unsupported(model, field, dialect, "index prefix lengths (length)");
        if (type === "fulltext") {
          const scalar = model.scalars.find((candidate) => candidate.key === field);
          if (scalar && (scalar.state.kind !== "string" || scalar.state.array))
            unsupported(model, field, dialect, "a FULLTEXT index over a column that is not a string");
        }
      });
    }
  }
}

// internal

interface DialectSupport {
  indexTypes: readonly string[];
  partialIndexes: boolean;
  opclass: boolean;
  prefixLength: boolean;
  /** Whether a check may name a column that a foreign key's CASCADE or SET NULL writes (MySQL 3823, MariaDB 1901). */
  checksOnActionColumns: boolean;
}

const SUPPORT: Record<SchemaDialect, DialectSupport> = {
  postgres: {
    indexTypes: ["btree", "hash", "gin", "gist", "brin", "spgist"],
    partialIndexes: true,
    opclass: true,
    prefixLength: false,
    checksOnActionColumns: true,
  },
  mysql: {
    indexTypes: ["btree", "hash", "fulltext"],
    partialIndexes: false,
    opclass: false,
    prefixLength: true,
    checksOnActionColumns: false,
  },
  sqlite: {
    indexTypes: ["btree"],
    partialIndexes: true,
    opclass: false,
    prefixLength: false,
    checksOnActionColumns: true,
  },
};

/** A check naming a column that a foreign key's action writes (`table` is `model`'s, foreign keys included). */
function checkActionColumns(model: ResolvedModel, table: Table, dialect: SchemaDialect): void {
  for (const key of table.foreignKeys) {
    const action = [key.onDelete, key.onUpdate].find((a) => a !== "noAction" && a !== "restrict");
    if (action === undefined) continue;
    for (const column of key.columns) {
      const check = table.checks?.find((candidate) => referencesColumn(candidate.expression, column));
      if (check === undefined) continue;
      const field = model.scalars.find((scalar) => scalar.column === column)?.key;
      unsupported(
        model,
        field,
        dialect,
        `a check ("${check.name}") on a column its foreign key "${key.name}" writes (${action})`,
      );
    }
  }
}

function unsupported(model: ResolvedModel, field: string | undefined, dialect: SchemaDialect, what: string): never {
  return fail(model.name, field, "unsupportedByDialect", `uses ${what}, which ${dialect} cannot express.`, { dialect });
}
