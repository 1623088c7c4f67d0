import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { MediaContentType, MediaStore, StoredMedia } from "../../ports/media-store.js";

const EXTENSION_OF: Record<MediaContentType, string> = {
  "image/webp": "webp",
  "image/jpeg": "jpg",
  "image/png": "png",
};
const TYPE_OF: Record<string, MediaContentType> = { webp: "image/webp", jpg: "image/jpeg", png: "image/png" };

/** Exactly the keys put() makes: a random UUID and a known extension. Nothing else reaches the disk path. */
const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(webp|jpg|png)$/;

/** Media as files directly under one absolute directory (UPLOAD_DIR), created when the store opens. */
export class LocalMediaStore implements MediaStore {
  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<LocalMediaStore> {
    if (!path.isAbsolute(dir)) throw new Error(`the upload directory must be an absolute path: ${dir}`);
    await mkdir(dir, { recursive: true });
    return new LocalMediaStore(dir);
  }

  async put(bytes: Uint8Array, contentType: MediaContentType): Promise<string> {
    const key = `${randomUUID()}.${EXTENSION_OF[contentType]}`;
    // Written aside and renamed into place, so a reader never sees half a file under a real key.
    const partial = path.join(this.dir, `.${key}.${randomUUID()}.partial`);
    try {
      await writeFile(partial, bytes, { flag: "wx", mode: 0o644 });
      await rename(partial, path.join(this.dir, key));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    return key;
  }

  async remove(key: string): Promise<void> {
    const file = this.fileOf(key);
    if (file) await rm(file, { force: true });
  }

  async open(key: string): Promise<StoredMedia | null> {
    const file = this.fileOf(key);
    const contentType = TYPE_OF[key.slice(key.lastIndexOf(".") + 1)];
    if (!file || !contentType) return null;
    try {
      const bytes = new Uint8Array(await readFile(file));
      return { bytes, contentType, size: bytes.byteLength };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  private fileOf(key: string): string | null {
    return KEY.test(key) ? path.join(this.dir, key) : null;
  }
}
