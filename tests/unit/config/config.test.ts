import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.js";

describe("configuration", () => {
  it("has working defaults for a developer machine", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(5000);
    expect(config.DATABASE_URL).toBe("postgres://postgres@127.0.0.1:5432/doctorly");
    expect(config.REDIS_URL).toBe("redis://127.0.0.1:6380");
    expect(config.DEFAULT_TIMEZONE).toBe("UTC");
    expect(config.PUBLIC_BASE_URL).toBe("http://127.0.0.1:5000");
    expect(config.UPLOAD_DIR.startsWith("/")).toBe(true);
  });

  it("refuses a bad value with a message naming the variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DEFAULT_TIMEZONE: "Mars/Olympus" })).toThrow(/DEFAULT_TIMEZONE/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://db/x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ CACHE_ENABLED: "maybe" })).toThrow(/CACHE_ENABLED/);
  });

  it("builds public URLs from PUBLIC_BASE_URL without a trailing slash", () => {
    expect(loadConfig({ PUBLIC_BASE_URL: "https://api.example.org/" }).PUBLIC_BASE_URL).toBe(
      "https://api.example.org",
    );
  });
});
