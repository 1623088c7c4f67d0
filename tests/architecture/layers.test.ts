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

const all = sourceFiles(SRC).flatMap(importsOf);
const layerOf = (relative: string) => relative.split(path.sep)[0] ?? "";
const inLayer = (layer: string) => all.filter((i) => layerOf(i.file) === layer);
const describeImport = (i: SourceImport) => `${i.file} imports ${i.specifier}`;

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
});
