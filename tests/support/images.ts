import { crc32 } from "node:zlib";
import sharp from "sharp";

/** Real pictures made on the spot, so no binary fixture is checked in. */
export const solid = (width: number, height: number, background = "#2a7ab0") =>
  sharp({ create: { width, height, channels: 3, background } });

export const pngOf = (width: number, height: number) => solid(width, height).png().toBuffer();
export const webpOf = (width: number, height: number) => solid(width, height).webp().toBuffer();

/** A JPEG carrying what must never be published (an author, a description, a GPS position), turned by EXIF. */
export const jpegWithGps = (width = 64, height = 32) =>
  solid(width, height)
    .jpeg()
    .withExif({
      IFD0: { Copyright: "Dr Secret", ImageDescription: "taken at home" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 0/1",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 0/1",
      },
    })
    // Orientation 6: the stored pixels are to be shown rotated 90° clockwise.
    .withMetadata({ orientation: 6 })
    .toBuffer();

/** The EXIF tag that points at the GPS block (0x8825), in either byte order. */
export const hasGpsPointer = (exif: Buffer): boolean =>
  exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]));

/** A real decompression bomb: 8000 × 8000 pixels (64 MP) of one colour, a few dozen bytes as lossless WebP. */
export const webpBomb = () =>
  sharp({
    create: { width: 8000, height: 8000, channels: 3, background: "#fff" },
    limitInputPixels: false,
  })
    .webp({ lossless: true, effort: 0 })
    .toBuffer();

/** A tiny PNG whose header declares `width` × `height` (CRC fixed), e.g. 30000 × 30000. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await pngOf(1, 1));
  // The IHDR chunk follows the 8-byte signature: length (4), "IHDR" (4), width (4), height (4), …, CRC.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

/** multipart/form-data with the bytes in `field`, under the given file name and declared type. */
export function imageForm(bytes: Uint8Array, name = "picture.png", type = "image/png", field = "image") {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type }), name);
  return form;
}

/** A single-colour interlaced PNG of `width` × `height`: real pixels, a few KB on disk (the slow kind to decode). */
export const interlacedPng = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#fff" }, limitInputPixels: false })
    .png({ progressive: true, compressionLevel: 9 })
    .toBuffer();
