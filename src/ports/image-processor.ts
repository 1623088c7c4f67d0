import type { Result } from "../domain/shared/result.js";
import type { MediaContentType } from "./media-store.js";

export interface NormalizedImage {
  readonly bytes: Uint8Array;
  readonly contentType: MediaContentType;
  readonly width: number;
  readonly height: number;
}

/**
 * Turns untrusted upload bytes into a picture safe to publish: the format is decided from the bytes
 * (PNG, JPEG or WebP; anything else is `unsupported_media`), a picture whose pixel count is over the
 * limit is refused before it is decoded (`too_large`), undecodable bytes are a `validation` error, and
 * the result is re-encoded without metadata (EXIF, GPS), bounded in size, aspect ratio kept.
 */
export interface ImageProcessor {
  normalize(bytes: Uint8Array): Promise<Result<NormalizedImage>>;
}

export const IMAGE_PROCESSOR = Symbol.for("doctorly.ImageProcessor");
