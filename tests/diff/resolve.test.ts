import { describe, expect, it, vi } from "vitest";
import { type Change, type ResolveFn, resolveChanges } from "../../src/diff/index.js";
import { isVibormError } from "../../src/errors.js";
import { col, kinds, snapshot, table } from "./fixtures.js";

// users → members is a suspected table rename; inside it, name → fullName a suspected column rename.
const before = snapshot([table("users", [col("id"), col("email", "string"), col("name", "string")])]);
const after = snapshot([table("members", [col("id"), col("email", "string"), col("fullName", "string")])]);

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isVibormError(error, "DESTRUCTIVE_REJECTED")) throw new Error(`expected DESTRUCTIVE_REJECTED, got ${error}`);
  return error;
}

describe("resolveChanges", () => {
  it("renames a table, then asks about its columns, and plans renames only", async () => {
    const asked: Change[] = [];
    const resolve: ResolveFn = (change) => {
      asked.push(change);
      return change.type === "ambiguous" ? "rename" : "proceed";
    };
    const plan = await resolveChanges(before, after, { resolve });
    expect(asked.map((c) => [c.type, c.kind, "from" in c ? c.from : c.table])).toEqual([
      ["ambiguous", "renameTable", "users"],
      ["ambiguous", "renameColumn", "name"],
    ]);
    expect(plan.operations).toEqual([
      { kind: "renameTable", from: "users", to: "members" },
      { kind: "renameColumn", table: "members", from: "name", to: "fullName" },
    ]);
    expect(plan.renames).toEqual([
      { kind: "table", from: "users", to: "members" },
      { kind: "column", table: "members", from: "name", to: "fullName" },
    ]);
    expect(plan.changes).toEqual(asked);
    expect(plan.decisions.map((d) => [d.decision, d.by])).toEqual([
      ["rename", "resolve"],
      ["rename", "resolve"],
    ]);
  });

  it("keeps add + drop when told so, then asks about the drop", async () => {
    const resolve = vi.fn<ResolveFn>((change) => (change.type === "ambiguous" ? "addAndDrop" : "proceed"));
    const plan = await resolveChanges(before, after, { resolve });
    expect(kinds(plan.operations)).toEqual(["createTable", "dropTable"]);
    expect(resolve.mock.calls.map(([c]) => `${c.type}:${c.kind}`)).toEqual([
      "ambiguous:renameTable",
      "destructive:dropTable",
    ]);
    expect(plan.renames).toEqual([]);
  });

  it("fails with every rejected change listed, having asked each one, and runs nothing", async () => {
    const resolve = vi.fn<ResolveFn>(() => "reject");
    const error = await rejection(resolveChanges(before, after, { resolve }));
    expect(error.meta.changes).toEqual([
      expect.objectContaining({
        type: "ambiguous",
        kind: "renameTable",
        from: "users",
        to: "members",
        decision: "rejected",
      }),
      expect.objectContaining({ type: "destructive", kind: "dropTable", table: "users", decision: "rejected" }),
    ]);
    expect(resolve).toHaveBeenCalledTimes(2);
    expect(error.message).toMatch(/^2 changes/);
    expect(error.message).toMatch(/resolve/);
    expect(error.message).toMatch(/force: true/);
  });

  it("without resolve or force, fails listing every undecided change", async () => {
    const a = snapshot([
      table("users", [col("id"), col("name", "string"), col("age", "int", { nullable: true })]),
      table("logs", [col("id")]),
    ]);
    const b = snapshot([table("users", [col("id"), col("fullName", "string"), col("age")])]);
    const error = await rejection(resolveChanges(a, b));
    expect(error.meta.changes.map((c) => [c.type, c.kind, c.decision])).toEqual([
      ["ambiguous", "renameColumn", "undecided"],
      ["destructive", "addNotNullColumn", "undecided"],
      ["destructive", "setNotNull", "undecided"],
      ["destructive", "dropColumn", "undecided"],
      ["destructive", "dropTable", "undecided"],
    ]);
    expect(error.code).toBe("DESTRUCTIVE_REJECTED");
    expect(error.message).toMatch(/^5 changes .*5 undecided/);
  });

  it("with force alone, plans possible renames as add + drop and proceeds, never guessing a rename", async () => {
    const plan = await resolveChanges(before, after, { force: true });
    expect(kinds(plan.operations)).toEqual(["createTable", "dropTable"]);
    expect(plan.decisions.map((d) => [d.change.kind, d.decision, d.by])).toEqual([
      ["renameTable", "addAndDrop", "force"],
      ["dropTable", "proceed", "force"],
    ]);
  });

  it("with force and resolve, resolve wins and force decides only what resolve leaves undefined", async () => {
    // Candidates come by name: bio → fullName (left to force), then name → fullName (renamed).
    const resolve: ResolveFn = (change) =>
      change.type === "ambiguous" && change.from === "name" ? "rename" : undefined;
    const a = snapshot([table("users", [col("id"), col("name", "string"), col("bio", "string")])]);
    const b = snapshot([table("users", [col("id"), col("fullName", "string")])]);
    const plan = await resolveChanges(a, b, { resolve, force: true });
    expect(
      plan.decisions.map((d) => [
        d.change.kind,
        "from" in d.change ? d.change.from : d.change.column,
        d.decision,
        d.by,
      ]),
    ).toEqual([
      ["renameColumn", "bio", "addAndDrop", "force"],
      ["renameColumn", "name", "rename", "resolve"],
      ["dropColumn", "bio", "proceed", "force"],
    ]);
    await expect(resolveChanges(a, b, { resolve })).rejects.toMatchObject({
      code: "DESTRUCTIVE_REJECTED",
      meta: {
        changes: [
          expect.objectContaining({ kind: "renameColumn", from: "bio", decision: "undecided" }),
          expect.objectContaining({ kind: "dropColumn", column: "bio", decision: "undecided" }),
        ],
      },
    });
  });

  it("does not ask again about a candidate whose side a rename already took", async () => {
    // name and nick are both suspects for fullName and alias; renaming name → fullName settles fullName.
    const a = snapshot([table("users", [col("id"), col("name", "string"), col("nick", "string")])]);
    const b = snapshot([table("users", [col("id"), col("fullName", "string"), col("alias", "string")])]);
    const asked: string[] = [];
    const plan = await resolveChanges(a, b, {
      resolve: async (change) => {
        if (change.type === "destructive") return "proceed";
        asked.push(`${change.from}->${change.to}`);
        return change.from === "name" && change.to === "fullName" ? "rename" : "addAndDrop";
      },
    });
    expect(asked).toEqual(["name->alias", "name->fullName", "nick->alias"]);
    expect(plan.renames).toEqual([{ kind: "column", table: "users", from: "name", to: "fullName" }]);
    expect(kinds(plan.operations)).toEqual(["renameColumn", "addColumn", "dropColumn"]);
  });

  it("rejects an answer that does not fit the change", async () => {
    for (const answer of ["proceed", "yes", 1, null]) {
      const resolve = (() => answer) as unknown as ResolveFn;
      await expect(resolveChanges(before, after, { resolve })).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        meta: { argument: "resolve" },
      });
    }
    const renameForDrop: ResolveFn = (change) => (change.type === "ambiguous" ? "addAndDrop" : "rename");
    await expect(resolveChanges(before, after, { resolve: renameForDrop })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
  });

  it("asks nothing when nothing can lose data", async () => {
    const resolve = vi.fn<ResolveFn>();
    const grown = snapshot([
      table("users", [
        col("id"),
        col("email", "string"),
        col("name", "string"),
        col("bio", "string", { nullable: true }),
      ]),
    ]);
    const plan = await resolveChanges(before, grown, { resolve });
    expect(resolve).not.toHaveBeenCalled();
    expect(plan).toMatchObject({ changes: [], decisions: [], renames: [] });
    expect(kinds(plan.operations)).toEqual(["addColumn"]);
  });
});
