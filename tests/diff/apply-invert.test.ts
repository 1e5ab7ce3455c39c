import { describe, expect, it } from "vitest";
import {
  applyOperation,
  applyOperations,
  diff,
  inverseLoss,
  invertOperation,
  invertOperations,
  isLossyInverse,
  type Operation,
} from "../../src/diff/index.js";
import { canonicalize, emptySnapshot } from "../../src/schema/snapshot.js";
import { col, enumType, fk, snapshot, table } from "./fixtures.js";

const users = table("users", [col("id"), col("email", "string"), col("role", enumType("role", ["A"]))], {
  uniques: [{ name: "users_email_key", columns: ["email"] }],
  indexes: [{ name: "users_role_idx", columns: ["role"], unique: false }],
});
const posts = table("posts", [col("id"), col("authorId")], {
  foreignKeys: [fk("posts_author_fkey", ["authorId"], "users")],
});
const base = snapshot([users, posts], [{ name: "role", values: ["A"] }]);

function misfit(op: Operation, problem: RegExp, on = base) {
  let caught: unknown;
  try {
    applyOperation(on, op);
  } catch (error) {
    caught = error;
  }
  expect(caught).toMatchObject({
    code: "INVALID_ARGUMENT",
    meta: { argument: "operation", problem: expect.stringMatching(problem) },
  });
}

describe("applyOperation", () => {
  it("folds operations into a canonical snapshot, leaving its input untouched", () => {
    const input = structuredClone(base);
    const after = applyOperations(input, [
      { kind: "createTable", table: table("aaa", [col("id")]) },
      { kind: "addUnique", table: "users", unique: { name: "a_first", columns: ["id"] } },
    ]);
    expect(input).toEqual(base);
    expect(after).toEqual(canonicalize(after));
    expect(after.tables.map((t) => t.name)).toEqual(["aaa", "posts", "users"]);
    expect(after.tables[2]?.uniques.map((u) => u.name)).toEqual(["a_first", "users_email_key"]);
  });

  it("carries a table rename into the foreign keys pointing at it", () => {
    const after = applyOperation(base, { kind: "renameTable", from: "users", to: "members" });
    expect(after.tables.map((t) => t.name)).toEqual(["members", "posts"]);
    expect(after.tables[1]?.foreignKeys[0]?.referencedTable).toBe("members");
  });

  it("carries a column rename into keys, indexes and foreign keys on both sides", () => {
    let after = applyOperation(base, { kind: "renameColumn", table: "users", from: "email", to: "mail" });
    expect(after.tables[1]?.uniques[0]?.columns).toEqual(["mail"]);
    after = applyOperation(after, { kind: "renameColumn", table: "users", from: "id", to: "key" });
    expect(after.tables[1]?.primaryKey).toEqual({ columns: ["key"] });
    expect(after.tables[0]?.foreignKeys[0]?.referencedColumns).toEqual(["key"]);
    after = applyOperation(after, { kind: "renameColumn", table: "posts", from: "authorId", to: "writerId" });
    expect(after.tables[0]?.foreignKeys[0]?.columns).toEqual(["writerId"]);
  });

  it("updates the values every column of an altered enum repeats", () => {
    const after = applyOperation(base, { kind: "alterEnum", name: "role", from: ["A"], to: ["A", "B"] });
    expect(after.enums).toEqual([{ name: "role", values: ["A", "B"] }]);
    expect(after.tables[1]?.columns[2]?.type).toEqual(enumType("role", ["A", "B"]));
  });

  it("refuses operations that do not fit, naming the problem", () => {
    const id = col("id");
    misfit({ kind: "dropTable", table: table("nope", [id]) }, /nope does not exist/);
    misfit({ kind: "createTable", table: users }, /already exists/);
    misfit({ kind: "dropTable", table: users }, /referenced by foreign key posts_author_fkey/);
    misfit({ kind: "dropTable", table: { ...posts, foreignKeys: [] } }, /differs/);
    misfit({ kind: "dropColumn", table: "users", column: col("email", "string") }, /used by unique users_email_key/);
    misfit({ kind: "dropColumn", table: "users", column: col("nope") }, /does not exist/);
    misfit({ kind: "alterColumn", table: "users", from: col("id", "bigInt"), to: col("id") }, /differs/);
    misfit({ kind: "alterColumn", table: "users", from: id, to: col("key") }, /cannot rename/);
    misfit({ kind: "renameColumn", table: "users", from: "id", to: "email" }, /already exists/);
    misfit({ kind: "renameTable", from: "posts", to: "users" }, /already exists/);
    misfit({ kind: "addPrimaryKey", table: "users", primaryKey: { columns: ["id"] } }, /already has a primary key/);
    misfit({ kind: "dropPrimaryKey", table: "users", primaryKey: { columns: ["id"] } }, /referenced by foreign key/);
    misfit({ kind: "addUnique", table: "users", unique: { name: "users_role_idx", columns: ["id"] } }, /already has/);
    misfit(
      { kind: "createIndex", table: "users", index: { name: "i", columns: ["nope"], unique: false } },
      /nope does not exist/,
    );
    misfit(
      { kind: "addForeignKey", table: "posts", foreignKey: fk("f", ["authorId"], "ghosts") },
      /missing table ghosts/,
    );
    misfit(
      { kind: "dropForeignKey", table: "posts", foreignKey: { ...posts.foreignKeys[0]!, onDelete: "restrict" } },
      /as given/,
    );
    misfit({ kind: "createEnum", enum: { name: "role", values: ["A"] } }, /already exists/);
    misfit({ kind: "dropEnum", enum: { name: "role", values: ["A"] } }, /still used by users.role/);
    misfit({ kind: "alterEnum", name: "role", from: ["B"], to: ["A"] }, /has values \(A\)/);
  });
});

describe("invertOperation", () => {
  const ops: Operation[] = [
    { kind: "createTable", table: users },
    { kind: "renameTable", from: "a", to: "b" },
    { kind: "addColumn", table: "t", column: col("c") },
    { kind: "renameColumn", table: "t", from: "a", to: "b" },
    { kind: "alterColumn", table: "t", from: col("c"), to: col("c", "bigInt") },
    { kind: "addPrimaryKey", table: "t", primaryKey: { columns: ["c"] } },
    { kind: "addUnique", table: "t", unique: { name: "u", columns: ["c"] } },
    { kind: "createIndex", table: "t", index: { name: "i", columns: ["c"], unique: false } },
    { kind: "addForeignKey", table: "t", foreignKey: fk("f", ["c"], "u") },
    { kind: "createEnum", enum: { name: "e", values: ["A"] } },
    { kind: "alterEnum", name: "e", from: ["A"], to: ["A", "B"] },
  ];

  it("pairs every kind with its opposite, and is its own inverse", () => {
    expect(ops.map((op) => invertOperation(op).kind)).toEqual([
      "dropTable",
      "renameTable",
      "dropColumn",
      "renameColumn",
      "alterColumn",
      "dropPrimaryKey",
      "dropUnique",
      "dropIndex",
      "dropForeignKey",
      "dropEnum",
      "alterEnum",
    ]);
    expect(invertOperation(ops[1]!)).toEqual({ kind: "renameTable", from: "b", to: "a" });
    expect(invertOperation(ops[4]!)).toEqual({
      kind: "alterColumn",
      table: "t",
      from: col("c", "bigInt"),
      to: col("c"),
    });
    for (const op of ops) {
      expect(invertOperation(invertOperation(op))).toEqual(op);
      expect(invertOperation(invertOperation(invertOperation(op)))).toEqual(invertOperation(op));
    }
  });

  it("inverts a list in reverse order, and the down migration restores the schema", () => {
    expect(invertOperations(ops.slice(0, 2)).map((op) => op.kind)).toEqual(["renameTable", "dropTable"]);
    const target = snapshot(
      [table("members", [col("id", "bigInt"), col("email", "string")]), table("tags", [col("id")])],
      [{ name: "role", values: ["A", "B"] }],
    );
    const up = diff(base, target, { renames: [{ kind: "table", from: "users", to: "members" }] }).operations;
    const upped = applyOperations(base, up);
    expect(upped).toEqual(target);
    const restored = applyOperations(upped, invertOperations(up));
    // The dropped column comes back, at the end of its table.
    const role = restored.tables.find((t) => t.name === "users")?.columns.map((c) => c.name);
    expect(role).toEqual(["id", "email", "role"]);
    expect(restored).toEqual(base);
    expect(applyOperations(emptySnapshot(), invertOperations(diff(base, emptySnapshot()).operations))).toEqual(base);
  });

  it("says which inverses cannot restore data", () => {
    const lossy: Operation[] = [
      { kind: "dropTable", table: users },
      { kind: "dropColumn", table: "users", column: col("email", "string") },
      { kind: "alterColumn", table: "t", from: col("c", "bigInt"), to: col("c") },
      { kind: "alterEnum", name: "e", from: ["A", "B"], to: ["A"] },
    ];
    for (const op of lossy) {
      expect(isLossyInverse(op)).toBe(true);
      expect(inverseLoss(op)).toMatch(/cannot restore/);
    }
    for (const op of ops) expect([op.kind, isLossyInverse(op), inverseLoss(op)]).toEqual([op.kind, false, null]);
    expect(inverseLoss(lossy[1]!)).toBe("re-adding users.email cannot restore its values");
  });
});
