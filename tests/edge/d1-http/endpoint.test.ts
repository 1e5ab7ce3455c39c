/**
 * The local D1 HTTP endpoint speaks Cloudflare's D1 query API as documented: routing and bearer
 * authentication, `{ sql, params }` and `{ batch }` bodies, one result per statement, a batch that
 * is all-or-nothing, failures as HTTP 400 with `success: false` and `errors`, and every request counted.
 */
import { beforeEach, describe, expect, test } from "vitest";
import { type D1Fixture, emptyD1, sharedD1 } from "../fixtures/d1.js";

describe("local D1 HTTP endpoint", () => {
  let http: D1Fixture["http"];
  beforeEach(async () => {
    http = (await sharedD1()).http;
    await emptyD1(http.database);
  });

  async function post(body: unknown, init: { path?: string; token?: string } = {}) {
    const { endpoint, databaseId } = http;
    const path = init.path ?? `/accounts/${endpoint.accountId}/d1/database/${databaseId}/query`;
    const response = await fetch(`${endpoint.baseUrl}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${init.token ?? endpoint.apiToken}`, "Content-Type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, payload: (await response.json()) as Record<string, unknown> };
  }

  test("{ sql, params }: one result with rows and meta; a script gets one result per statement", async () => {
    const created = await post({
      sql: `CREATE TABLE "t" ("id" INTEGER PRIMARY KEY, "x" TEXT); INSERT INTO "t" VALUES (1, 'a')`,
    });
    expect(created.status).toBe(200);
    expect(created.payload).toMatchObject({ success: true, errors: [], messages: [] });
    expect(created.payload.result).toHaveLength(2);
    const selected = await post({ sql: `SELECT * FROM "t" WHERE "id" = ?`, params: [1] });
    expect(selected.payload.result).toEqual([
      { results: [{ id: 1, x: "a" }], success: true, meta: expect.objectContaining({ changes: 0 }) },
    ]);
  });

  test("{ batch }: one transaction; a failing statement undoes the whole batch", async () => {
    const ok = await post({
      batch: [
        { sql: `CREATE TABLE "t" ("id" INTEGER PRIMARY KEY)` },
        { sql: `INSERT INTO "t" VALUES (?)`, params: [1] },
      ],
    });
    expect(ok.status).toBe(200);
    expect((ok.payload.result as unknown[]).length).toBe(2);
    const failed = await post({
      batch: [
        { sql: `INSERT INTO "t" VALUES (2)` },
        { sql: `CREATE TABLE "u" ("id" INTEGER)` },
        { sql: `INSERT INTO "t" VALUES (1)` },
      ],
    });
    expect(failed).toEqual({
      status: 400,
      payload: {
        result: [],
        success: false,
        errors: [{ code: 7500, message: expect.stringMatching(/^UNIQUE constraint failed: t\.id/) }],
        messages: [],
      },
    });
    const rows = await post({ sql: `SELECT name FROM sqlite_master WHERE name = 'u' UNION ALL SELECT "id" FROM "t"` });
    expect((rows.payload.result as { results: unknown[] }[])[0]!.results).toEqual([{ name: 1 }]);
  });

  test("bytes travel as arrays of byte values", async () => {
    await post({ sql: `CREATE TABLE "b" ("raw" BLOB)` });
    await post({ sql: `INSERT INTO "b" VALUES (?)`, params: [[0, 7, 255]] });
    const read = await post({ sql: `SELECT "raw", typeof("raw") AS "type" FROM "b"` });
    expect((read.payload.result as { results: unknown[] }[])[0]!.results).toEqual([{ raw: [0, 7, 255], type: "blob" }]);
  });

  test("refuses a wrong token, an unknown route or database, a malformed body; counts every request", async () => {
    const start = http.endpoint.requests();
    expect((await post({ sql: "SELECT 1" }, { token: "wrong" })).status).toBe(401);
    expect((await post({ sql: "SELECT 1" }, { path: "/accounts/someone-else/d1/database/x/query" })).status).toBe(404);
    const unknown = await post(
      { sql: "SELECT 1" },
      { path: `/accounts/${http.endpoint.accountId}/d1/database/nope/query` },
    );
    expect(unknown).toMatchObject({ status: 404, payload: { success: false, errors: [{ code: 7404 }] } });
    expect((await post("{ not json")).status).toBe(400);
    expect((await post({ batch: [{ nope: 1 }] })).status).toBe(400);
    expect(http.endpoint.requests() - start).toBe(5);
    expect(http.endpoint.log.at(-1)).toMatchObject({ method: "POST", body: { batch: [{ nope: 1 }] } });
  });
});
