import { describe, expect, it } from "vitest";
import { createBaseApp } from "../../../src/adapters/http/app.js";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";

function app() {
  const a = createBaseApp({ logger: createLogger("silent") });
  a.get("/public", (c) => c.json({ ok: true }, 200, { "cache-control": "public, max-age=86400" }));
  a.get("/plain", (c) => c.json({ ok: true }));
  a.get("/boom", () => {
    throw new Error("bug");
  });
  return a;
}

describe("Cache-Control on answers to requests with credentials", () => {
  const a = app();
  const withBearer = { headers: { authorization: "Bearer some-token" } };
  const withBasic = { headers: { authorization: "Basic YTpi" } };

  it("is no-store for Bearer and Basic, over a handler's own, on errors and unknown paths too", async () => {
    for (const init of [withBearer, withBasic]) {
      for (const path of ["/public", "/plain", "/boom", "/no/such/path"]) {
        const res = await a.request(path, init);
        expect(res.headers.get("cache-control"), `${path} ${init.headers.authorization}`).toBe("no-store");
      }
    }
  });

  it("leaves answers to anonymous requests as their handlers made them", async () => {
    expect((await a.request("/public")).headers.get("cache-control")).toBe("public, max-age=86400");
    expect((await a.request("/plain")).headers.get("cache-control")).toBeNull();
    expect((await a.request("/no/such/path")).headers.get("cache-control")).toBeNull();
  });
});
