/**
 * Relation builders: `s.oneToOne`, `s.manyToOne`, `s.oneToMany`, `s.manyToMany`.
 *
 * The target is a thunk (`() => model`) so models can refer to each other before both exist.
 * Like scalars, every runtime builder carries every method and the validator reports misuse;
 * the types expose only the methods that fit the relation kind.
 */
import type { ReferentialAction } from "./snapshot.js";

/** The four relation kinds. */
export type RelationKind = "oneToOne" | "manyToOne" | "oneToMany" | "manyToMany";

/** Everything a relation builder records; read it with `relation["~"]`. */
export interface RelationState {
  readonly type: "relation";
  readonly kind: RelationKind;
  /** Returns the target model. Typed loosely on purpose: see {@link RelationField}. */
  readonly target: () => unknown;
  /** Field names on this model holding the foreign key (the owning side). */
  readonly fields: readonly string[] | undefined;
  /** Field names on the target the foreign key points to. @default the target's primary key */
  readonly references: readonly string[] | undefined;
  /** @default "noAction" (many-to-many junction keys: "cascade") */
  readonly onDelete: ReferentialAction | undefined;
  /** @default "noAction" (many-to-many junction keys: "cascade") */
  readonly onUpdate: ReferentialAction | undefined;
  /** The related record may be absent (the foreign key columns must be nullable). */
  readonly optional: boolean;
  /** Many-to-many: the junction table's name. @default the two table names, sorted, joined by "_" */
  readonly through: string | undefined;
  /** `.map(name)` on the side holding the foreign key: the constraint's database name. */
  readonly constraint: string | undefined;
}

/** One field name or a list of them. */
export type FieldNames<N extends string = string> = N | readonly N[];

/**
 * The members every relation builder has. `G` is the target thunk's own type: inferring it as a
 * whole (instead of its return type) is what lets two models refer to each other without a
 * circular-type error, because TypeScript does not need the target's type to build this one.
 */
export interface RelationField<K extends RelationKind, G, N extends string = never> {
  /** The recorded state, for the serializer and a query client. */
  readonly "~": RelationState;
  /** Type-only: the relation kind, target thunk and foreign-key field names (never set at runtime). */
  readonly "~types"?: { kind: K; target: G; fields: N };
}

/** A `oneToOne` or `manyToOne` relation: the side with `.fields()` owns the foreign key. */
export interface ToOneRelation<K extends "oneToOne" | "manyToOne", G, N extends string = never>
  extends RelationField<K, G, N> {
  /** The field(s) on this model holding the foreign key. */
  fields<const M extends string>(fields: FieldNames<M>): ToOneRelation<K, G, M>;
  /**
   * The field(s) on the target the foreign key references. @default the target's primary key
   *
   * Checked when the schema is serialised, not by the type: typing it against the target would make
   * self-relations and mutually-referencing models circular types.
   */
  references(fields: FieldNames): ToOneRelation<K, G, N>;
  /** What the database does to this row when the referenced row is deleted. @default "noAction" */
  onDelete(action: ReferentialAction): ToOneRelation<K, G, N>;
  /** What the database does to this row when the referenced key changes. @default "noAction" */
  onUpdate(action: ReferentialAction): ToOneRelation<K, G, N>;
  /** The related record may be absent; the foreign key fields must be `nullable()`. */
  optional(): ToOneRelation<K, G, N>;
  /** The foreign key's database name. @default "<table>_<columns>_fkey" */
  map(name: string): ToOneRelation<K, G, N>;
}

/** A `oneToMany` relation: the inverse of a `manyToOne` on the target. */
export type ToManyRelation<G> = RelationField<"oneToMany", G>;

/** A `manyToMany` relation, stored in a junction table made automatically. */
export interface ManyToManyRelation<G> extends RelationField<"manyToMany", G> {
  /** The junction table's name. @default the two table names, sorted, joined by "_" */
  through(table: string): ManyToManyRelation<G>;
  /** What happens to junction rows when a linked row is deleted. @default "cascade" */
  onDelete(action: ReferentialAction): ManyToManyRelation<G>;
  /** What happens to junction rows when a linked key changes. @default "cascade" */
  onUpdate(action: ReferentialAction): ManyToManyRelation<G>;
}

/** Any relation builder. */
export interface AnyRelationField {
  readonly "~": RelationState;
}

/** A target thunk. `any` would hide mistakes; `unknown` return keeps inference lazy. */
type Thunk = (...args: never[]) => unknown;

/** The relation constructors of `s`. */
export const relations = {
  /** One record on each side; the side with `.fields()` holds the foreign key (made unique). */
  oneToOne: <G extends Thunk>(target: G): ToOneRelation<"oneToOne", G> =>
    relation(initial("oneToOne", target as Thunk)),
  /** This model holds the foreign key (`.fields()`) to one target record. */
  manyToOne: <G extends Thunk>(target: G): ToOneRelation<"manyToOne", G> =>
    relation(initial("manyToOne", target as Thunk)),
  /** The inverse of a `manyToOne` declared on the target; makes no column. */
  oneToMany: <G extends Thunk>(target: G): ToManyRelation<G> => relation(initial("oneToMany", target as Thunk)),
  /** Many on both sides, through a junction table made automatically. */
  manyToMany: <G extends Thunk>(target: G): ManyToManyRelation<G> => relation(initial("manyToMany", target as Thunk)),
};

// internal

function initial(kind: RelationKind, target: Thunk): RelationState {
  return {
    type: "relation",
    kind,
    target,
    fields: undefined,
    references: undefined,
    onDelete: undefined,
    onUpdate: undefined,
    optional: false,
    through: undefined,
    constraint: undefined,
  };
}

function relation<R>(state: RelationState): R {
  const next = (patch: Partial<RelationState>) => relation<R>({ ...state, ...patch });
  const builder = {
    "~": state,
    fields: (fields: FieldNames) => next({ fields: toList(fields) }),
    references: (fields: FieldNames) => next({ references: toList(fields) }),
    onDelete: (onDelete: ReferentialAction) => next({ onDelete }),
    onUpdate: (onUpdate: ReferentialAction) => next({ onUpdate }),
    optional: () => next({ optional: true }),
    through: (through: string) => next({ through }),
    map: (constraint: string) => next({ constraint }),
  };
  return builder as R;
}

function toList(fields: FieldNames): readonly string[] {
  return typeof fields === "string" ? [fields] : [...fields];
}
