import { randomInt } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { type DatabasePool, sql } from "slonik";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { PG_POOL } from "../../src/container.js";
import { createAdmin, registerAndSignIn, type SignedInAccount } from "../support/accounts.js";
import { auth, get, newDoctor } from "../support/booking.js";
import {
  hasGpsPointer,
  imageForm,
  interlacedPng,
  jpegWithGps,
  pngDeclaring,
  pngOf,
  solid,
  webpBomb,
  webpOf,
} from "../support/images.js";
import { json, startTestServer, type TestServer } from "../support/server.js";

interface DoctorJson {
  id: number;
  image: string;
}
interface SpecializationJson {
  id: number;
  name: string;
  image: string;
}

describe("pictures: upload, re-encode, store and serve", () => {
  let server: TestServer;
  let pool: DatabasePool;
  let uploadDir: string;
  let admin: SignedInAccount;
  // A seeded specialization (the catalog is fixed at 36): its picture is put back afterwards.
  let specialization: { id: number; name: string; image: string | null };

  const upload = (
    url: string,
    token: string | null,
    body: RequestInit["body"],
    headers: Record<string, string> = {},
  ) =>
    server.request(url, {
      method: "POST",
      headers: token ? auth(token, headers) : headers,
      body,
    });
  /** The public URL points at PUBLIC_BASE_URL (http://doctorly.test); fetch it from the test server. */
  const fetchPublic = (url: string) => {
    expect(url.startsWith("http://doctorly.test/static/media/")).toBe(true);
    return fetch(url.replace("http://doctorly.test", server.baseUrl));
  };
  const storedFiles = async () => (await readdir(uploadDir)).sort();
  const outboxTypes = async (field: "doctorId" | "specializationId", id: number) =>
    pool.anyFirst(sql.type(z.object({ type: z.string() }))`
      SELECT type FROM outbox WHERE (payload->>${field})::int = ${id} ORDER BY id
    `);

  beforeAll(async () => {
    uploadDir = path.join(await mkdtemp(path.join(tmpdir(), "doctorly-images-")), "uploads");
    server = await startTestServer({ UPLOAD_DIR: uploadDir });
    pool = server.runtime.container.get<DatabasePool>(PG_POOL);
    admin = await createAdmin(server);
    specialization = await pool.one(
      sql.type(
        z.object({ id: z.number(), name: z.string(), image: z.string().nullable() }),
      )`SELECT id, name, image FROM specializations ORDER BY id OFFSET ${randomInt(36)} LIMIT 1`,
    );
  });
  afterAll(async () => {
    await pool?.query(
      sql.unsafe`UPDATE specializations SET image = ${specialization?.image ?? null} WHERE id = ${specialization?.id ?? 0}`,
    );
    await server?.close();
    await rm(path.dirname(uploadDir), { recursive: true, force: true });
  });

  it("creates UPLOAD_DIR at start", async () => {
    expect(await storedFiles()).toEqual([]);
  });

  it("sets a doctor's picture from a large PNG: 200 Doctor, ≤ 512 px, aspect kept, served as WebP", async () => {
    const doctor = await newDoctor(server);
    const res = await upload("/doctors/image", doctor.token, imageForm(await pngOf(3000, 1500)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as DoctorJson;
    expect(body.id).toBe(doctor.id);
    expect(body.image).toMatch(/^http:\/\/doctorly\.test\/static\/media\/[0-9a-f-]{36}\.webp$/);

    const served = await fetchPublic(body.image);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/webp");
    expect(served.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(meta).toMatchObject({ format: "webp", width: 512, height: 256 });

    const again = (await (await get(server, `/doctors/get/${doctor.id}`)).json()) as DoctorJson;
    expect(again.image).toBe(body.image);
    expect(await outboxTypes("doctorId", doctor.id)).toEqual([
      "DoctorRegistered",
      "DoctorVerified",
      "DoctorProfileChanged",
    ]);
  });

  it("strips EXIF and GPS from a JPEG (and applies its orientation first)", async () => {
    const jpeg = await jpegWithGps(64, 32);
    const fixture = await sharp(jpeg).metadata();
    expect(fixture.exif && hasGpsPointer(fixture.exif)).toBe(true);
    expect(fixture.orientation).toBe(6);
    expect(jpeg.includes("Dr Secret")).toBe(true);

    const doctor = await newDoctor(server);
    const res = await upload("/doctors/image", doctor.token, imageForm(jpeg, "me.jpg", "image/jpeg"));
    expect(res.status).toBe(200);
    const bytes = Buffer.from(
      await (await fetchPublic(((await res.json()) as DoctorJson).image)).arrayBuffer(),
    );
    const meta = await sharp(bytes).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(bytes.includes("Dr Secret")).toBe(false);
    expect(bytes.includes("taken at home")).toBe(false);
    // Orientation 6 (rotate 90°) is applied to the pixels before the tag is dropped.
    expect([meta.width, meta.height]).toEqual([32, 64]);
  });

  it("accepts a WebP, small pictures are not enlarged", async () => {
    const doctor = await newDoctor(server);
    const res = await upload(
      "/doctors/image",
      doctor.token,
      imageForm(await webpOf(120, 90), "a.webp", "image/webp"),
    );
    expect(res.status).toBe(200);
    const served = await fetchPublic(((await res.json()) as DoctorJson).image);
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({
      width: 120,
      height: 90,
    });
  });

  it("removes the old file only once the new picture is committed", async () => {
    const doctor = await newDoctor(server);
    const first = (await (
      await upload("/doctors/image", doctor.token, imageForm(await pngOf(40, 40)))
    ).json()) as DoctorJson;
    expect((await fetchPublic(first.image)).status).toBe(200);
    const second = await upload("/doctors/image", doctor.token, imageForm(await pngOf(50, 40)));
    expect(second.status).toBe(200);
    const current = ((await second.json()) as DoctorJson).image;
    expect(current).not.toBe(first.image);

    const gone = await fetchPublic(first.image);
    expect(gone.status).toBe(404);
    expect(gone.headers.get("content-type")).toBe("application/problem+json");
    const files = await storedFiles();
    expect(files).toContain(path.basename(current));
    expect(files).not.toContain(path.basename(first.image));
  });

  it("decides the type from the bytes: text named .png → 415, GIF → 415, a broken PNG → 400", async () => {
    const doctor = await newDoctor(server);
    const before = await storedFiles();
    const text = new TextEncoder().encode("definitely not a picture\n".repeat(20));
    const named = await upload("/doctors/image", doctor.token, imageForm(text, "photo.png", "image/png"));
    expect(named.status).toBe(415);
    expect(named.headers.get("content-type")).toBe("application/problem+json");

    const gif = await solid(10, 10).gif().toBuffer();
    expect((await upload("/doctors/image", doctor.token, imageForm(gif, "a.png"))).status).toBe(415);

    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>');
    expect(
      (await upload("/doctors/image", doctor.token, imageForm(svg, "a.svg", "image/svg+xml"))).status,
    ).toBe(415);

    const truncated = (await pngOf(200, 200)).subarray(0, 40);
    const broken = await upload("/doctors/image", doctor.token, imageForm(truncated));
    expect(broken.status).toBe(400);
    expect(await storedFiles()).toEqual(before);
    const profile = (await (await get(server, `/doctors/get/${doctor.id}`)).json()) as DoctorJson;
    expect(profile.image).toBe("http://doctorly.test/static/defaults/doctor.svg");
  });

  it("refuses decompression bombs with 413, before decoding them", async () => {
    const doctor = await newDoctor(server);
    const bomb = await webpBomb();
    expect(bomb.length).toBeLessThan(10_000);
    const real = await upload("/doctors/image", doctor.token, imageForm(bomb, "b.webp", "image/webp"));
    expect(real.status).toBe(413);
    expect(((await real.json()) as { type: string }).type).toBe("/problems/image_dimensions_too_large");

    const declared = await pngDeclaring(30_000, 30_000);
    const started = performance.now();
    const res = await upload("/doctors/image", doctor.token, imageForm(declared));
    expect(res.status).toBe(413);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuses a picture over 10 megapixels (a 4000 × 3000 interlaced PNG) with 413, and takes one of 9 MP", async () => {
    const doctor = await newDoctor(server);
    const twelve = await interlacedPng(4000, 3000);
    expect(twelve.length).toBeLessThan(200_000);
    const refused = await upload("/doctors/image", doctor.token, imageForm(twelve));
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({
      type: "/problems/image_dimensions_too_large",
      detail: "The picture has more than 10 million pixels.",
    });
    const nine = await upload("/doctors/image", doctor.token, imageForm(await interlacedPng(3000, 3000)));
    expect(nine.status).toBe(200);
  });

  it("answers 413 for a file over MAX_UPLOAD_BYTES, from Content-Length, without reading the body", async () => {
    const doctor = await newDoctor(server);
    const big = new Uint8Array(server.config.MAX_UPLOAD_BYTES + 1);
    big.set(await pngOf(10, 10));
    const res = await upload("/doctors/image", doctor.token, imageForm(big));
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("answers 413 to a streamed body (no Content-Length) as soon as it passes the limit", async () => {
    const doctor = await newDoctor(server);
    const chunk = new Uint8Array(64 * 1024).fill(0x41);
    const endless = 200 * 1024 * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= endless) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await server.request("/doctors/image", {
      method: "POST",
      headers: auth(doctor.token, { "content-type": "multipart/form-data; boundary=xyz" }),
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(endless / 4);
  });

  it("checks the request: missing field → 400, not multipart → 415", async () => {
    const doctor = await newDoctor(server);
    const wrongField = await upload(
      "/doctors/image",
      doctor.token,
      imageForm(await pngOf(8, 8), "a.png", "image/png", "photo"),
    );
    expect(wrongField.status).toBe(400);
    expect(((await wrongField.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe("image");
    const asJson = await server.request("/doctors/image", json({ image: "x" }, auth(doctor.token)));
    expect(asJson.status).toBe(415);
    const raw = await upload("/doctors/image", doctor.token, await pngOf(8, 8), {
      "content-type": "image/png",
    });
    expect(raw.status).toBe(415);
  });

  it("lets only a doctor set a doctor picture: anonymous 401, a user 403", async () => {
    const png = await pngOf(8, 8);
    const anonymous = await upload("/doctors/image", null, imageForm(png));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const user = await registerAndSignIn(server);
    expect((await upload("/doctors/image", user.token, imageForm(png))).status).toBe(403);
    expect((await upload("/doctors/image", admin.token, imageForm(png))).status).toBe(403);
  });

  it("sets a specialization's picture (admin): {id,name,image}, listed, event in the outbox", async () => {
    const res = await upload(
      `/misc/image/${specialization.id}`,
      admin.token,
      imageForm(await pngOf(800, 600)),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SpecializationJson;
    expect(body).toEqual({
      id: specialization.id,
      name: specialization.name,
      image: expect.stringMatching(/^http:\/\/doctorly\.test\/static\/media\/[0-9a-f-]{36}\.webp$/),
    });
    const served = await fetchPublic(body.image);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/webp");
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({
      width: 512,
      height: 384,
    });

    const list = (await (await server.request("/misc/specializations")).json()) as {
      data: SpecializationJson[];
    };
    expect(list.data.find((s) => s.id === specialization.id)?.image).toBe(body.image);
    expect(await outboxTypes("specializationId", specialization.id)).toContain("SpecializationImageChanged");

    const next = await upload(
      `/misc/image/${specialization.id}`,
      admin.token,
      imageForm(await pngOf(20, 20)),
    );
    expect(next.status).toBe(200);
    expect((await fetchPublic(body.image)).status).toBe(404);
  });

  it("refuses a specialization picture from a non-admin (403), anonymous (401); unknown id 404", async () => {
    const png = await pngOf(8, 8);
    const url = `/misc/image/${specialization.id}`;
    expect((await upload(url, null, imageForm(png))).status).toBe(401);
    expect((await upload(url, (await registerAndSignIn(server)).token, imageForm(png))).status).toBe(403);
    expect((await upload(url, (await newDoctor(server)).token, imageForm(png))).status).toBe(403);

    const before = await storedFiles();
    const unknown = await upload("/misc/image/2147483647", admin.token, imageForm(png));
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    // The file stored ahead of the (rolled back) change is removed again.
    expect(await storedFiles()).toEqual(before);
    expect((await upload("/misc/image/abc", admin.token, imageForm(png))).status).toBe(400);
  });

  it("serves only keys the store made: unknown and path-like keys are 404 problem+json", async () => {
    for (const key of [
      "00000000-0000-4000-8000-000000000000.webp",
      "..%2F..%2F..%2Fetc%2Fpasswd",
      "..%2Fuploads%2Fx.webp",
      "x.webp",
      "00000000-0000-4000-8000-000000000000.svg",
    ]) {
      const res = await server.request(`/static/media/${key}`);
      expect(res.status, key).toBe(404);
      expect(res.headers.get("content-type"), key).toBe("application/problem+json");
    }
  });

  it("documents both uploads as multipart in the OpenAPI document", async () => {
    const doc = (await (await server.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    for (const p of ["/doctors/image", "/misc/image/{specialization_id}"]) {
      expect(Object.keys(doc.paths[p]?.post?.requestBody?.content ?? {})).toEqual(["multipart/form-data"]);
    }
    expect(doc.paths["/static/media/{key}"]?.get).toBeDefined();
  });
});
