import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { acceptedCoding, compressAnswers } from "../../../src/adapters/http/compressed.js";

describe("Accept-Encoding", () => {
  it("takes brotli before gzip, honours q=0 and the wildcard, and nothing when nothing is asked", () => {
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
  it("answers each version of a public read encoded as asked; a new ETag is encoded anew", async () => {
    let text = JSON.stringify({ data: "a".repeat(2000) });
    const app = new Hono();
    app.use(compressAnswers());
    app.get("/read", (c) =>
      c.body(text, 200, { "content-type": "application/json", etag: `"${text.length}"` }),
    );
    const ask = async (coding: string) => {
      const res = await app.request("/read", { headers: { "accept-encoding": coding } });
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("content-encoding")).toBe(coding);
      expect(res.headers.get("etag")).toMatch(/^W\//);
      return (coding === "br" ? brotliDecompressSync(bytes) : gunzipSync(bytes)).toString();
    };
    expect(await ask("br")).toBe(text);
    expect(await ask("br")).toBe(text);
    expect(await ask("gzip")).toBe(text);
    text = JSON.stringify({ data: "b".repeat(2100) });
    expect(await ask("br")).toBe(text);
    expect(await ask("gzip")).toBe(text);
  });
});
