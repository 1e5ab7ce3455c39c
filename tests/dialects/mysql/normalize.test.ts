/**
 * MySQL normalize rules and DDL text, without a server: what the database cannot keep is erased,
 * what a real change needs is kept, and normalize is idempotent.
 */
import type { Column, ForeignKey, Snapshot, Table } from "viborm";
import { describe, expect, test } from "vitest";
import { mysqlDialect } from "../../../src/dialects/mysql/index.js";
import { inverseOperation, type SingleStatementOperation } from "../../../src/dialects/mysql/inverse.js";
import type { Operation } from "../../../src/diff/operations.js";
import { col, snapshot, table } from "./helpers.js";

const normalize = mysqlDialect.normalize;

function only(s: Snapshot): Table {
  const [first] = normalize(s).tables;
  if (!first) throw new Error("no table");
  return first;
}

function columnOf(t: Table, name: string): Column {
  const found = t.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
}

describe("MySQL normalize", () => {
  test("enums are inline: no enum types, and a column's enum name is empty", () => {
    const s: Snapshot = {
      ...snapshot(table("t", [col("mood", { kind: "enum", name: "Mood", values: ["A", "B"] })])),
      enums: [{ name: "Mood", values: ["A", "B"] }],
    };
    const n = normalize(s);
    expect(n.enums).toEqual([]);
    expect(n.tables[0]?.columns[0]?.type).toEqual({ kind: "enum", name: "", values: ["A", "B"] });
  });

  test("arrays are JSON columns, their literal default compact JSON text", () => {
    const t = only(
      snapshot(table("t", [col("tags", "string", { array: true, default: { kind: "literal", value: '[ "a" ]' } })])),
    );
    expect(t.columns[0]).toMatchObject({
      type: { kind: "json" },
      array: false,
      default: { kind: "literal", value: '["a"]' },
    });
  });

  test("unique indexes are uniques; btree and hash are the default type; fulltext and partial are kept", () => {
    const t = only(
      snapshot(
        table("t", [col("a", "int"), col("b", "string"), col("c", "string")], {
          indexes: [
            { name: "u", columns: ["a"], unique: true, type: "btree" },
            { name: "h", columns: ["a", "b"], unique: false, type: "HASH" },
            { name: "f", columns: ["c"], unique: false, type: "fulltext" },
            { name: "p", columns: ["a"], unique: true, where: "a > 0" },
          ],
        }),
      ),
    );
    expect(t.uniques).toEqual([{ name: "u", columns: ["a"] }]);
    expect(t.indexes).toEqual([
      { name: "f", columns: ["c"], unique: false, type: "fulltext" },
      { name: "h", columns: ["a", "b"], unique: false },
      { name: "p", columns: ["a"], unique: true, where: "a > 0" },
    ]);
  });

  test("a foreign key's own index is part of the foreign key, unless another key serves it", () => {
    const fk: ForeignKey = {
      name: "t_p_fkey",
      columns: ["p"],
      referencedTable: "t",
      referencedColumns: ["id"],
      onDelete: "noAction",
      onUpdate: "restrict",
    };
    const own = { name: "t_p_fkey", columns: ["p"], unique: false };
    const base = [col("id", "int"), col("p", "int"), col("q", "int")];
    const alone = only(
      snapshot(table("t", base, { primaryKey: { columns: ["id"] }, indexes: [own], foreignKeys: [{ ...fk }] })),
    );
    expect(alone.indexes).toEqual([]);
    expect(alone.foreignKeys[0]?.onDelete).toBe("restrict");
    const served = only(
      snapshot(
        table("t", base, {
          primaryKey: { columns: ["id"] },
          indexes: [own, { name: "t_p_q", columns: ["p", "q"], unique: false }],
          foreignKeys: [{ ...fk }],
        }),
      ),
    );
    expect(served.indexes.map((index) => index.name)).toEqual(["t_p_fkey", "t_p_q"]);
  });

  test("keyed strings of length 191 are unbounded strings; primary keys are NOT NULL; AUTO_INCREMENT needs a key", () => {
    const t = only(
      snapshot(
        table(
          "t",
          [
            col("id", { kind: "string", length: 191 }, { nullable: true }),
            col("free", { kind: "string", length: 191 }),
            col("counter", "int", { autoIncrement: true, default: { kind: "literal", value: 1 } }),
            col("serial", "bigInt", { autoIncrement: true, default: { kind: "literal", value: 1 } }),
          ],
          { primaryKey: { columns: ["id"] }, uniques: [{ name: "t_serial", columns: ["serial"] }] },
        ),
      ),
    );
    expect(columnOf(t, "id")).toMatchObject({ type: { kind: "string" }, nullable: false });
    expect(columnOf(t, "free").type).toEqual({ kind: "string", length: 191 });
    expect(columnOf(t, "counter")).toMatchObject({ autoIncrement: false, default: { kind: "literal", value: 1 } });
    expect(columnOf(t, "serial")).toMatchObject({ autoIncrement: true, default: null });
  });

  test("defaults take the form the server reports", () => {
    const literal = (value: string | number | boolean) => ({ default: { kind: "literal" as const, value } });
    const t = only(
      snapshot(
        table("t", [
          col("d", { kind: "decimal", precision: 10, scale: 2 }, literal(".5")),
          col("rounded", { kind: "decimal", precision: 10, scale: 2 }, literal("-1.555")),
          col("whole", { kind: "decimal", precision: 5, scale: 0 }, literal("007.5")),
          col("b", "bigInt", literal("+007")),
          col("i", "int", literal("12")),
          col("flag", "boolean", literal(1)),
          col("at", "dateTime", literal("2024-01-02T05:04:05+02:00")),
          col("day", "date", literal("2024-01-02T00:00:00Z")),
          col("clock", "time", literal("07:30:00.250")),
          col("doc", "json", literal('{ "a" : 1 }')),
          col("expr", "int", { default: { kind: "sql", expression: " ((1 + 1)) " } }),
        ]),
      ),
    );
    expect(t.columns.map((c) => c.default)).toEqual([
      { kind: "literal", value: "0.50" },
      { kind: "literal", value: "-1.56" },
      { kind: "literal", value: "8" },
      { kind: "literal", value: "7" },
      { kind: "literal", value: 12 },
      { kind: "literal", value: true },
      { kind: "literal", value: "2024-01-02T03:04:05.000Z" },
      { kind: "literal", value: "2024-01-02" },
      { kind: "literal", value: "07:30:00" },
      { kind: "literal", value: '{"a":1}' },
      { kind: "sql", expression: "1 + 1" },
    ]);
  });

  test("is idempotent", () => {
    const s = snapshot(
      table(
        "t",
        [
          col("id", "int", { autoIncrement: true }),
          col("tags", "string", { array: true }),
          col("e", { kind: "enum", name: "E", values: ["x"] }),
        ],
        {
          primaryKey: { columns: ["id"] },
          indexes: [{ name: "i", columns: ["tags"], unique: true, type: "hash" }],
        },
      ),
    );
    expect(normalize(normalize(s))).toEqual(normalize(s));
  });
});

describe("MySQL DDL text and inverses", () => {
  const users = table(
    "users",
    [col("id", "int", { autoIncrement: true }), col("email", "string"), col("bio", "string", { nullable: true })],
    {
      primaryKey: { columns: ["id"] },
      uniques: [{ name: "users_email_key", columns: ["email"] }],
    },
  );
  const context = { before: snapshot(), after: snapshot(users) };

  test("keyed strings are VARCHAR(191), others TEXT; identifiers quoted with backticks", () => {
    const [statement] = mysqlDialect.ddl({ kind: "createTable", table: users }, context);
    expect(statement?.sql).toContain("`email` VARCHAR(191) NOT NULL");
    expect(statement?.sql).toContain("`bio` TEXT NULL");
    expect(statement?.sql).toContain("`id` INT NOT NULL AUTO_INCREMENT");
    expect(statement?.inverse).toEqual([{ sql: "DROP TABLE `users`" }]);
    expect(mysqlDialect.quote('we"ird`x')).toBe('`we"ird``x`');
  });

  test("inverseOperation undoes every single-statement operation and is its own inverse", () => {
    const column = col("c", "int");
    const ops: SingleStatementOperation[] = [
      { kind: "createTable", table: users },
      { kind: "renameTable", from: "a", to: "b" },
      { kind: "addColumn", table: "t", column },
      { kind: "renameColumn", table: "t", from: "a", to: "b" },
      { kind: "alterColumn", table: "t", from: column, to: { ...column, nullable: true } },
      { kind: "addPrimaryKey", table: "t", primaryKey: { columns: ["c"] } },
      { kind: "addUnique", table: "t", unique: { name: "u", columns: ["c"] } },
      { kind: "createIndex", table: "t", index: { name: "i", columns: ["c"], unique: false } },
      {
        kind: "addForeignKey",
        table: "t",
        foreignKey: {
          name: "f",
          columns: ["c"],
          referencedTable: "t",
          referencedColumns: ["c"],
          onDelete: "cascade",
          onUpdate: "cascade",
        },
      },
    ];
    for (const op of ops) {
      const inverse = inverseOperation(op);
      expect(inverse).not.toEqual(op);
      expect(inverseOperation(inverse)).toEqual(op);
    }
  });

  test("drops and narrowing changes are marked lossy; widening is not", () => {
    const lossy = (op: Operation, ctx = context) =>
      mysqlDialect.ddl(op, ctx).map((statement) => statement.lossy ?? null);
    expect(lossy({ kind: "dropTable", table: users }, { before: snapshot(users), after: snapshot() })).toEqual([
      "the rows of table users are lost",
    ]);
    const bio = users.columns[2]!;
    const withoutBio = { ...users, columns: users.columns.slice(0, 2) };
    expect(
      lossy(
        { kind: "dropColumn", table: "users", column: bio },
        { before: snapshot(users), after: snapshot(withoutBio) },
      )[0],
    ).toMatch(/users\.bio/);
    const narrowed = { ...bio, type: { kind: "string" as const, length: 10 } };
    const narrowedUsers = { ...users, columns: [...users.columns.slice(0, 2), narrowed] };
    const narrowing: Operation = { kind: "alterColumn", table: "users", from: bio, to: narrowed };
    expect(lossy(narrowing, { before: snapshot(users), after: snapshot(narrowedUsers) })[0]).toMatch(/converted/);
    const widening: Operation = { kind: "alterColumn", table: "users", from: narrowed, to: bio };
    expect(lossy(widening, { before: snapshot(narrowedUsers), after: snapshot(users) })).toEqual([null]);
  });
});
