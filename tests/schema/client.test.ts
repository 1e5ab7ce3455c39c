import { isVibormError, s, serializeSchema } from "viborm";
import { createClient } from "viborm/sqlite3";
import { describe, expect, test } from "vitest";
import { schema } from "../../examples/schema.js";

describe("createClient validates the schema", () => {
  test("an invalid schema fails at createClient with INVALID_SCHEMA naming the model and field", () => {
    const user = s.model({ id: s.int().id() });
    const post = s.model({ id: s.int().id(), author: s.manyToOne(() => user) });
    let caught: unknown;
    try {
      createClient({ schema: { user, post }, filename: ":memory:" });
    } catch (error) {
      caught = error;
    }
    expect(isVibormError(caught, "INVALID_SCHEMA")).toBe(true);
    expect((caught as { meta: unknown }).meta).toMatchObject({
      model: "post",
      field: "author",
      problem: "missingFields",
    });
  });

  test("a valid schema's client carries its snapshot", async () => {
    const client = createClient({ schema, filename: ":memory:" });
    try {
      expect(client.$snapshot).toStrictEqual(serializeSchema(schema));
      expect(await client.$queryRaw("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      await client.$close();
    }
  });
});

describe("a client made per request or per tenant", () => {
  test("serialises its schema once: clients over the same schema share one frozen snapshot", async () => {
    const clients = [1, 2, 3].map(() => createClient({ schema, filename: ":memory:" }));
    try {
      expect(clients[1]!.$snapshot).toBe(clients[0]!.$snapshot);
      expect(clients[2]!.$snapshot).toBe(clients[0]!.$snapshot);
      expect(Object.isFrozen(clients[0]!.$snapshot.tables[0]!.columns[0])).toBe(true);
      expect(() => {
        (clients[0]!.$snapshot.tables as unknown[]).push({});
      }).toThrow(TypeError);
    } finally {
      await Promise.all(clients.map((client) => client.$close()));
    }
  });

  test("other options, or a schema record changed since, get their own snapshot", async () => {
    const record: Record<string, ReturnType<typeof s.model>> = {
      user: s.model({ id: s.int().id().increment(), email: s.string() }),
    };
    const first = createClient({ schema: record, filename: ":memory:" });
    const withoutKeys = createClient({ schema: record, filename: ":memory:", foreignKeys: false });
    record.tag = s.model({ id: s.int().id().increment(), label: s.string() });
    const second = createClient({ schema: record, filename: ":memory:" });
    try {
      expect(withoutKeys.$snapshot).not.toBe(first.$snapshot);
      expect(first.$snapshot.tables.map((t) => t.name)).toEqual(["user"]);
      expect(second.$snapshot.tables.map((t) => t.name)).toEqual(["tag", "user"]);
      expect(second.$snapshot).toStrictEqual(serializeSchema(record));
    } finally {
      await Promise.all([first, withoutKeys, second].map((client) => client.$close()));
    }
  });
});
