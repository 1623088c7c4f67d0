import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseIpRange } from "./adapters/http/ip-range.js";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Whether `text` is a URL with one of `protocols` ("redis:", …). */
const hasProtocol = (text: string, protocols: readonly string[]) => {
  try {
    return protocols.includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

const url = (protocols: readonly string[]) =>
  z.url().refine((u) => hasProtocol(u, protocols), {
    message: `must be a ${protocols.join(" or ")} URL`,
  });

const REDIS_PROTOCOLS = ["redis:", "rediss:"];

/** One Redis URL, or (with REDIS_CLUSTER=true) the comma-separated seed URLs of a Redis Cluster. */
const redisSeeds = z
  .string()
  .refine(
    (text) => commaList(text).length > 0 && commaList(text).every((u) => hasProtocol(u, REDIS_PROTOCOLS)),
    {
      message:
        "must be a redis:// or rediss:// URL (with REDIS_CLUSTER=true, a comma-separated list of them)",
    },
  );

const commaList = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

const isProxyRange = (entry: string): boolean => {
  try {
    parseIpRange(entry);
    return true;
  } catch {
    return false;
  }
};

/** Every setting has a default that works on a developer machine; see the README's configuration table. */
const schema = z
  .object({
    PORT: int(1, 65535).default(5000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATABASE_URL: url(["postgres:", "postgresql:"]).default("postgres://postgres@127.0.0.1:5432/doctorly"),
    DATABASE_MIGRATION_URL: url(["postgres:", "postgresql:"]).optional(),
    DATABASE_APP_ROLE: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a plain lower-case role name")
      .optional(),
    DATABASE_POOL_SIZE: int(1, 90).default(10),
    // A streaming replica for the lag-tolerant reads (docs/adr/0012); unset, every read goes to DATABASE_URL.
    DATABASE_READ_URL: url(["postgres:", "postgresql:"]).optional(),
    REDIS_URL: redisSeeds.default("redis://127.0.0.1:6380"),
    // Each role may move to its own server; unset, it stays on REDIS_URL. The attempt counters go with the cache.
    CACHE_REDIS_URL: redisSeeds.optional(),
    QUEUE_REDIS_URL: redisSeeds.optional(),
    // The cache (with the counters) and the queues on a Redis Cluster: their URLs are then seed lists.
    REDIS_CLUSTER: flag.default(false),
    SEARCH_REDIS_URL: url(REDIS_PROTOCOLS).optional(),
    PUBLIC_BASE_URL: url(["http:", "https:"]).optional(),
    DEFAULT_TIMEZONE: z.string().refine(isTimeZone, { message: "must be an IANA time zone" }).default("UTC"),
    UPLOAD_DIR: z
      .string()
      .min(1)
      .default(path.join(projectRoot, ".data", "uploads")),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    SESSION_TTL_DAYS: int(1, 365).default(30),
    SESSION_MAX_DAYS: int(1, 3650).default(90),
    BOOKING_HORIZON_DAYS: int(1, 365).default(60),
    IDEMPOTENCY_KEY_DAYS: int(1, 3650).default(7),
    CORS_ORIGINS: z.string().default(""),
    LOGIN_MAX_FAILURES: int(1, 1000).default(10),
    LOGIN_WINDOW_SECONDS: int(1, 86_400).default(900),
    LOGIN_MAX_DAILY_FAILURES: int(1, 1_000_000).default(100),
    TRUSTED_PROXIES: z
      .string()
      .default("")
      .transform(commaList)
      .refine((entries) => entries.every(isProxyRange), {
        message: "must be a comma-separated list of IP addresses or CIDR ranges (10.0.0.0/8, fd00::/8)",
      }),
    REGISTRATIONS_PER_HOUR: int(1, 1_000_000).default(20),
    SEARCHES_PER_MINUTE: int(1, 10_000_000).default(300),
    UPLOADS_PER_HOUR: int(1, 1_000_000).default(20),
    CACHE_ENABLED: flag.default(true),
    CACHE_TTL_SECONDS: int(1, 86_400).default(300),
    CACHE_LOCAL_TTL_MS: int(0, 60_000).default(2_000),
    // Sessions answered from an API process's memory this long; a revocation reaches every process at once.
    SESSION_CACHE_TTL_MS: int(0, 60_000).default(10_000),
    // Search answers kept in an API process's memory at most this long; every index change drops them.
    SEARCH_CACHE_TTL_MS: int(0, 10_000).default(1_000),
    // Load shedding: past this many requests at once, or this much event-loop delay, a quick 503 (0 = off).
    SHED_MAX_IN_FLIGHT: int(0, 1_000_000).default(256),
    SHED_MAX_EVENT_LOOP_DELAY_MS: int(0, 60_000).default(1_000),
    JOB_LOCK_MS: int(1_000, 600_000).default(30_000),
    SEARCH_INDEX: z
      .string()
      .regex(/^[A-Za-z0-9:_-]+$/)
      .default("doctorly:idx:doctors"),
    SEARCH_TIMEOUT_MS: int(1, 10_000).default(5),
    MAX_BODY_BYTES: int(1024, 10 * 1024 * 1024).default(64 * 1024),
    MAX_UPLOAD_BYTES: int(1024, 100 * 1024 * 1024).default(5 * 1024 * 1024),
    IMAGE_MAX_PIXELS: int(1, 100_000_000).default(10_000_000),
    IMAGE_DECODE_CONCURRENCY: int(1, 64).default(2),
    // Caps that keep one account from hoarding seats or flooding the tables (409 limit_reached).
    MAX_PATIENTS_PER_ACCOUNT: int(1, 1_000_000).default(10),
    MAX_LIVE_APPOINTMENTS_PER_ACCOUNT: int(1, 1_000_000).default(10),
    MAX_SEATS_PER_SITTING_PER_ACCOUNT: int(1, 200).default(3),
    MAX_WAITING_ENTRIES_PER_ACCOUNT: int(1, 1_000_000).default(10),
    MAX_SLOTS_PER_DOCTOR: int(1, 10_000).default(50),
    // Webhooks: targets on loopback, private or link-local addresses only for development and tests.
    WEBHOOK_ALLOW_PRIVATE: flag.default(false),
    // Deliveries retry after this, doubling each time: 12 attempts from 40 s span about a day.
    WEBHOOK_RETRY_BASE_MS: int(1, 3_600_000).default(40_000),
    WEBHOOK_MAX_ATTEMPTS: int(1, 30).default(12),
    MAX_WEBHOOKS_PER_ACCOUNT: int(1, 1_000).default(10),
    // Mail: none is sent without SMTP_URL. Retries double from the base: 10 attempts from 30 s span
    // about four hours.
    SMTP_URL: url(["smtp:", "smtps:"]).optional(),
    MAIL_FROM: z
      .string()
      .regex(/^(?:[^<>\r\n]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, {
        message:
          "must be an address (no-reply@clinic.example) or a name and one (Clinic <no-reply@clinic.example>)",
      })
      .optional(),
    MAIL_RETRY_BASE_MS: int(1, 3_600_000).default(30_000),
    MAIL_MAX_ATTEMPTS: int(1, 30).default(10),
    // Password reset requests an hour, per client and per email address (429 beyond).
    PASSWORD_RESETS_PER_HOUR: int(1, 1_000_000).default(20),
    PASSWORD_RESETS_PER_EMAIL_PER_HOUR: int(1, 1_000_000).default(5),
  })
  .superRefine((c, ctx) => {
    if (c.REDIS_CLUSTER) return;
    for (const key of ["REDIS_URL", "CACHE_REDIS_URL", "QUEUE_REDIS_URL"] as const) {
      if (commaList(c[key] ?? "-").length !== 1) {
        ctx.addIssue({ code: "custom", path: [key], message: "several URLs need REDIS_CLUSTER=true" });
      }
    }
  })
  .refine((c) => !c.REDIS_CLUSTER || c.SEARCH_REDIS_URL !== undefined, {
    path: ["SEARCH_REDIS_URL"],
    message:
      "with REDIS_CLUSTER=true, must name a standalone Redis with RediSearch (search does not run on the cluster)",
  })
  .transform((c) => {
    const publicBaseUrl = (c.PUBLIC_BASE_URL ?? `http://127.0.0.1:${c.PORT}`).replace(/\/+$/, "");
    return {
      ...c,
      // Migrations run as the schema owner; the app itself may connect as a role with data access only.
      DATABASE_MIGRATION_URL: c.DATABASE_MIGRATION_URL ?? c.DATABASE_URL,
      CACHE_REDIS_URL: c.CACHE_REDIS_URL ?? c.REDIS_URL,
      QUEUE_REDIS_URL: c.QUEUE_REDIS_URL ?? c.REDIS_URL,
      SEARCH_REDIS_URL: c.SEARCH_REDIS_URL ?? c.REDIS_URL,
      PUBLIC_BASE_URL: publicBaseUrl,
      MAIL_FROM: c.MAIL_FROM ?? `Doctorly <no-reply@${new URL(publicBaseUrl).hostname}>`,
      UPLOAD_DIR: path.resolve(projectRoot, c.UPLOAD_DIR),
      CORS_ORIGINS: commaList(c.CORS_ORIGINS),
    };
  });

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {}

/** Reads the settings from the environment; a bad value fails with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** A connection URL (or a comma-separated list of them) fit for logs and answers: passwords replaced by `***`. */
export function redactedUrl(text: string): string {
  return commaList(text)
    .map((item) => {
      const u = new URL(item);
      if (u.password !== "") u.password = "***";
      return u.href;
    })
    .join(",");
}

/** The cache (and counters) and queue roles' Redis: one server each, or the cluster's seeds. */
export const redisTargets = (config: Config) => ({
  cache: { url: config.CACHE_REDIS_URL, cluster: config.REDIS_CLUSTER },
  queue: { url: config.QUEUE_REDIS_URL, cluster: config.REDIS_CLUSTER },
});

/** BullMQ's key prefix: a hash tag on a Redis Cluster (BullMQ's scripts take several keys of one queue). */
export const queuePrefixOf = (config: Config): string | undefined =>
  config.REDIS_CLUSTER ? "{doctorly}" : undefined;

export interface Backend {
  /** The name /ready reports it under. */
  readonly name: string;
  /** What it serves, e.g. ["cache", "counters"]. */
  readonly roles: readonly string[];
  /** Where it is, with credentials: never log this one. */
  readonly connectionUrl: string;
  /** Where it is, fit for logs (password redacted). */
  readonly address: string;
}

/**
 * Every server this configuration talks to and the roles it serves: one entry per distinct Redis (named
 * "redis" when it is REDIS_URL — "redis-cluster" when that is a cluster — else `redis-<its first role>`).
 * The attempt counters live with the cache.
 */
export function backendsOf(config: Config): Backend[] {
  const backend = (name: string, roles: readonly string[], connectionUrl: string): Backend => ({
    name,
    roles,
    connectionUrl,
    address: redactedUrl(connectionUrl),
  });
  const redisRoles = new Map<string, string[]>();
  const serve = (url: string, ...roles: string[]) =>
    redisRoles.set(url, [...(redisRoles.get(url) ?? []), ...roles]);
  serve(config.CACHE_REDIS_URL, "cache", "counters");
  serve(config.QUEUE_REDIS_URL, "queue");
  serve(config.SEARCH_REDIS_URL, "search");
  return [
    backend("postgres", ["primary"], config.DATABASE_URL),
    ...(config.DATABASE_READ_URL
      ? [backend("postgres-replica", ["read model"], config.DATABASE_READ_URL)]
      : []),
    ...[...redisRoles].map(([url, roles]) =>
      backend(
        url !== config.REDIS_URL
          ? `redis-${roles[0]}`
          : // REDIS_URL is the cluster only when it serves the cache or the queue: search never runs there.
            config.REDIS_CLUSTER && roles.some((role) => role !== "search")
            ? "redis-cluster"
            : "redis",
        roles,
        url,
      ),
    ),
  ];
}

export { projectRoot };
