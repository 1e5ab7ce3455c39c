/**
 * The local Neon endpoint speaks the wire format the real client expects (checked here with plain
 * `fetch`, so a fixture bug cannot hide behind the client): headers, single and batched bodies,
 * text values typed by `dataTypeID`, and errors as HTTP 400 with PostgreSQL's fields.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createPgDatabase, requireDatabase, type TempDatabase } from "../../helpers/databases.js";
import { type NeonEndpoint, startNeonEndpoint } from "../fixtures/neon-endpoint.js";

describe("local Neon SQL-over-HTTP endpoint", () => {
  let database: TempDatabase | undefined;
  let endpoint: NeonEndpoint;

  beforeAll(async () => {
    if (!(await requireDatabase("postgres", "Neon endpoint fixture tests"))) return;
    [database, endpoint] = await Promise.all([createPgDatabase("viborm_neon_wire"), startNeonEndpoint()]);
  });
  afterAll(async () => {
    await endpoint?.close();
    await database?.drop();
  });

  async function post(body: unknown, headers: Record<string, string> = {}) {
    // A wrong host and port in the connection string: the endpoint pins its upstream server.
    const connectionString = database!.url.replace("127.0.0.1:5432", "elsewhere.invalid:6543");
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers: {
        "Neon-Connection-String": connectionString,
        "Neon-Raw-Text-Output": "true",
        "Neon-Array-Mode": "true",
        ...headers,
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  test("a single query: text values, field type ids, command and rowCount; params as text", async (context) => {
    if (!database) return context.skip();
    const { status, json } = await post({
      query: "SELECT $1::int + 1 AS n, $2::text AS t, NULL AS z",
      params: ["41", null],
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({
      command: "SELECT",
      rowCount: 1,
      rowAsArray: true,
      fields: [
        { name: "n", dataTypeID: 23, format: "text" },
        { name: "t", dataTypeID: 25 },
        { name: "z", dataTypeID: 25 },
      ],
      rows: [["42", null, null]],
    });
    const objects = await post({ query: "SELECT 1 AS a" }, { "Neon-Array-Mode": "false" });
    expect(objects.json).toMatchObject({ rowAsArray: false, rows: [{ a: "1" }] });
    const ddl = await post({ query: "CREATE TABLE wire (id int)" });
    expect(ddl.json).toMatchObject({ command: "CREATE", rowCount: null, fields: [], rows: [] });
  });

  test("a transaction: results in order, READ ONLY from its header, rolled back on the first error", async (context) => {
    if (!database) return context.skip();
    await post({ query: "CREATE TABLE IF NOT EXISTS kept (id int)" });
    const ok = await post(
      { queries: [{ query: "INSERT INTO kept VALUES (1)", params: [] }, { query: "SELECT count(*) FROM kept" }] },
      { "Neon-Batch-Isolation-Level": "Serializable" },
    );
    expect(ok.status).toBe(200);
    expect((ok.json.results as { command: string; rowCount: number }[]).map((r) => [r.command, r.rowCount])).toEqual([
      ["INSERT", 1],
      ["SELECT", 1],
    ]);
    const readOnly = await post(
      { queries: [{ query: "INSERT INTO kept VALUES (2)" }] },
      { "Neon-Batch-Read-Only": "true" },
    );
    expect(readOnly).toMatchObject({ status: 400, json: { code: "25006" } });
    const failed = await post({
      queries: [{ query: "INSERT INTO kept VALUES (3)" }, { query: "SELECT * FROM nowhere" }],
    });
    expect(failed.status).toBe(400);
    expect(failed.json).toMatchObject({ code: "42P01", severity: "ERROR", position: "15", constraint: null });
    expect(failed.json).not.toHaveProperty("results");
    const count = await post({ query: "SELECT count(*) FROM kept" });
    expect(count.json.rows).toEqual([["1"]]);
  });

  test("two statements in one query fail as on Neon; bad requests are refused", async (context) => {
    if (!database) return context.skip();
    expect(await post({ query: "SELECT 1; SELECT 2" })).toMatchObject({ status: 400, json: { code: "42601" } });
    expect(await post({ queries: [] }, { "Neon-Batch-Isolation-Level": "Sometimes" })).toMatchObject({ status: 400 });
    const before = endpoint.requests;
    const noConnection = await fetch(endpoint.url, { method: "POST", body: JSON.stringify({ query: "SELECT 1" }) });
    expect(noConnection.status).toBe(400);
    expect(endpoint.requests).toBe(before + 1);
  });
});
