import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAndSignIn } from "../support/accounts.js";
import { startTestServer, type TestServer } from "../support/server.js";

/**
 * Load shedding over a real socket, with an in-flight bound of 2: sign-ins (an Argon2 check each, tens
 * of milliseconds) sent all at once overlap, so the ones past the bound are refused at once.
 */
describe("load shedding: a quick 503 past the in-flight bound", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SHED_MAX_IN_FLIGHT: "2" });
  });
  afterAll(async () => {
    await server.close();
  });

  it("answers excess concurrent requests 503 with Retry-After and the problem body; never 500; probes always", async () => {
    const account = await registerAndSignIn(server);
    const signIn = () =>
      server.request("/auth/get_token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
    const burst = await Promise.all([
      ...Array.from({ length: 12 }, () => signIn()),
      ...["/health", "/ready", "/health"].map((path) => server.request(path)),
    ]);
    const signIns = burst.slice(0, 12);
    const probes = burst.slice(12);

    const statuses = signIns.map((r) => r.status);
    expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    for (const res of signIns.filter((r) => r.status === 503)) {
      expect(res.headers.get("retry-after")).toBe("1");
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(await res.json()).toMatchObject({ type: "/problems/overloaded", status: 503 });
    }
    for (const res of signIns.filter((r) => r.status === 200)) await res.arrayBuffer();
    expect(probes.map((r) => r.status)).toEqual([200, 200, 200]);

    // Once the burst is over, the next request is served.
    expect((await signIn()).status).toBe(200);
  });
});
