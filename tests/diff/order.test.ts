import { describe, expect, it } from "vitest";
import { diff, topologicalOrder } from "../../src/diff/index.js";
import type { Snapshot } from "../../src/schema/snapshot.js";
import { runLikeDatabase } from "./executable.js";
import { col, enumType, fk, labels, snapshot, table } from "./fixtures.js";

/** The diff's operations as labels, after checking a database could run them in that order. */
function plan(a: Snapshot, b: Snapshot, renames?: Parameters<typeof diff>[2]): string[] {
  const { operations } = diff(a, b, renames);
  runLikeDatabase(a, operations, b);
  return labels(operations);
}

const users = table("users", [col("id"), col("email", "string")]);
const posts = table("posts", [col("id"), col("authorId")], {
  foreignKeys: [fk("posts_author_fkey", ["authorId"], "users")],
});

describe("diff: execution order", () => {
  it("creates a referenced table before the table referencing it, FK inline", () => {
    const { operations } = diff(snapshot([]), snapshot([posts, users]));
    expect(labels(operations)).toEqual(["createTable users", "createTable posts"]);
    expect(operations[1]).toEqual({ kind: "createTable", table: posts });
  });

  it("adds a foreign key from an existing table to a new one after creating it", () => {
    const before = snapshot([table("posts", [col("id"), col("authorId")])]);
    expect(plan(before, snapshot([posts, users]))).toEqual([
      "createTable users",
      "addForeignKey posts.posts_author_fkey",
    ]);
  });

  it("breaks a foreign key cycle between new tables with a later addForeignKey; a self-reference stays inline", () => {
    const a = table("a", [col("id"), col("bId"), col("parentId")], {
      foreignKeys: [fk("a_b_fkey", ["bId"], "b"), fk("a_parent_fkey", ["parentId"], "a")],
    });
    const b = table("b", [col("id"), col("aId")], { foreignKeys: [fk("b_a_fkey", ["aId"], "a")] });
    const { operations } = diff(snapshot([]), snapshot([a, b]));
    expect(labels(operations)).toEqual(["createTable a", "createTable b", "addForeignKey a.a_b_fkey"]);
    expect(operations[0]).toMatchObject({ table: { foreignKeys: [a.foreignKeys[1]] } });
    runLikeDatabase(snapshot([]), operations, snapshot([a, b]));
  });

  it("drops a referencing table before the table it references", () => {
    expect(plan(snapshot([users, posts]), snapshot([]))).toEqual(["dropTable posts", "dropTable users"]);
  });

  it("drops a foreign key cycle's key first, then the tables", () => {
    const a = table("a", [col("id"), col("bId")], { foreignKeys: [fk("a_b_fkey", ["bId"], "b")] });
    const b = table("b", [col("id"), col("aId")], { foreignKeys: [fk("b_a_fkey", ["aId"], "a")] });
    expect(plan(snapshot([a, b]), snapshot([]))).toEqual(["dropForeignKey b.b_a_fkey", "dropTable a", "dropTable b"]);
  });

  it("creates an enum before the new column or table using it", () => {
    const role = { name: "role", values: ["A", "B"] };
    const withRole = table("users", [col("id"), col("email", "string"), col("role", enumType("role", role.values))]);
    const audit = table("audit", [col("id"), col("role", enumType("role", role.values))]);
    expect(plan(snapshot([users]), snapshot([withRole, audit], [role]))).toEqual([
      "createEnum role",
      "createTable audit",
      "addColumn users.role",
    ]);
  });

  it("drops an enum, or removes its values, only after the columns and tables using it are gone", () => {
    const role = (values: string[]) => ({ name: "role", values });
    const withColumn = (values: string[]) =>
      table("users", [col("id"), col("email", "string"), col("role", enumType("role", values))]);
    const audit = table("audit", [col("id"), col("role", enumType("role", ["A", "B"]))]);
    expect(plan(snapshot([withColumn(["A", "B"]), audit], [role(["A", "B"])]), snapshot([users]))).toEqual([
      "dropColumn users.role",
      "dropTable audit",
      "dropEnum role",
    ]);
    expect(
      plan(snapshot([withColumn(["A", "B"]), audit], [role(["A", "B"])]), snapshot([withColumn(["A"])], [role(["A"])])),
    ).toEqual(["dropTable audit", "alterEnum role"]);
    // The column moves off the enum (to a string) before the enum goes.
    const asText = table("users", [col("id"), col("email", "string"), col("role", "string")]);
    expect(plan(snapshot([withColumn(["A"])], [role(["A"])]), snapshot([asText]))).toEqual([
      "alterColumn users.role",
      "dropEnum role",
    ]);
  });

  it("drops and re-adds a foreign key around a change to the referenced column's type", () => {
    const bigUsers = table("users", [col("id", "bigInt"), col("email", "string")]);
    const bigPosts = table("posts", [col("id"), col("authorId", "bigInt")], { foreignKeys: posts.foreignKeys });
    expect(plan(snapshot([users, posts]), snapshot([bigUsers, bigPosts]))).toEqual([
      "dropForeignKey posts.posts_author_fkey",
      "alterColumn posts.authorId",
      "alterColumn users.id",
      "addForeignKey posts.posts_author_fkey",
    ]);
  });

  it("drops and re-adds a foreign key around a change to the key it references", () => {
    const keyed = (name: string) =>
      table("users", [col("id"), col("email", "string")], { uniques: [{ name, columns: ["email"] }] });
    const byEmail = table("posts", [col("id"), col("authorEmail", "string")], {
      foreignKeys: [fk("posts_email_fkey", ["authorEmail"], "users", ["email"])],
    });
    expect(plan(snapshot([keyed("u1"), byEmail]), snapshot([keyed("u2"), byEmail]))).toEqual([
      "dropForeignKey posts.posts_email_fkey",
      "dropUnique users.u1",
      "addUnique users.u2",
      "addForeignKey posts.posts_email_fkey",
    ]);
  });

  it("lets a new table reference a column and key added in the same diff by deferring its foreign key", () => {
    const withCode = table("users", [col("id"), col("email", "string"), col("code", "string")], {
      uniques: [{ name: "users_code_key", columns: ["code"] }],
    });
    const byCode = table("badges", [col("id"), col("userCode", "string")], {
      foreignKeys: [fk("badges_code_fkey", ["userCode"], "users", ["code"])],
    });
    expect(plan(snapshot([users]), snapshot([withCode, byCode]))).toEqual([
      "createTable badges",
      "addColumn users.code",
      "addUnique users.users_code_key",
      "addForeignKey badges.badges_code_fkey",
    ]);
  });

  it("drops a dropped table's foreign key early when it would block a change to the table it references", () => {
    const bigUsers = table("users", [col("id", "bigInt"), col("email", "string")]);
    expect(plan(snapshot([users, posts]), snapshot([bigUsers]))).toEqual([
      "dropForeignKey posts.posts_author_fkey",
      "alterColumn users.id",
      "dropTable posts",
    ]);
  });

  it("drops an index of a dropped table early when a new object re-uses its name", () => {
    const old = table("old", [col("id"), col("v")], { indexes: [{ name: "by_v", columns: ["v"], unique: false }] });
    const fresh = table("fresh", [col("id"), col("v"), col("w")], {
      indexes: [{ name: "by_v", columns: ["v"], unique: false }],
    });
    expect(plan(snapshot([old]), snapshot([fresh]))).toEqual([
      "dropIndex old.by_v",
      "createTable fresh",
      "dropTable old",
    ]);
  });

  it("runs drops of keys under their old names before renames, and everything else after", () => {
    const a = snapshot([
      table("users", [col("id"), col("mail", "string"), col("nick", "string")], {
        indexes: [{ name: "users_nick_idx", columns: ["nick"], unique: false }],
      }),
    ]);
    const b = snapshot([
      table("members", [col("id"), col("email", "string"), col("age", "int", { nullable: true })], {
        indexes: [{ name: "members_email_idx", columns: ["email"], unique: false }],
      }),
    ]);
    const renames = {
      renames: [
        { kind: "table" as const, from: "users", to: "members" },
        { kind: "column" as const, table: "members", from: "mail", to: "email" },
      ],
    };
    expect(plan(a, b, renames)).toEqual([
      "dropIndex users.users_nick_idx",
      "renameTable users->members",
      "renameColumn members.mail->email",
      "addColumn members.age",
      "createIndex members.members_email_idx",
      "dropColumn members.nick",
    ]);
  });

  it("follows the phases end to end: safe work first, data-losing work last", () => {
    const a = snapshot(
      [
        table("users", [col("id"), col("email", "string"), col("old", "string")], {
          uniques: [{ name: "users_email_key", columns: ["email"] }],
        }),
        posts,
        table("legacy", [col("id")]),
      ],
      [{ name: "mood", values: ["X"] }],
    );
    const b = snapshot(
      [
        table(
          "users",
          [
            col("id"),
            col("email", "string", { default: { kind: "literal", value: "" } }),
            col("age", "int", { nullable: true }),
          ],
          {
            primaryKey: { columns: ["id", "email"] },
            indexes: [{ name: "users_age_idx", columns: ["age"], unique: false }],
          },
        ),
        table("posts", [col("id"), col("authorId"), col("tag", enumType("tag", ["T"]))], {
          foreignKeys: [{ ...fk("posts_author_fkey", ["authorId"], "users"), onDelete: "restrict" }],
        }),
        table("tags", [col("id")]),
      ],
      [{ name: "tag", values: ["T"] }],
    );
    expect(labels(diff(a, b).operations)).toEqual([
      "dropForeignKey posts.posts_author_fkey",
      "dropUnique users.users_email_key",
      "dropPrimaryKey users",
      "createEnum tag",
      "createTable tags",
      "addColumn posts.tag",
      "addColumn users.age",
      "alterColumn users.email",
      "addPrimaryKey users",
      "createIndex users.users_age_idx",
      "addForeignKey posts.posts_author_fkey",
      "dropColumn users.old",
      "dropTable legacy",
      "dropEnum mood",
    ]);
  });

  it("orders names topologically, ties by name, reporting the edges it had to break", () => {
    const deps: Record<string, string[]> = { c: ["a"], b: [], a: ["b"], x: ["y"], y: ["x"] };
    expect(topologicalOrder(Object.keys(deps), (n) => deps[n] ?? [])).toEqual({
      order: ["b", "a", "c", "x", "y"],
      broken: [["x", "y"]],
    });
  });
});
