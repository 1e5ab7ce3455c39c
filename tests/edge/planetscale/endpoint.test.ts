/**
 * The local PlanetScale endpoint (a test fixture) speaks the wire format the real client reads:
 * checked here with raw HTTP, so the driver tests stand on a faithful server.
 */
import { connect } from "@planetscale/database";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { requireDatabase } from "../../helpers/databases.js";
import { startPlanetScaleEndpoint } from "../fixtures/planetscale-endpoint.js";
import { type EndpointDatabase, endpointDatabase } from "./helpers.js";

interface WireResponse {
  session?: { signature: string; vitessSession: { sessionUUID: string } } | null;
  timing?: number;
  result?: {
    rowsAffected?: string;
    insertId?: string;
    fields?: { name: string; type?: string; charset?: number }[];
    rows?: { lengths: string[]; values?: string }[];
  };
  error?: { code: string; message: string };
}

/** POSTs to the endpoint as the client does; resolves to the status and parsed body. */
async function post(url: string, path: string, body: unknown): Promise<{ status: number; json: WireResponse }> {
  const parsed = new URL(url);
  const auth = btoa(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`);
  const response = await fetch(`http://${parsed.host}/psdb.v1alpha1.Database/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Basic ${auth}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as WireResponse };
}

describe("local PlanetScale endpoint", () => {
  let db: EndpointDatabase;
  let skip = false;
  beforeEach(async (ctx) => {
    skip = !(await requireDatabase("mysql", "planetscale endpoint tests"));
    if (skip) ctx.skip();
    db = await endpointDatabase();
  });
  afterEach(async () => {
    if (!skip) await db.drop();
  });

  test("Execute answers rows as lengths and base64 values, fields with Vitess types", async () => {
    const { status, json } = await post(db.url, "Execute", {
      query:
        "SELECT CAST(9007199254740993 AS SIGNED) AS big, CAST(18446744073709551615 AS UNSIGNED) AS u, 7 AS i, 'é' AS txt, NULL AS nothing, X'00ff' AS bin, CAST('2026-01-02 03:04:05' AS DATETIME) AS at, 1.50 AS num",
      session: null,
    });
    expect(status).toBe(200);
    expect(json.session?.vitessSession.sessionUUID).toEqual(expect.any(String));
    expect(json.timing).toEqual(expect.any(Number));
    const types = Object.fromEntries((json.result?.fields ?? []).map((field) => [field.name, field.type]));
    expect(types).toEqual({
      big: "INT64",
      u: "UINT64",
      i: "INT32",
      txt: "VARCHAR",
      nothing: undefined,
      bin: "VARBINARY",
      at: "DATETIME",
      num: "DECIMAL",
    });
    const [row] = json.result?.rows ?? [];
    expect(row?.lengths).toEqual(["16", "20", "1", "2", "-1", "2", "19", "4"]);
    const bytes = Uint8Array.from(atob(row!.values!), (c) => c.charCodeAt(0));
    expect(new TextDecoder().decode(bytes.slice(0, 16))).toBe("9007199254740993");
    expect([...bytes.slice(37, 39)]).toEqual([0xc3, 0xa9]);
    expect([...bytes.slice(39, 41)]).toEqual([0x00, 0xff]);
  });

  test("writes report rowsAffected and insertId as strings; DDL an empty result", async () => {
    const ddl = await post(db.url, "Execute", {
      query: "CREATE TABLE w (id INT AUTO_INCREMENT PRIMARY KEY, x INT)",
      session: null,
    });
    expect(ddl.json.result).toEqual({});
    const insert = await post(db.url, "Execute", {
      query: "INSERT INTO w (x) VALUES (1), (2)",
      session: ddl.json.session,
    });
    expect(insert.json.result).toEqual({ rowsAffected: "2", insertId: "1" });
  });

  test("a database error is HTTP 200 with Vitess's code and message", async () => {
    const { status, json } = await post(db.url, "Execute", { query: "SELECT * FROM nope", session: null });
    expect(status).toBe(200);
    expect(json.error?.code).toBe("NOT_FOUND");
    expect(json.error?.message).toMatch(
      /code = NotFound desc = Table '.*\.nope' doesn't exist \(errno 1146\) \(sqlstate 42S02\)/,
    );
    expect(json.session).toBeDefined();
  });

  test("a session pins one MariaDB connection; null opens another; a forged one is refused", async () => {
    const id = async (session: unknown) => {
      const { json } = await post(db.url, "Execute", { query: "SELECT CONNECTION_ID() AS id", session });
      const bytes = atob(json.result!.rows![0]!.values!);
      return { id: bytes, session: json.session };
    };
    const first = await id(null);
    const again = await id(first.session);
    const other = await id(null);
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    const forged = { ...first.session, vitessSession: { sessionUUID: "someone-else" } };
    const refused = await post(db.url, "Execute", { query: "SELECT 1", session: forged });
    expect(refused.json.error?.code).toBe("UNAUTHENTICATED");
    // CreateSession, as `connection.refresh()` calls it, gives a usable session too.
    const created = await post(db.url, "CreateSession", {});
    expect((await id(created.json.session)).id).not.toBe(first.id);
  });

  test("bad credentials are HTTP 401, other paths 404, and every request is counted", async () => {
    const wrong = new URL(db.url);
    wrong.password = "wrong";
    expect((await post(wrong.toString(), "Execute", { query: "SELECT 1", session: null })).status).toBe(401);
    const parsed = new URL(db.url);
    const other = await fetch(`http://${parsed.host}/psdb.v1alpha1.Database/Nope`, { method: "POST" });
    expect(other.status).toBe(404);
    db.mark();
    await connect({ url: db.url }).execute("SELECT 1");
    expect(db.requests()).toEqual([{ method: "Execute", database: db.name, query: "SELECT 1", session: null }]);
  });
});

describe("local PlanetScale endpoint sessions", () => {
  test("idle sessions end (their locks with them) and close() ends the rest", async (ctx) => {
    if (!(await requireDatabase("mysql", "planetscale endpoint tests"))) ctx.skip();
    const endpoint = await startPlanetScaleEndpoint({ idleTimeoutMs: 200 });
    const db = await endpointDatabase();
    try {
      const url = endpoint.url(db.name);
      const held = await post(url, "Execute", { query: "SELECT GET_LOCK('idle-test', 0) AS got", session: null });
      expect(endpoint.sessionCount(db.name)).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(endpoint.sessionCount(db.name)).toBe(0);
      const expired = await post(url, "Execute", { query: "SELECT 1", session: held.json.session });
      expect(expired.json.error?.code).toBe("ABORTED");
      // The lock went with the session's connection: a new session takes it at once.
      const next = await post(url, "Execute", {
        query: "SELECT GET_LOCK('idle-test', 0) AS got",
        session: expired.json.session,
      });
      expect(atob(next.json.result!.rows![0]!.values!)).toBe("1");
      await endpoint.close();
      expect(endpoint.sessionCount()).toBe(0);
    } finally {
      await endpoint.close();
      await db.drop();
    }
  });
});
