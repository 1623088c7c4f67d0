import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/config.js";

const SRC = path.join(projectRoot, "src");

interface SourceImport {
  readonly file: string;
  readonly specifier: string;
  /** Resolved path relative to src/ for relative imports, otherwise null. */
  readonly target: string | null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

function importsOf(file: string): SourceImport[] {
  const text = readFileSync(file, "utf8");
  const pattern =
    /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  return [...text.matchAll(pattern)].map((m) => {
    const specifier = (m[1] ?? m[2]) as string;
    const target = specifier.startsWith(".")
      ? path.relative(SRC, path.resolve(path.dirname(file), specifier))
      : null;
    return { file: path.relative(SRC, file), specifier, target };
  });
}

const files = sourceFiles(SRC);
const all = files.flatMap(importsOf);
const layerOf = (relative: string) => relative.split(path.sep)[0] ?? "";
const inLayer = (layer: string) => all.filter((i) => layerOf(i.file) === layer);
const describeImport = (i: SourceImport) => `${i.file} imports ${i.specifier}`;
/** `adapters/postgres/pool.ts` -> `postgres`; `application/commands/x.ts` -> `commands`. */
const folderOf = (relative: string) => relative.split(path.sep)[1] ?? "";

/**
 * Imports across adapter technologies that are allowed, each with its reason. Anything else (say,
 * adapters/http importing adapters/postgres) goes through a port or is wired in src/composition.
 */
const CROSS_ADAPTER_ALLOWED: readonly { from: string; to: string; reason: string }[] = [
  {
    from: "search",
    to: "redis",
    reason:
      "RediSearch is a Redis module: the search connection is a Redis connection (client.ts) and its health check shares the Redis ping (health.redis.ts)",
  },
];

/** What the application and the domain may not call: the clock and randomness come through ports (Clock, Randomness). */
const AMBIENT = [
  { pattern: /\bMath\.random\s*\(/, what: "Math.random()" },
  { pattern: /\bDate\.now\s*\(/, what: "Date.now()" },
  { pattern: /\bnew Date\s*\(\s*\)/, what: "new Date()" },
  { pattern: /\bcrypto\.(randomUUID|getRandomValues)\s*\(/, what: "the global crypto" },
];
/** Files of src/application or src/domain allowed an ambient call, with the reason. None today. */
const AMBIENT_ALLOWED: readonly { file: string; what: string; reason: string }[] = [];

/** Symbols used as DI tokens outside src/ports, with the reason. */
const TOKENS_OUTSIDE_PORTS: readonly { file: string; reason: string }[] = [
  {
    file: path.join("composition", "infrastructure.ts"),
    reason: "PG_POOL and REDIS name raw connections, which no port describes (tests and the CLI read them)",
  },
];

const INFRASTRUCTURE = [
  /^slonik/,
  /^pg$/,
  /^node-pg-migrate/,
  /^ioredis/,
  /^redis$/,
  /^bullmq/,
  /^hono/,
  /^@hono\//,
  /^@oslojs\//,
  /^@node-rs\//,
  /^sharp/,
  /^pino/,
  /^swagger-ui-dist/,
];

describe("architecture: the dependency rule", () => {
  it("finds the source files it checks", () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it("keeps the domain pure: it imports only the domain", () => {
    const outward = inLayer("domain").filter((i) => i.target === null || layerOf(i.target) !== "domain");
    expect(outward.map(describeImport)).toEqual([]);
  });

  it("lets ports depend only on the domain and other ports", () => {
    const outward = inLayer("ports").filter(
      (i) => i.target === null || !["domain", "ports"].includes(layerOf(i.target)),
    );
    expect(outward.map(describeImport)).toEqual([]);
  });

  it("keeps the application free of adapters and infrastructure libraries", () => {
    const allowed = ["domain", "ports", "application"];
    const outward = inLayer("application").filter(
      (i) =>
        (i.target !== null && !allowed.includes(layerOf(i.target))) ||
        (i.target === null && !i.specifier.startsWith("node:")),
    );
    expect(outward.map(describeImport)).toEqual([]);
  });

  it("lets only adapters and entry points use infrastructure libraries", () => {
    const leaks = all.filter(
      (i) =>
        INFRASTRUCTURE.some((p) => p.test(i.specifier)) &&
        !["adapters", "composition"].includes(layerOf(i.file)) &&
        i.file.includes(path.sep),
    );
    expect(leaks.map(describeImport)).toEqual([]);
  });

  it("keeps adapters from reaching into the composition root", () => {
    const rootFiles = new Set(["container.ts", "main.ts", "cli.ts", "worker.ts"]);
    const leaks = inLayer("adapters").filter(
      (i) =>
        i.target !== null &&
        (rootFiles.has(`${i.target}`.replace(/\.js$/, ".ts")) || layerOf(i.target) === "composition"),
    );
    expect(leaks.map(describeImport)).toEqual([]);
  });

  it("imports inversify only in the composition root (src/composition)", () => {
    const leaks = all.filter((i) => i.specifier === "inversify" && layerOf(i.file) !== "composition");
    expect(leaks.map(describeImport)).toEqual([]);
  });

  it("keeps each adapter technology to itself (apart from the allow-list, each with its reason)", () => {
    const allowed = (from: string, to: string) =>
      CROSS_ADAPTER_ALLOWED.some((a) => a.from === from && a.to === to);
    const across = inLayer("adapters").filter(
      (i) =>
        i.target !== null &&
        layerOf(i.target) === "adapters" &&
        folderOf(i.target) !== folderOf(i.file) &&
        !allowed(folderOf(i.file), folderOf(i.target)),
    );
    expect(across.map(describeImport)).toEqual([]);
  });

  it("keeps the allow-list of cross-adapter imports honest: each entry is still used", () => {
    const used = CROSS_ADAPTER_ALLOWED.filter((a) =>
      inLayer("adapters").some(
        (i) => i.target !== null && folderOf(i.file) === a.from && folderOf(i.target) === a.to,
      ),
    );
    expect(used).toEqual(CROSS_ADAPTER_ALLOWED);
  });

  it("keeps application commands from importing application queries", () => {
    const leaks = all.filter(
      (i) =>
        i.file.startsWith(path.join("application", "commands") + path.sep) &&
        i.target?.startsWith(path.join("application", "queries") + path.sep) === true,
    );
    expect(leaks.map(describeImport)).toEqual([]);
  });

  it("keeps node:crypto out of the application: randomness comes through the Randomness port", () => {
    const leaks = inLayer("application").filter((i) => /^(node:)?crypto$/.test(i.specifier));
    expect(leaks.map(describeImport)).toEqual([]);
  });

  it("keeps the clock and randomness out of the application and the domain: they come through ports", () => {
    const found = files
      .map((file) => ({ file: path.relative(SRC, file), text: readFileSync(file, "utf8") }))
      .filter(({ file }) => ["application", "domain"].includes(layerOf(file)))
      .flatMap(({ file, text }) =>
        AMBIENT.filter(({ pattern }) => pattern.test(text))
          .filter(({ what }) => !AMBIENT_ALLOWED.some((a) => a.file === file && a.what === what))
          .map(({ what }) => `${file} calls ${what}`),
      );
    expect(found).toEqual([]);
  });

  it("declares DI tokens next to their port: Symbols only in src/ports (apart from the allow-list)", () => {
    const outside = files
      .map((file) => path.relative(SRC, file))
      .filter((file) => layerOf(file) !== "ports" && !TOKENS_OUTSIDE_PORTS.some((t) => t.file === file))
      .filter((file) => /\bSymbol(\.for)?\(/.test(readFileSync(path.join(SRC, file), "utf8")));
    expect(outside).toEqual([]);
  });
});
