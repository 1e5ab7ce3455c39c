/**
 * `viborm/d1-http` through the migration client, against the local D1 HTTP endpoint on
 * Miniflare's D1; round trips are the HTTP requests the endpoint counts.
 */
import { createClient, type D1HttpFetch } from "viborm/d1-http";
import { emptyD1, sharedD1 } from "../fixtures/d1.js";
import { describeD1Workflow, type Hold } from "../fixtures/d1-suite.js";

describeD1Workflow("viborm/d1-http", async () => {
  const { http } = await sharedD1();
  await emptyD1(http.database);
  const { endpoint, databaseId } = http;
  const start = endpoint.requests();
  return {
    client(schema, hold) {
      return createClient({
        schema,
        accountId: endpoint.accountId,
        databaseId,
        apiToken: endpoint.apiToken,
        baseUrl: endpoint.baseUrl,
        ...(hold ? { fetch: holding(hold) } : {}),
      });
    },
    roundTrips: () => endpoint.requests() - start,
    sent: () => endpoint.log.slice(start).flatMap((request) => sqlOf(request.body)),
  };
});

/** The global fetch, delayed by `hold` with the SQL each request carries. */
function holding(hold: Hold): D1HttpFetch {
  return async (url, init) => {
    await hold(sqlOf(JSON.parse(init.body)));
    return fetch(url, init);
  };
}

function sqlOf(body: unknown): string[] {
  const request = body as { sql?: string; batch?: { sql: string }[] } | undefined;
  if (request?.batch) return request.batch.map((query) => query.sql);
  return request?.sql === undefined ? [] : [request.sql];
}
