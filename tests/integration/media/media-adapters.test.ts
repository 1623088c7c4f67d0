import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SharpImageProcessor } from "../../../src/adapters/media/image-processor.sharp.js";
import { LocalMediaStore } from "../../../src/adapters/media/media-store.fs.js";
import {
  interlacedPng,
  jpegWithGps,
  pngDeclaring,
  pngOf,
  solid,
  webpBomb,
  webpOf,
} from "../../support/images.js";

describe("LocalMediaStore", () => {
  let root: string;
  let dir: string;
  let store: LocalMediaStore;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "doctorly-media-"));
    dir = path.join(root, "nested", "uploads");
    store = await LocalMediaStore.open(dir);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses a relative directory", async () => {
    await expect(LocalMediaStore.open("relative/uploads")).rejects.toThrow(/absolute/);
  });

  it("stores under a random key with the type's extension, and reads it back", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const a = await store.put(bytes, "image/webp");
    const b = await store.put(bytes, "image/jpeg");
    expect(a).toMatch(/^[0-9a-f-]{36}\.webp$/);
    expect(b).toMatch(/^[0-9a-f-]{36}\.jpg$/);
    expect(await store.open(a)).toEqual({ bytes, contentType: "image/webp", size: 3 });
    expect(await store.open(b)).toMatchObject({ contentType: "image/jpeg" });
    expect((await readdir(dir)).sort()).toEqual([a, b].sort());
  });

  it("removes, and treats unknown keys as absent", async () => {
    const key = await store.put(new Uint8Array([9]), "image/png");
    await store.remove(key);
    await store.remove(key);
    expect(await store.open(key)).toBeNull();
  });

  it("never resolves a key that it could not have made, so nothing outside the directory is reachable", async () => {
    await writeFile(path.join(root, "secret.webp"), "secret");
    await writeFile(path.join(dir, "planted.webp"), "planted");
    for (const key of ["../../secret.webp", "planted.webp", "/etc/passwd", "", "a/../b.webp"]) {
      expect(await store.open(key), key).toBeNull();
      await store.remove(key);
    }
    expect(await readdir(dir)).toContain("planted.webp");
  });
});

describe("SharpImageProcessor", () => {
  const processor = new SharpImageProcessor();

  it("re-encodes PNG, JPEG and WebP as WebP, at most 512 px on the longest side, aspect kept", async () => {
    for (const [input, w, h] of [
      [await pngOf(3000, 1500), 512, 256],
      [await webpOf(1000, 2000), 256, 512],
      [await solid(300, 200).jpeg().toBuffer(), 300, 200],
    ] as const) {
      const result = await processor.normalize(input);
      if (!result.ok) throw new Error(result.error.detail);
      expect(result.value).toMatchObject({ contentType: "image/webp", width: w, height: h });
      expect(await sharp(result.value.bytes).metadata()).toMatchObject({
        format: "webp",
        width: w,
        height: h,
      });
    }
  });

  it("drops EXIF, GPS and every other metadata block", async () => {
    const result = await processor.normalize(await jpegWithGps());
    if (!result.ok) throw new Error(result.error.detail);
    const meta = await sharp(result.value.bytes).metadata();
    expect([meta.exif, meta.xmp, meta.iptc, meta.icc]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("maps refusals to the API's statuses: type 415, pixel bomb 413, undecodable 400", async () => {
    const kind = async (bytes: Uint8Array) => {
      const result = await processor.normalize(bytes);
      return result.ok ? "ok" : result.error.kind;
    };
    expect(await kind(new TextEncoder().encode("not a picture"))).toBe("unsupported_media");
    expect(await kind(await solid(4, 4).gif().toBuffer())).toBe("unsupported_media");
    expect(await kind(await solid(4, 4).tiff().toBuffer())).toBe("unsupported_media");
    expect(await kind(await webpBomb())).toBe("too_large");
    expect(await kind(await pngDeclaring(30_000, 30_000))).toBe("too_large");
    expect(await kind((await pngOf(100, 100)).subarray(0, 60))).toBe("validation");
  });

  it("refuses more than 10 megapixels by default, from the header: 4000 × 3000 refused, 3000 × 3000 taken", async () => {
    const twelve = await interlacedPng(4000, 3000);
    const started = performance.now();
    const refused = await processor.normalize(twelve);
    expect(refused.ok || refused.error.code).toBe("image_dimensions_too_large");
    expect(performance.now() - started).toBeLessThan(200);
    const taken = await processor.normalize(await interlacedPng(3000, 3000));
    expect(taken.ok && taken.value).toMatchObject({ width: 512, height: 512 });
  });

  it("decodes at most two pictures at once; a third waits its turn", async () => {
    const limited = new SharpImageProcessor();
    const pictures = await Promise.all([1, 2, 3].map(() => interlacedPng(2000, 2000)));
    let most = 0;
    let sawWaiting = false;
    const watch = setInterval(() => {
      most = Math.max(most, limited.decodes.state.running);
      sawWaiting ||= limited.decodes.state.waiting > 0;
    }, 1);
    const results = await Promise.all(pictures.map((p) => limited.normalize(p)));
    clearInterval(watch);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(limited.decodes.size).toBe(2);
    expect(most).toBeLessThanOrEqual(2);
    expect(sawWaiting).toBe(true);
  });

  it("honours a lower pixel limit", async () => {
    const small = new SharpImageProcessor({ maxInputPixels: 10_000, maxDimension: 64 });
    const result = await small.normalize(await pngOf(101, 100));
    expect(result.ok || result.error.code).toBe("image_dimensions_too_large");
  });
});
