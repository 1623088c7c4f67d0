import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../support/eventually.js";
import { DisposableRedisSearch } from "../support/redis-search-server.js";
import { buildServingIndex } from "../support/search-index.js";
import { startTestServer, type TestServer } from "../support/server.js";

const SPECIALIZATIONS = [
  "allergist", "anesthesiologist", "cardiologist", "dermatologist", "endocrinologist",
  "emergency medicine specialist", "family physician", "critical care medicine specialist",
  "gastroenterologist", "geriatric medicine specialist", "hematologist",
  "hospice and palliative medicine specialist", "infectious disease specialist", "internist",
  "medical geneticist", "nephrologist", "neurologist", "obstetricians and gynecologist", "oncologist",
  "ophthalmologist", "osteopaths", "otolaryngologist", "pathologist", "pediatrician", "physiatrist",
  "plastic surgeon", "podiatrist", "preventive medicine specialist", "psychiatrists", "pulmonologist",
  "radiologist", "rheumatologist", "sleep medicine specialist", "sports medicine specialist",
  "general surgeon", "urologist",
]; // biome-ignore format: one catalog name per entry reads best as a block

describe("foundation: system routes, catalog, docs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers /health", async () => {
    const res = await server.request("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("answers /ready with each dependency checked", async () => {
    await eventually(async () => (await server.request("/ready")).status === 200);
    const res = await server.request("/ready");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: "ok",
      checks: { postgres: "ok", redis: "ok", search: "ok" },
      roles: {
        postgres: ["primary"],
        redis: ["cache", "counters", "queue", "search"],
        search: ["doctor index"],
      },
    });
  });

  it("lists the 36 specializations of the original app, each with an absolute image URL", async () => {
    const res = await server.request("/misc/specializations");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { id: number; name: string; image: string }[] };
    expect(body.data.map((s) => s.name).sort()).toEqual([...SPECIALIZATIONS].sort());
    for (const s of body.data) expect(s.image).toMatch(/^http:\/\/doctorly\.test\/static\//);
  });

  it("lists the 9 qualifications", async () => {
    const res = await server.request("/misc/qualifications");
    const body = (await res.json()) as { data: { name: string }[] };
    expect(body.data.map((q) => q.name).sort()).toEqual(
      ["mbbs", "bds", "bams", "bums", "bhms", "byns", "frcps", "md", "do"].sort(),
    );
  });

  it("serves the default pictures the catalog points at", async () => {
    const res = await server.request("/static/defaults/specialization.svg");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/svg+xml");
  });

  it("answers an unknown route with problem+json", async () => {
    const res = await server.request("/no/such/route");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 404, title: "Not Found" });
  });

  it("gives a request id to every answer", async () => {
    const res = await server.request("/health");
    expect(res.headers.get("x-request-id")).toMatch(/.{8,}/);
  });

  it("publishes an OpenAPI 3.1 document describing the routes", async () => {
    const res = await server.request("/openapi.json");
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, unknown>;
      components: unknown;
    };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/health", "/ready", "/misc/qualifications", "/misc/specializations"]),
    );
    expect(JSON.stringify(doc.components)).toContain("bearerAuth");
  });

  it("serves the docs page and its assets itself, with no CDN", async () => {
    const page = await (await server.request("/")).text();
    const sources = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? "");
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const src of sources) {
      expect(src.startsWith("/")).toBe(true);
      expect((await server.request(src)).status).toBe(200);
    }
  });
});

describe("foundation: readiness follows the search Redis", () => {
  const redis = new DisposableRedisSearch(16_000 + Math.floor(Math.random() * 1000));
  let server: TestServer;
  beforeAll(async () => {
    await redis.start();
    server = await startTestServer({ REDIS_URL: redis.url });
    await buildServingIndex(server.runtime);
  });
  afterAll(async () => {
    await server.close();
    await redis.stop().catch(() => undefined);
  });

  it("turns 503 naming redis and search while it is down, and 200 again when it is back", async () => {
    const ready = async () => (await server.request("/ready")).status === 200;
    expect(await eventually(ready)).toBe(true);

    await redis.stop();
    const down = await server.request("/ready");
    expect(down.status).toBe(503);
    expect(down.headers.get("content-type")).toContain("application/problem+json");
    const body = (await down.json()) as { detail: string; checks: Record<string, string> };
    expect(body.checks).toEqual({ postgres: "ok", redis: "failed", search: "failed" });
    expect(body.detail).toContain("redis");
    expect((await server.request("/health")).status).toBe(200);

    await redis.start();
    // Back, but empty: not ready until the doctor index is there again (the workers' watchdog rebuilds it).
    const checksOnceRedisAnswers = async () => {
      const res = await server.request("/ready");
      const body = (await res.json()) as { checks: Record<string, string> };
      return body.checks.redis === "ok" ? { status: res.status, checks: body.checks } : null;
    };
    expect(await eventually(async () => (await checksOnceRedisAnswers()) !== null)).toBe(true);
    expect(await checksOnceRedisAnswers()).toEqual({
      status: 503,
      checks: { postgres: "ok", redis: "ok", search: "failed" },
    });
    await buildServingIndex(server.runtime);
    expect(await eventually(ready)).toBe(true);
  });
});
