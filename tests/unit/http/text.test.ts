import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { multiLineText, searchText, singleLineText } from "../../../src/adapters/http/text.js";

const CONTROLS = [
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  "\u007f",
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(0x80 + i)),
];
const LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "x\ud800y", "\udfff\ud800"];

describe("text fields", () => {
  it("refuse every C0 and C1 control, DEL and lone surrogates in one-line text", () => {
    const schema = singleLineText({ max: 100 });
    for (const bad of [...CONTROLS, ...LONE_SURROGATES]) {
      const result = schema.safeParse(`ab${bad}cd`);
      expect(result.success, JSON.stringify(bad)).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/control characters/);
    }
  });

  it("keep tab and line breaks in free text, and refuse every other control", () => {
    const schema = multiLineText({ max: 2000 });
    expect(schema.safeParse("fever\n\tsince Monday\r\nand cough").success).toBe(true);
    for (const bad of [...CONTROLS.filter((c) => !"\t\n\r".includes(c)), ...LONE_SURROGATES]) {
      expect(schema.safeParse(`a${bad}b`).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("accept any well-formed text without controls: emoji (surrogate pairs), accents, RTL, format characters", () => {
    const schema = singleLineText();
    for (const good of ["Ayesha Khan", "😀👩‍⚕️", "Zoë O'Brien-Smith", "عائشة", "\u202eevil", "ＡＢＣ", ""]) {
      expect(schema.safeParse(good).success, good).toBe(true);
    }
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        const clean = text.replace(/[\p{Cc}\p{Cs}]/gu, "");
        expect(schema.safeParse(clean).success).toBe(true);
      }),
    );
  });

  it("name the field in the issue path", () => {
    const result = singleLineText().safeParse("\u0000");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([]);
  });

  it("turn controls in search text into word separators, never an error", () => {
    const schema = searchText({ max: 200 });
    expect(schema.parse("ays\u0000ha\ud800khan\u0085")).toBe("ays ha khan ");
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        const parsed = schema.safeParse(text);
        expect(parsed.success).toBe(true);
        expect(/[\p{Cc}\p{Cs}]/u.test(parsed.data ?? "")).toBe(false);
      }),
    );
  });
});
