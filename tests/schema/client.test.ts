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
