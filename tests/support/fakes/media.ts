import { appError, err, ok, type Result } from "../../../src/domain/shared/result.js";
import type { ImageProcessor, NormalizedImage } from "../../../src/ports/image-processor.js";
import type { MediaContentType, MediaStore, StoredMedia } from "../../../src/ports/media-store.js";

/** An in-memory media store with sequential keys; `failRemove` makes remove() throw (a broken disk). */
export class FakeMediaStore implements MediaStore {
  readonly files = new Map<string, StoredMedia>();
  failRemove = false;
  private next = 1;

  async put(bytes: Uint8Array, contentType: MediaContentType): Promise<string> {
    const key = `key-${this.next++}.webp`;
    this.files.set(key, { bytes, contentType, size: bytes.byteLength });
    return key;
  }

  async remove(key: string): Promise<void> {
    if (this.failRemove) throw new Error("disk says no");
    this.files.delete(key);
  }

  async open(key: string): Promise<StoredMedia | null> {
    return this.files.get(key) ?? null;
  }
}

/** Accepts any bytes starting with "IMG" and refuses the rest as unsupported media. */
export const fakeImageProcessor: ImageProcessor = {
  async normalize(bytes): Promise<Result<NormalizedImage>> {
    if (new TextDecoder().decode(bytes.subarray(0, 3)) !== "IMG") {
      return err(appError("unsupported_media", "unsupported_image_type", "not a picture"));
    }
    return ok({ bytes, contentType: "image/webp", width: 1, height: 1 });
  },
};

export const picture = (label = "") => new TextEncoder().encode(`IMG${label}`);
