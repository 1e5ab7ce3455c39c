import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { normalizeLineEndings, sha256Hex } from "../../src/util/sha256.js";

const nodeSha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("sha256Hex", () => {
  it("matches the published SHA-256 test vectors", async () => {
    expect(await sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(await sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("hashes the UTF-8 bytes of unicode text, as Node's own hash does", async () => {
    const text = "CREATE TABLE \"ünïcødé\" (emoji text DEFAULT '🎉', cjk text DEFAULT '世界');\n";
    expect(await sha256Hex(text)).toBe(nodeSha256(text));
  });

  it("gives CRLF, lone CR and LF files the same checksum", async () => {
    const lf = await sha256Hex("CREATE TABLE a (x int);\nSELECT 1;\n");
    expect(await sha256Hex("CREATE TABLE a (x int);\r\nSELECT 1;\r\n")).toBe(lf);
    expect(await sha256Hex("CREATE TABLE a (x int);\rSELECT 1;\r")).toBe(lf);
    expect(lf).toBe(nodeSha256("CREATE TABLE a (x int);\nSELECT 1;\n"));
  });

  it("sees every other change, whitespace included", async () => {
    const base = await sha256Hex("SELECT 1;\n");
    expect(await sha256Hex("SELECT 1; \n")).not.toBe(base);
    expect(await sha256Hex("SELECT 1;\n\n")).not.toBe(base);
    expect(await sha256Hex("\uFEFFSELECT 1;\n")).not.toBe(base);
  });

  it("returns 64 lowercase hex digits", async () => {
    expect(await sha256Hex("x".repeat(100_000))).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("normalizeLineEndings", () => {
  it("turns CRLF and lone CR into LF and leaves LF alone", () => {
    expect(normalizeLineEndings("a\r\nb\rc\nd\r\r\n")).toBe("a\nb\nc\nd\n\n");
    expect(normalizeLineEndings("no breaks")).toBe("no breaks");
  });
});
