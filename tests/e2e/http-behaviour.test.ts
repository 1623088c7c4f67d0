import { randomUUID } from "node:crypto";
import http from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "../../src/container.js";
import { bearer, createAdmin, registerAndSignIn } from "../support/accounts.js";
import { addSlot, newDoctor, newPatient } from "../support/booking.js";
import { eventually } from "../support/eventually.js";
import { startTestServer, type TestServer } from "../support/server.js";

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One request on `agent` (so that a kept-alive socket is reused), body written as given. */
function send(
  server: TestServer,
  agent: http.Agent,
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, server.baseUrl), { method, agent, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** A GET whose body is read as the bytes sent (fetch would decode a compressed answer). */
function rawGet(server: TestServer, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      http
        .get(new URL(path, server.baseUrl), { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        })
        .on("error", reject);
    },
  );
}

describe("HTTP: answers refused before the body is read", () => {
  let server: TestServer;
  let agent: http.Agent;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    agent?.destroy();
    await server?.close();
  });

  it("closes the connection after an early 413, so the client's next request on its pool succeeds", async () => {
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const big = Buffer.alloc(3 * 1024 * 1024, "a");
    const refused = await send(server, agent, "POST", "/users/register", big, {
      "content-type": "application/json",
      "content-length": String(big.length),
    });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe("close");
    expect(refused.headers["content-type"]).toContain("application/problem+json");
    // The security headers of every API answer are on this early one too.
    expect(refused.headers["x-content-type-options"]).toBe("nosniff");
    expect(refused.headers["content-security-policy"]).toContain("default-src 'none'");
    const next = await send(server, agent, "GET", "/health");
    expect(next.status).toBe(200);
  });

  it("answers an upload over the limit the same way: 413, Connection: close, the pool goes on", async () => {
    const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(server.config.MAX_UPLOAD_BYTES + 64 * 1024, "a");
      const doctor = await newDoctor(server);
      const refused = await send(server, pool, "POST", "/doctors/image", big, {
        "content-type": "multipart/form-data; boundary=x",
        "content-length": String(big.length),
        authorization: `Bearer ${doctor.token}`,
      });
      expect(refused.status).toBe(413);
      expect(refused.headers.connection).toBe("close");
      expect((await send(server, pool, "GET", "/health")).status).toBe(200);
    } finally {
      pool.destroy();
    }
  });

  it("never says 100 Continue to a body it already refuses, and does to one that fits", async () => {
    const expectContinue = (length: number) =>
      new Promise<{ continued: boolean; status: number; connection?: string }>((resolve, reject) => {
        let continued = false;
        const req = http.request(new URL("/users/register", server.baseUrl), {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": String(length),
            expect: "100-continue",
          },
        });
        req.on("continue", () => {
          continued = true;
          req.end(Buffer.alloc(length, " "));
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () =>
            resolve({ continued, status: res.statusCode ?? 0, connection: res.headers.connection }),
          );
          if (!continued) req.destroy();
        });
        req.on("error", (error) => (continued ? reject(error) : undefined));
      });
    const tooLarge = await expectContinue(3 * 1024 * 1024);
    expect(tooLarge).toMatchObject({ continued: false, status: 413, connection: "close" });
    const fits = await expectContinue(16);
    expect(fits.continued).toBe(true);
    expect(fits.status).toBe(400);
  });
});

describe("HTTP: methods", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a wrong method on a known path with 405 and Allow, and an unknown path with 404", async () => {
    const wrong = await server.request("/doctors/all", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");
    expect(await wrong.json()).toMatchObject({ status: 405, title: "Method Not Allowed" });
    const withParam = await server.request("/patient/waitlist/12", { method: "GET" });
    expect(withParam.status).toBe(405);
    expect(withParam.headers.get("allow")).toBe("DELETE, OPTIONS");
    const getOnPost = await server.request("/users/register");
    expect(getOnPost.headers.get("allow")).toBe("POST, OPTIONS");
    expect((await server.request("/no/such/path", { method: "DELETE" })).status).toBe(404);
  });

  it("answers OPTIONS with Allow for known paths only", async () => {
    const known = await server.request("/doctors/get/7", { method: "OPTIONS" });
    expect(known.status).toBe(204);
    expect(known.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
    const unknown = await server.request("/no/such/path", { method: "OPTIONS" });
    expect(unknown.status).toBe(404);
  });
});

describe("HTTP: problem types resolve", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers GET on an error's type with what it means, and 404 for a code that is none", async () => {
    const refused = await server.request("/users/info");
    const { type, status } = (await refused.json()) as { type: string; status: number };
    expect(type).toBe("/problems/unauthenticated");
    const explained = await server.request(type);
    expect(explained.status).toBe(200);
    expect(await explained.json()).toMatchObject({ type, code: "unauthenticated", status });
    const none = await server.request("/problems/no_such_code");
    expect(none.status).toBe(404);
    expect((await server.request("/problems/constructor")).status).toBe(404);
  });
});

describe("HTTP: compression", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("sends the docs bundle and the OpenAPI document brotli- or gzip-compressed when asked, the same bytes once decoded", async () => {
    for (const path of ["/docs/assets/swagger-ui-bundle.js", "/openapi.json"]) {
      const plain = await rawGet(server, path);
      expect(plain.headers["content-encoding"], path).toBeUndefined();
      expect(plain.headers.vary, path).toContain("Accept-Encoding");
      const br = await rawGet(server, path, { "accept-encoding": "gzip, deflate, br" });
      expect(br.headers["content-encoding"], path).toBe("br");
      expect(brotliDecompressSync(br.body).equals(plain.body), path).toBe(true);
      const gzip = await rawGet(server, path, { "accept-encoding": "gzip" });
      expect(gzip.headers["content-encoding"], path).toBe("gzip");
      expect(gunzipSync(gzip.body).equals(plain.body), path).toBe(true);
      if (path.endsWith(".js")) expect(br.body.length).toBeLessThan(plain.body.length / 3);
    }
  });
});

describe("HTTP: public reads are revalidated with ETags", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers If-None-Match with the current ETag 304 and no body, and a new ETag once the answer changes", async () => {
    const doctor = await newDoctor(server);
    const admin = await createAdmin(server);
    await server.request(`/admin/doctors/${doctor.id}/verify`, {
      method: "POST",
      headers: bearer(admin.token),
    });
    const path = `/doctors/slot/${doctor.id}`;
    const first = await server.request(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("public, no-cache");
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await server.request(path, { headers: { "if-none-match": etag as string } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    // A new slot changes the answer, so the old ETag no longer matches.
    await addSlot(server, doctor.token, { day: "monday", start: "09:00" });
    const changed = await server.request(path, { headers: { "if-none-match": etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(((await changed.json()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it("does the same for a cached doctor, the catalogs and the list, and keeps no-store for a signed-in caller", async () => {
    for (const path of [
      "/misc/specializations",
      "/misc/qualifications",
      "/doctors/all",
      "/doctors/popular/doctors",
    ]) {
      const first = await server.request(path);
      // fetch asks for compression, so a long answer comes with the weak form of its ETag.
      const etag = (first.headers.get("etag") as string).replace(/^W\//, "");
      expect(etag, path).toBeTruthy();
      expect(
        (await server.request(path, { headers: { "if-none-match": `W/${etag}, "other"` } })).status,
        path,
      ).toBe(304);
    }
    const user = await registerAndSignIn(server);
    const signedIn = await server.request("/misc/specializations", { headers: bearer(user.token) });
    expect(signedIn.headers.get("cache-control")).toBe("no-store");
  });
});

describe("HTTP: a create says where the created thing is", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("answers a booking 201 with a Location that reads the same appointment, for its owner only", async () => {
    const doctor = await newDoctor(server);
    const slot = await addSlot(server, doctor.token, { day: "tuesday", start: "10:00" });
    const user = await registerAndSignIn(server);
    const patient = await server.request("/patient/new", {
      method: "POST",
      headers: { ...bearer(user.token), "content-type": "application/json" },
      body: JSON.stringify({ name: "Located", age: 30, gender: "other" }),
    });
    expect(patient.headers.get("location")).toBe(
      `/patient/get/${((await patient.json()) as { id: number }).id}`,
    );
    const patientId = Number(patient.headers.get("location")?.split("/").pop());
    const booked = await server.request("/patient/new_appointment", {
      method: "POST",
      headers: { ...bearer(user.token), "content-type": "application/json" },
      body: JSON.stringify({ slot_id: (slot as { id: number }).id, patient_id: patientId }),
    });
    expect(booked.status).toBe(201);
    const appointment = (await booked.json()) as { id: number };
    const location = booked.headers.get("location") as string;
    expect(location).toBe(`/patient/appointment/${appointment.id}`);
    const read = await server.request(location, { headers: bearer(user.token) });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: appointment.id, status: "booked" });
    const stranger = await registerAndSignIn(server);
    expect((await server.request(location, { headers: bearer(stranger.token) })).status).toBe(404);
  });
});

describe("HTTP: API answers compressed when asked", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("sends a JSON answer over 1 KB as br or gzip to a client that asks, the same JSON decoded, its ETag weak and still revalidating", async () => {
    const plain = await rawGet(server, "/misc/specializations", {});
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    const br = await rawGet(server, "/misc/specializations", { "accept-encoding": "br, gzip" });
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toContain("Accept-Encoding");
    expect(br.headers.vary).toContain("Origin");
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.headers.etag).toBe(`W/${plain.headers.etag}`);
    const gz = await rawGet(server, "/misc/specializations", { "accept-encoding": "gzip" });
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    const revalidated = await rawGet(server, "/misc/specializations", {
      "accept-encoding": "gzip",
      "if-none-match": String(gz.headers.etag),
    });
    expect(revalidated.status).toBe(304);
    // Small answers stay as they are.
    const small = await rawGet(server, "/health", { "accept-encoding": "br" });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(small.body.toString())).toEqual({ status: "ok" });
  });
});

describe("HTTP: search answers and signed-in lists compressed when asked", () => {
  let server: TestServer;
  let workers: { close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer();
    workers = startWorkers(server.runtime);
  });
  afterAll(async () => {
    await workers?.close();
    await server?.close();
  });

  /** The same answer plain, as br and as gzip (q-values choose), each decoded, with its headers. */
  async function inEachCoding(path: string, headers: Record<string, string> = {}) {
    const plain = await rawGet(server, path, headers);
    expect(plain.status, path).toBe(200);
    expect(plain.headers["content-encoding"], path).toBeUndefined();
    expect(plain.headers.vary, path).toContain("Accept-Encoding");
    const br = await rawGet(server, path, { ...headers, "accept-encoding": "gzip, deflate, br" });
    const gzip = await rawGet(server, path, { ...headers, "accept-encoding": "gzip;q=1, br;q=0.5" });
    for (const [coding, answer] of [
      ["br", br],
      ["gzip", gzip],
    ] as const) {
      expect(answer.headers["content-encoding"], path).toBe(coding);
      expect(answer.headers.vary, path).toContain("Accept-Encoding");
      expect(answer.headers.vary, path).toContain("Origin");
      expect(Number(answer.headers["content-length"]), path).toBe(answer.body.length);
      const decoded = coding === "br" ? brotliDecompressSync(answer.body) : gunzipSync(answer.body);
      expect(decoded.toString(), path).toBe(plain.body.toString());
    }
    return { plain, br, gzip };
  }

  it("sends a search answer and a signed-in list over 1 KB as br or gzip, the same JSON decoded; small ones plain", async () => {
    const word = `Z${randomUUID()
      .replace(/[^a-f]/g, "")
      .slice(0, 10)}`;
    const description = "Sees adults and children; speaks English, Urdu and Punjabi. ".repeat(6);
    const doctors = await Promise.all(
      [1, 2, 3].map(() => newDoctor(server, { name: `Packed ${word}`, description })),
    );
    const search = `/misc/doctors/search?q=${word}`;
    const listed = async () =>
      ((JSON.parse((await rawGet(server, search)).body.toString()) as { data: unknown[] }).data.length ===
        doctors.length) as boolean;
    expect(await eventually(listed, 20_000, 50)).toBe(true);
    const found = await inEachCoding(search);
    expect(found.plain.body.length).toBeGreaterThan(1024);
    expect(found.br.body.length).toBeLessThan(found.plain.body.length / 2);

    const user = await registerAndSignIn(server);
    for (let i = 0; i < 9; i++)
      await newPatient(
        server,
        user.token,
        `Family member number ${i} of the household of ${word}, listed by id`,
      );
    const list = await inEachCoding("/patient/all", bearer(user.token));
    expect(list.plain.body.length).toBeGreaterThan(1024);
    expect(list.br.headers["cache-control"]).toBe("no-store");

    // Under 1 KB (one doctor of the same search), an answer is sent as it is, asked or not.
    const one = await rawGet(server, `${search}&per_page=1`, { "accept-encoding": "br" });
    expect(one.headers["content-encoding"]).toBeUndefined();
    expect(one.body.length).toBeLessThan(1024);
    expect((JSON.parse(one.body.toString()) as { data: unknown[] }).data).toHaveLength(1);
  });

  it("keeps a long public read revalidating: a weak ETag on the encoded answer, 304 for it with no body", async () => {
    const description = "Consultant in internal medicine with a long list of interests. ".repeat(20);
    const doctor = await newDoctor(server, { name: "Long Profile", description });
    const path = `/doctors/get/${doctor.id}`;
    const { plain, br, gzip } = await inEachCoding(path);
    expect(br.headers.etag).toBe(`W/${plain.headers.etag}`);
    expect(gzip.headers.etag).toBe(`W/${plain.headers.etag}`);
    for (const tag of [String(br.headers.etag), String(plain.headers.etag)]) {
      const again = await rawGet(server, path, { "accept-encoding": "br", "if-none-match": tag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      expect(again.headers.vary).toContain("Accept-Encoding");
    }
  });
});
