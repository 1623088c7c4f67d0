import type { default as Sharp } from "sharp";
import { type ImageFormat, sniffImageFormat } from "../../domain/media/image-format.js";
import { appError, err, ok, type Result } from "../../domain/shared/result.js";
import type { ImageProcessor, NormalizedImage } from "../../ports/image-processor.js";
import { DecodeSlots } from "./decode-slots.js";

export interface ImageLimits {
  /** Width × height above which a picture is refused before it is decoded (decompression bombs). */
  readonly maxInputPixels: number;
  /** The longest side of the stored picture, in pixels. */
  readonly maxDimension: number;
  /** How many pictures this process decodes at once; more wait their turn. */
  readonly concurrentDecodes: number;
}

// Loaded on the first upload: libvips costs ~25 MB of memory that workers and read-only APIs never need.
let loading: Promise<typeof Sharp> | undefined;
const loadSharp = () => {
  loading ??= import("sharp").then((m) => m.default);
  return loading;
};

/**
 * 10 MP is more than any profile picture needs (a 12 MP phone photo is best resized first), and decoding
 * it costs ~40 MB (4 bytes a pixel) and a fraction of a second. An interlaced PNG of 40 MP took 1.2 s
 * and +180 MB: the header is checked before a single pixel is decoded.
 */
const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxInputPixels: 10_000_000,
  maxDimension: 512,
  concurrentDecodes: 2,
};

const SHARP_FORMAT: Record<ImageFormat, string> = { png: "png", jpeg: "jpeg", webp: "webp" };

const unsupported = appError(
  "unsupported_media",
  "unsupported_image_type",
  "The file is not a PNG, JPEG or WebP picture.",
);
const unreadable = appError("validation", "unreadable_image", "The picture could not be decoded.");
const tooManyPixels = (limit: number) =>
  appError(
    "too_large",
    "image_dimensions_too_large",
    `The picture has more than ${limit / 1_000_000} million pixels.`,
  );

/**
 * Re-encodes every upload as WebP with sharp: auto-oriented, then all metadata dropped (sharp keeps none
 * unless asked), fitted inside maxDimension × maxDimension without enlarging.
 */
export class SharpImageProcessor implements ImageProcessor {
  private readonly limits: ImageLimits;
  /** Decodes in flight in this process (two by default); others wait. */
  readonly decodes: DecodeSlots;

  constructor(limits: Partial<ImageLimits> = {}) {
    this.limits = { ...DEFAULT_IMAGE_LIMITS, ...limits };
    this.decodes = new DecodeSlots(this.limits.concurrentDecodes);
  }

  async normalize(bytes: Uint8Array): Promise<Result<NormalizedImage>> {
    const format = sniffImageFormat(bytes);
    if (!format) return err(unsupported);

    const sharp = await loadSharp();
    // The header alone gives the dimensions, so a bomb is refused without decoding a single pixel.
    const header = await sharp(bytes, { limitInputPixels: false })
      .metadata()
      .catch(() => null);
    if (!header?.width || !header.height) return err(unreadable);
    if (header.format !== SHARP_FORMAT[format]) return err(unsupported);
    if (header.width * header.height > this.limits.maxInputPixels) {
      return err(tooManyPixels(this.limits.maxInputPixels));
    }

    const size = this.limits.maxDimension;
    try {
      const { data, info } = await this.decodes.run(() =>
        sharp(bytes, {
          limitInputPixels: this.limits.maxInputPixels,
          failOn: "error",
          animated: false,
        })
          .autoOrient()
          .resize({ width: size, height: size, fit: "inside", withoutEnlargement: true })
          .webp({ quality: 82 })
          .toBuffer({ resolveWithObject: true }),
      );
      return ok({
        bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
        contentType: "image/webp",
        width: info.width,
        height: info.height,
      });
    } catch {
      return err(unreadable);
    }
  }
}
