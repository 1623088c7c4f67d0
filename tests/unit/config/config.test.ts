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
    expect(config.DATABASE_MIGRATION_URL).toBe(config.DATABASE_URL);
    expect(config.DATABASE_APP_ROLE).toBeUndefined();
    expect(config.IMAGE_MAX_PIXELS).toBe(10_000_000);
    expect(config.IMAGE_DECODE_CONCURRENCY).toBe(2);
    expect(config.SESSION_TTL_DAYS).toBe(30);
    expect(config.SESSION_MAX_DAYS).toBe(90);
  });

  it("mails nothing by default, from an address of PUBLIC_BASE_URL's host; refuses a bad relay or sender", () => {
    const config = loadConfig({ PUBLIC_BASE_URL: "https://clinic.example/" });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.MAIL_FROM).toBe("Doctorly <no-reply@clinic.example>");
    expect(config.MAIL_MAX_ATTEMPTS).toBe(10);
    expect(config.PASSWORD_RESETS_PER_EMAIL_PER_HOUR).toBe(5);
    expect(loadConfig({ SMTP_URL: "smtps://u:p@relay.example:465" }).SMTP_URL).toBe(
      "smtps://u:p@relay.example:465",
    );
    expect(loadConfig({ MAIL_FROM: "clinic@mail.example" }).MAIL_FROM).toBe("clinic@mail.example");
    expect(() => loadConfig({ SMTP_URL: "http://relay.example" })).toThrow(/SMTP_URL/);
    for (const bad of ["clinic", "Clinic <clinic>", "a@b\r\nBcc: x@y"]) {
      expect(() => loadConfig({ MAIL_FROM: bad })).toThrow(/MAIL_FROM/);
    }
  });

  it("takes SESSION_MAX_DAYS as a whole number of days, at least 1", () => {
    expect(loadConfig({ SESSION_MAX_DAYS: "1" }).SESSION_MAX_DAYS).toBe(1);
    expect(loadConfig({ SESSION_MAX_DAYS: "365" }).SESSION_MAX_DAYS).toBe(365);
    for (const bad of ["0", "-5", "1.5", "ninety"]) {
      expect(() => loadConfig({ SESSION_MAX_DAYS: bad })).toThrow(/SESSION_MAX_DAYS/);
    }
  });

  it("migrates as DATABASE_MIGRATION_URL when it is given, the app connecting as DATABASE_URL", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://doctorly_app:pw@db:5432/doctorly",
      DATABASE_MIGRATION_URL: "postgres://postgres:owner@db:5432/doctorly",
      DATABASE_APP_ROLE: "doctorly_app",
    });
    expect(config.DATABASE_URL).toBe("postgres://doctorly_app:pw@db:5432/doctorly");
    expect(config.DATABASE_MIGRATION_URL).toBe("postgres://postgres:owner@db:5432/doctorly");
    expect(() => loadConfig({ DATABASE_MIGRATION_URL: "mysql://db/x" })).toThrow(/DATABASE_MIGRATION_URL/);
    expect(() => loadConfig({ DATABASE_APP_ROLE: "App-Role" })).toThrow(/DATABASE_APP_ROLE/);
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
