import { describe, expect, it } from "vitest";
import { acceptedCoding } from "../../../src/adapters/http/compressed.js";

describe("Accept-Encoding", () => {
  it("takes brotli before gzip, honours q=0 and the wildcard, and nothing when nothing is asked", () => {
    expect(acceptedCoding("gzip, deflate, br")).toBe("br");
    expect(acceptedCoding("gzip")).toBe("gzip");
    expect(acceptedCoding("br;q=0, gzip;q=0.5")).toBe("gzip");
    expect(acceptedCoding("*")).toBe("br");
    expect(acceptedCoding("*, br;q=0")).toBe("gzip");
    expect(acceptedCoding("identity")).toBeNull();
    expect(acceptedCoding("gzip;q=0")).toBeNull();
    expect(acceptedCoding(undefined)).toBeNull();
    expect(acceptedCoding("")).toBeNull();
  });
});
