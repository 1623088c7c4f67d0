import { describe, expect, it } from "vitest";
import { sniffImageFormat } from "../../../src/domain/media/image-format.js";

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === "string" ? [...p].map((ch) => ch.charCodeAt(0)) : p)));

describe("sniffImageFormat", () => {
  it("recognises PNG, JPEG and WebP by their magic numbers", () => {
    expect(sniffImageFormat(bytes([0x89], "PNG", [0x0d, 0x0a, 0x1a, 0x0a, 0, 0]))).toBe("png");
    expect(sniffImageFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe("jpeg");
    expect(sniffImageFormat(bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "))).toBe("webp");
  });

  it("refuses everything else, whatever it is called", () => {
    expect(sniffImageFormat(bytes("GIF89a"))).toBeNull();
    expect(sniffImageFormat(bytes("<svg xmlns="))).toBeNull();
    expect(sniffImageFormat(bytes("RIFF", [0, 0, 0, 0], "WAVE"))).toBeNull();
    expect(sniffImageFormat(bytes([0x89], "PN"))).toBeNull();
    expect(sniffImageFormat(new Uint8Array())).toBeNull();
  });
});
