import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROBLEM_TYPES } from "../../../src/adapters/http/problem-types.js";
import { projectRoot } from "../../../src/config.js";

const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [path.join(dir, e.name)]
        : [],
  );

/** Every problem code written in the sources: appError(kind, code…), problemBody(status, code…), conflict(code…), code: "…". */
function codesInSources(): Set<string> {
  const patterns = [
    /appError\(\s*"[a-z_]+",\s*"([a-z_]+)"/g,
    /problemBody\(\s*\d+,\s*"([a-z_]+)"/g,
    /conflict\(\s*"([a-z_]+)"/g,
    // zod's own issue codes (ctx.addIssue({ code: "custom" }) in config.ts) are not problem codes.
    /(?<!addIssue\(\{ )\bcode: "([a-z_]+)"/g,
    /dateError\(\s*"([a-z_]+)"/g,
  ];
  const codes = new Set<string>();
  for (const file of sources(path.join(projectRoot, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) codes.add(m[1] as string);
    // notFound("slot") answers slot_not_found (book-appointment.ts, waitlist.ts).
    for (const m of text.matchAll(/notFound\(\s*"([a-z_]+)"/g)) codes.add(`${m[1]}_not_found`);
  }
  return codes;
}

describe("the problem type catalogue", () => {
  it("explains every code the sources answer with, and holds none they never use", () => {
    const used = codesInSources();
    expect([...used].filter((c) => !Object.hasOwn(PROBLEM_TYPES, c)).sort()).toEqual([]);
    // Codes put together where the patterns cannot read them: a ternary in app.ts, `unknown_${what}` in
    // catalog-names.ts. The reliability suites meet them at run time and check them there.
    const picked = new Set([
      "malformed_body",
      "http_error",
      "unknown_specialization",
      "unknown_qualification",
    ]);
    const unused = Object.keys(PROBLEM_TYPES).filter((c) => !used.has(c) && !picked.has(c));
    expect(unused).toEqual([]);
  });

  it("gives every code an error status, a title and a meaning", () => {
    for (const [code, t] of Object.entries(PROBLEM_TYPES)) {
      expect(t.status, code).toBeGreaterThanOrEqual(400);
      expect(t.title.length, code).toBeGreaterThan(0);
      expect(t.meaning.length, code).toBeGreaterThan(0);
    }
  });
});
