import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { acceptedCoding } from "../../../src/adapters/http/compressed.js";
import { respondJsonText, respondPublicReadText } from "../../../src/adapters/http/respond.js";
import { ok } from "../../../src/domain/shared/result.js";

describe("Accept-Encoding", () => {
  it("takes the coding with the higher q-value, brotli on a tie, honours q=0 and the wildcard, and nothing when nothing is asked", () => {
    expect(acceptedCoding("gzip;q=1, br;q=0.5")).toBe("gzip");
    expect(acceptedCoding("br;q=0.5, gzip;q=0.5")).toBe("br");
    expect(acceptedCoding("gzip;q=0.8, *;q=0.9")).toBe("br");
    expect(acceptedCoding("gzip, deflate, br")).toBe("br");
    expect(acceptedCoding("gzip")).toBe("gzip");
    expect(acceptedCoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(acceptedCoding("*")).toBe("br");
    expect(acceptedCoding("*, br;q=0")).toBe("gzip");
    expect(acceptedCoding("identity")).toBeNull();
    expect(acceptedCoding("gzip;q=0")).toBeNull();
    expect(acceptedCoding(undefined)).toBeNull();
    expect(acceptedCoding("")).toBeNull();
  });
});

describe("compressed answers", () => {
  const decoded = async (res: Response, coding: string) => {
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get("content-encoding")).toBe(coding);
    expect(res.headers.get("vary")).toContain("Accept-Encoding");
    return (coding === "br" ? brotliDecompressSync(bytes) : gunzipSync(bytes)).toString();
  };

  it("answers each version of a public read encoded as asked, its ETag weak; a new version is encoded anew", async () => {
    let text = JSON.stringify({ data: "a".repeat(2000) });
    const app = new Hono();
    app.get("/read", (c) => respondPublicReadText(c, ok(text)));
    const ask = async (coding: string) => {
      const res = await app.request("/read", { headers: { "accept-encoding": coding } });
      expect(res.headers.get("etag")).toMatch(/^W\/"/);
      return decoded(res, coding);
    };
    expect(await ask("br")).toBe(text);
    expect(await ask("br")).toBe(text);
    expect(await ask("gzip")).toBe(text);
    text = JSON.stringify({ data: "b".repeat(2100) });
    expect(await ask("br")).toBe(text);
    expect(await ask("gzip")).toBe(text);
  });

  it("encodes any JSON answer over 1 KB when asked, and leaves smaller ones and clients that do not ask alone", async () => {
    const long = JSON.stringify({ data: "c".repeat(1500) });
    const app = new Hono();
    app.get("/long", (c) => respondJsonText(c, ok(long)));
    app.get("/short", (c) => respondJsonText(c, ok('{"a":1}')));
    const asked = { headers: { "accept-encoding": "gzip;q=1, br;q=0.4" } };
    expect(await decoded(await app.request("/long", asked), "gzip")).toBe(long);
    const plain = await app.request("/long");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(plain.headers.get("vary")).toContain("Accept-Encoding");
    expect(await plain.text()).toBe(long);
    const short = await app.request("/short", asked);
    expect(short.headers.get("content-encoding")).toBeNull();
    expect(await short.text()).toBe('{"a":1}');
  });
});
