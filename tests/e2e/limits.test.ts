import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, newDoctor } from "../support/booking.js";
import { imageForm, pngOf } from "../support/images.js";
import { randomLoopback, rawRequest } from "../support/raw-http.js";
import { startTestServer, type TestServer } from "../support/server.js";

/** GET from a chosen loopback address, so each test is a client of its own. */
const getFrom = (server: TestServer, localAddress: string, path: string) =>
  rawRequest(server.baseUrl, { method: "GET", path, localAddress });

describe("limits: search per client", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SEARCHES_PER_MINUTE: "5" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers 429 with Retry-After past the client's searches a minute, on every search path, and only for that client", async () => {
    const client = randomLoopback();
    const paths = [
      "/misc/doctors/search?q=ayesha",
      "/misc/doctors/ays",
      "/misc/doctors/specialization/cardiologist",
      "/misc/doctors/qualification/mbbs",
      "/misc/doctors/day/monday",
    ];
    // The limit counts requests, whatever they find. The shared test index may be rebuilt by another
    // suite meanwhile (503 while RediSearch 2.x indexes in the background): any answer but 429 will do.
    const answered = (status: number) => status === 200 || status === 503;
    for (const path of paths) expect(answered((await getFrom(server, client, path)).status), path).toBe(true);
    const refused = await getFrom(server, client, "/misc/doctors/search?q=khan");
    expect(refused.status).toBe(429);
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(60);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 429, title: "Too Many Requests" });
    expect(answered((await getFrom(server, randomLoopback(), "/misc/doctors/search?q=khan")).status)).toBe(
      true,
    );
    // Other reads are not search: they stay open to the same client.
    expect((await getFrom(server, client, "/doctors/all")).status).toBe(200);
  });
});

describe("limits: picture uploads per account", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ UPLOADS_PER_HOUR: "2" });
  });
  afterAll(async () => {
    await server?.close();
  });

  const upload = async (token: string) =>
    server.request("/doctors/image", {
      method: "POST",
      headers: auth(token),
      body: imageForm(await pngOf(64, 64)),
    });

  it("refuses an account's uploads past the hourly limit (429), before reading the picture, and not another account's", async () => {
    const doctor = await newDoctor(server);
    expect((await upload(doctor.token)).status).toBe(200);
    expect((await upload(doctor.token)).status).toBe(200);
    const refused = await upload(doctor.token);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const other = await newDoctor(server);
    expect((await upload(other.token)).status).toBe(200);
  });
});
