/**
 * Secrets never leave in an error, a log line or a JSON document: URL passwords, token parameters,
 * bearer tokens, and every secret a driver was given, however it is echoed (case, URL-encoding).
 */
import { QueryFailedError, redactSecrets, rememberSecret } from "viborm";
import { createClient as createNeonClient } from "viborm/neon-http";
import { describe, expect, test } from "vitest";

describe("redactSecrets", () => {
  test("the password of any URL, whatever the scheme", () => {
    expect(redactSecrets("connect postgres://app:hunter22@db.example.com:5432/shop failed")).toBe(
      "connect postgres://app:[redacted]@db.example.com:5432/shop failed",
    );
    expect(redactSecrets("mysql://root:p%40ss@127.0.0.1/x and https://u:tok@api.test/")).toBe(
      "mysql://root:[redacted]@127.0.0.1/x and https://u:[redacted]@api.test/",
    );
    expect(redactSecrets("postgres://app@db/x")).toBe("postgres://app@db/x");
  });

  test("password=, token= and JSON keys; bearer and basic credentials", () => {
    expect(redactSecrets("host=db password=abc123 user=x")).toBe("host=db password=[redacted] user=x");
    expect(redactSecrets('{"apiToken": "cf-123456", "name": "x"}')).toBe('{"apiToken": "[redacted]", "name": "x"}');
    expect(redactSecrets("Authorization: Bearer abcdefghijklmnop")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets("unexpected token: }")).toBe("unexpected token: }");
  });

  test("a remembered secret in any letter case, and URL-encoded", () => {
    rememberSecret("Tok-EN/Value-98765");
    expect(redactSecrets("echo tok-en/value-98765 and TOK-EN/VALUE-98765")).toBe("echo [redacted] and [redacted]");
    expect(redactSecrets(`x=${encodeURIComponent("Tok-EN/Value-98765")}`)).toBe("x=[redacted]");
  });

  test("viborm errors redact their message and every string in meta", () => {
    const error = new QueryFailedError("PostgreSQL query failed: postgres://a:pw-123456@h/db", {
      sql: "SELECT 'postgres://a:pw-123456@h/db'",
      driver: "pg",
    });
    expect(JSON.stringify(error.toJSON())).not.toContain("pw-123456");
    expect(error.message).toContain("postgres://a:[redacted]@h/db");
  });

  test("a driver's URL password is remembered: an echo of it alone, lower-cased, is redacted", () => {
    const client = createNeonClient({
      schema: {},
      databaseUrl: "postgres://app:MixedCase-Secret-42@neon.example/db",
      fetchEndpoint: "http://127.0.0.1:1/sql",
    });
    expect(redactSecrets("the server said: mixedcase-secret-42 is wrong")).toBe("the server said: [redacted] is wrong");
    return client.$close();
  });
});
