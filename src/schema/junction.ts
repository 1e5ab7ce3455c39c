/**
 * Many-to-many relations → junction tables, made automatically.
 *
 * - Name: `.through(name)`, or both table names sorted and joined by `_` (`post_tag`).
 * - Sides: A is the model whose table name sorts first, B the other (the same model for a self-relation).
 * - Columns: for each side, one per primary-key column, named `<table>_<column>` (`post_id`, `tag_id`),
 *   A's first. When A's and B's names collide (always for a self-relation) they end in `_a` and `_b`.
 *   Each copies the referenced column's type and is NOT NULL.
 * - Primary key over all columns (A's then B's); an index on B's columns (`<junction>_<cols>_idx`), since
 *   the primary key already serves lookups by A; a foreign key per side (`<junction>_<cols>_fkey`) with
 *   onDelete and onUpdate "cascade" unless the relation says otherwise.
 * - Both models declaring the relation (post.tags and tag.posts) make one table: relations are paired
 *   by junction name, and a name may serve one pair of models only.
 */
import { compareStrings, constraintName, junctionTableName, shortenIdentifier } from "./names.js";
import { checkName, fail, type ResolvedModel, type ResolvedRelation } from "./resolve.js";
import type { Column, ForeignKey, ReferentialAction, Table } from "./snapshot.js";

/** A many-to-many relation and the model declaring it. */
interface Declaration {
  model: ResolvedModel;
  relation: ResolvedRelation;
}

/** A junction table and the first relation declaring it (to name in errors). */
export interface Junction {
  table: Table;
  model: string;
  field: string;
}

/**
 * The junction tables of every many-to-many relation, one per pair of declarations at most.
 * `columnOf` returns a model's column for a field key (its type is copied into the junction).
 *
 * @example junctionTables(models, columnOf) // → [{ table: { name: "post_tag", … }, model: "post", field: "tags" }]
 */
export function junctionTables(
  models: readonly ResolvedModel[],
  columnOf: (model: ResolvedModel, key: string) => Column,
): Junction[] {
  const groups = new Map<string, Declaration[]>();
  for (const model of models) {
    for (const relation of model.relations) {
      if (relation.state.kind !== "manyToMany") continue;
      const name = junctionNameOf(model, relation);
      groups.set(name, [...(groups.get(name) ?? []), { model, relation }]);
    }
  }
  return [...groups.entries()].map(([name, declarations]) => ({
    table: junctionTable(name, declarations, columnOf),
    model: declarations[0]!.model.name,
    field: declarations[0]!.relation.key,
  }));
}

// internal

/**
 * `.through()` names the table; without it, a relation whose only counterpart on the other model
 * names one joins that table (declaring `.through()` on one side is enough); otherwise the default.
 */
function junctionNameOf(model: ResolvedModel, relation: ResolvedRelation): string {
  const { through } = relation.state;
  if (through !== undefined) return checkName(through, model.name, relation.key, "The junction table name");
  const target = relation.target;
  const toTarget = model.relations.filter((other) => other.state.kind === "manyToMany" && other.target === target);
  const back = target.relations.filter((other) => other.state.kind === "manyToMany" && other.target === model);
  const counterpart =
    back.length === 1 && toTarget.length === 1 && target !== model ? back[0]!.state.through : undefined;
  return counterpart ?? junctionTableName(model.table, target.table);
}

function junctionTable(
  name: string,
  declarations: Declaration[],
  columnOf: (model: ResolvedModel, key: string) => Column,
): Table {
  const [first] = declarations;
  const [a, b] = [first!.model, first!.relation.target].sort((x, y) => compareStrings(x.table, y.table)) as [
    ResolvedModel,
    ResolvedModel,
  ];
  checkPairing(name, declarations, a, b);
  const { onDelete, onUpdate } = actionsOf(declarations);
  const clash = a === b || overlaps(sideNames(a, columnOf), sideNames(b, columnOf));
  const sideA = side(a, clash ? "_a" : "", columnOf);
  const sideB = side(b, clash ? "_b" : "", columnOf);
  const foreignKey = (model: ResolvedModel, columns: Column[]): ForeignKey => ({
    name: constraintName(name, names(columns), "fkey"),
    columns: names(columns),
    referencedTable: model.table,
    referencedColumns: model.primaryKey.map((key) => columnOf(model, key).name),
    onDelete,
    onUpdate,
  });
  return {
    name,
    columns: [...sideA, ...sideB],
    primaryKey: { columns: names([...sideA, ...sideB]) },
    uniques: [],
    indexes: [{ name: constraintName(name, names(sideB), "idx"), columns: names(sideB), unique: false }],
    foreignKeys: [foreignKey(a, sideA), foreignKey(b, sideB)],
  };
}

/** One junction name serves one pair of models, declared at most once from each side. */
function checkPairing(name: string, declarations: Declaration[], a: ResolvedModel, b: ResolvedModel): void {
  const seen = new Set<string>();
  for (const { model, relation } of declarations) {
    const pair = [model, relation.target];
    if (!(pair.includes(a) && pair.includes(b))) {
      fail(
        model.name,
        relation.key,
        "junctionConflict",
        `uses junction table "${name}", which already joins "${a.name}" and "${b.name}"; name it with .through().`,
      );
    }
    // A self-relation is declared at most twice (e.g. followers and following), others once per side.
    const direction = a === b ? `${seen.size}` : model.name;
    if (seen.has(direction) || seen.size === 2) {
      fail(
        model.name,
        relation.key,
        "junctionConflict",
        `is a second many-to-many relation using junction table "${name}"; give each its own table with .through().`,
      );
    }
    seen.add(direction);
  }
}

function actionsOf(declarations: Declaration[]): { onDelete: ReferentialAction; onUpdate: ReferentialAction } {
  const pick = (which: "onDelete" | "onUpdate"): ReferentialAction => {
    let chosen: ReferentialAction | undefined;
    for (const { model, relation } of declarations) {
      const action = relation.state[which];
      if (action === undefined) continue;
      if (chosen !== undefined && chosen !== action) {
        fail(
          model.name,
          relation.key,
          "junctionConflict",
          `sets ${which}("${action}") but the other side sets ${which}("${chosen}"); make them agree.`,
        );
      }
      chosen = action;
    }
    return chosen ?? "cascade";
  };
  return { onDelete: pick("onDelete"), onUpdate: pick("onUpdate") };
}

function sideNames(model: ResolvedModel, columnOf: (model: ResolvedModel, key: string) => Column): string[] {
  return model.primaryKey.map((key) => `${model.table}_${columnOf(model, key).name}`);
}

function side(model: ResolvedModel, suffix: string, columnOf: (model: ResolvedModel, key: string) => Column): Column[] {
  return model.primaryKey.map((key) => {
    const referenced = columnOf(model, key);
    return {
      name: shortenIdentifier(`${model.table}_${referenced.name}${suffix}`),
      type: referenced.type,
      array: referenced.array,
      nullable: false,
      default: null,
      autoIncrement: false,
    };
  });
}

function overlaps(a: string[], b: string[]): boolean {
  return a.some((name) => b.includes(name));
}

function names(columns: Column[]): string[] {
  return columns.map((column) => column.name);
}
