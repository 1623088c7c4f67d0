import { describe, expect, it } from "vitest";
import {
  buildDoctorSearch,
  escapeTag,
  MAX_SEARCH_WORDS,
  MAX_WORD_LENGTH,
  NO_FEE,
  numberLiteral,
  searchWords,
  skeleton,
  words,
} from "../../../src/adapters/search/doctor-search.query.js";
import {
  detectSearchModuleMajor,
  RediSearchDoctorIndex,
  type SearchRedis,
} from "../../../src/adapters/search/doctor-search.redisearch.js";
import { DoctorSearch } from "../../../src/application/queries/doctors/doctor-search.service.js";
import {
  type DoctorSearchQuery,
  doctorDocumentOf,
  type PublicDoctor,
  SearchQueryError,
} from "../../../src/ports/doctor-search.js";

import { RecordingLogger } from "../../support/fakes/accounts.js";

const q = (over: Partial<DoctorSearchQuery>): DoctorSearchQuery => ({
  sort: "relevance",
  page: 1,
  perPage: 20,
  ...over,
});

describe("query building and escaping", () => {
  it("cuts client text into words the way documents are indexed", () => {
    expect(words(`O'Brien-Smith (Jr.)`)).toEqual(["o", "brien", "smith", "jr"]);
    expect(words(`@{}|*-"'():\\`)).toEqual([]);
    expect(words("Émile  Zoë")).toEqual(["emile", "zoe"]);
    expect(skeleton("ayesha")).toBe("aysh");
    expect(skeleton("ays")).toBe("ays");
  });

  it.each(["@", "{", "}", "|", "*", "-", '"', "'", "(", ")", ":", "\\", " ", ",", ".", "$", "~"])(
    "backslash-escapes %j inside a tag value",
    (c) => {
      expect(escapeTag(`a${c}b`)).toBe(c === "," ? "a\\ b" : `a\\${c}b`);
    },
  );

  it("keeps every syntax character out of the query string except as an escaped tag character", () => {
    const built = buildDoctorSearch(
      q({ text: `xx@{yy}|*-"'():\\`, specialization: `a@b{c}|d*e-f"g'h(i):j\\k`, day: "Monday" }),
    );
    const withoutTags = (built.query ?? "")
      .replace(/@name_skel:/g, "")
      .replace(/@specializations:\{(\\.|[^\\}])*\}|@days:\{[^}]*\}/g, "");
    expect(withoutTags).not.toMatch(/[{}"':\\]/);
    expect(built.query).toContain(`@specializations:{a\\@b\\{c\\}\\|d\\*e\\-f\\"g\\'h\\(i\\)\\:j\\\\k}`);
    expect(built.query).toContain("@days:{monday}");
  });

  it("builds name prefixes with a vowel-tolerant branch, each branch in its own parentheses", () => {
    expect(buildDoctorSearch(q({ namePrefix: "ays" })).query).toBe("((@name:ays*)|(@name_skel:ays*))");
    expect(buildDoctorSearch(q({ text: "ayesha" })).query).toBe("((ayesha*)|(%ayesha%)|(@name_skel:aysh*))");
    // A prefix needs two letters: a one-letter name "prefix" matches nothing rather than every name.
    expect(buildDoctorSearch(q({ namePrefix: "a" })).query).toBeNull();
  });

  it("answers nothing (no query at all) when client text holds no word", () => {
    expect(buildDoctorSearch(q({ text: "@-*" })).query).toBeNull();
    expect(buildDoctorSearch(q({ namePrefix: "()" })).query).toBeNull();
    expect(buildDoctorSearch(q({ specialization: ",," })).query).toBeNull();
    expect(buildDoctorSearch(q({})).query).toBe("*");
  });

  it("combines filters with AND, ranges numbers, sorts and pages", () => {
    const built = buildDoctorSearch(
      q({ qualification: "md", minRating: 3.5, maxFee: 500, sort: "fee", page: 3, perPage: 10 }),
    );
    expect(built.query).toBe("@qualifications:{md} @rating:[3.5 +inf] @fee:[-inf 500]");
    expect(built.options).toEqual(["SORTBY", "fee", "ASC", "LIMIT", "20", "10", "RETURN", "1", "json"]);
    expect(buildDoctorSearch(q({ sort: "rating" })).options.slice(0, 3)).toEqual([
      "SORTBY",
      "rating",
      "DESC",
    ]);
    expect(buildDoctorSearch(q({ maxFee: 1e300 })).query).toBe(`@fee:[-inf ${NO_FEE - 1}]`);
    expect(() => buildDoctorSearch(q({ minRating: Number.NaN }))).toThrow();
  });
});

describe("search cost is bounded", () => {
  it("uses distinct words of at least 2 letters, each cut to 40 characters, at most 5 of them", () => {
    expect(searchWords(Array(66).fill("ka").join(" "))).toEqual(["ka"]);
    expect(searchWords("a b khan c")).toEqual(["khan"]);
    expect(searchWords("one two three four five six seven")).toEqual(["one", "two", "three", "four", "five"]);
    expect(searchWords("Khan KHAN khan")).toEqual(["khan"]);
    const long = "x".repeat(MAX_WORD_LENGTH + 30);
    expect(searchWords(long)).toEqual(["x".repeat(MAX_WORD_LENGTH)]);
    expect(MAX_SEARCH_WORDS).toBe(5);
  });

  it("builds the same query for 66 repeated words as for one, and at most 5 clauses for any text", () => {
    const one = buildDoctorSearch(q({ text: "ka" })).query;
    expect(buildDoctorSearch(q({ text: Array(66).fill("ka").join(" ") })).query).toBe(one);
    expect(buildDoctorSearch(q({ namePrefix: Array(66).fill("ka").join(" ") })).query).toBe(
      buildDoctorSearch(q({ namePrefix: "ka" })).query,
    );
    const many = buildDoctorSearch(q({ text: "aa bb cc dd ee ff gg hh ii jj kk" })).query ?? "";
    expect(many.split(" ")).toHaveLength(5);
  });

  it("keeps typo tolerance (the costliest branch) for one-word queries", () => {
    expect(buildDoctorSearch(q({ text: "ayesha khan" })).query).toBe(
      "((ayesha*)|(@name_skel:aysh*)) ((khan*)|(@name_skel:khn*))",
    );
  });

  it("passes the search timeout to RediSearch with every query", async () => {
    const { redis, calls } = fakeRedis([["name", "search", "ver", 21032]]);
    const index = new RediSearchDoctorIndex(redis, "idx", { queryTimeoutMs: 150 });
    await index.ensureIndex();
    await index.search(q({ text: "khan" }));
    const search = calls.find((c) => c[0] === "FT.SEARCH") ?? [];
    expect(search.slice(-2)).toEqual(["TIMEOUT", "150"]);
  });

  it.each(["Syntax error at offset 12 near ka", "Timeout limit was reached", "Bad arguments for LIMIT"])(
    "turns RediSearch's %j into a refused query (400), not 'unavailable' (503)",
    async (message) => {
      const { redis } = fakeRedis([["name", "search", "ver", 21032]]);
      const refusing: SearchRedis = {
        call: (command, ...args) =>
          command === "FT.SEARCH" ? Promise.reject(new Error(message)) : redis.call(command, ...args),
      };
      const index = new RediSearchDoctorIndex(refusing, "idx");
      await index.ensureIndex();
      await expect(index.search(q({ text: "khan" }))).rejects.toThrow(SearchQueryError);
      const result = await new DoctorSearch(index, new RecordingLogger()).search({ q: "khan" });
      expect(result.ok ? null : result.error.kind).toBe("validation");
    },
  );
});

/** A recording Redis: a tiny key/value store for the name keys, canned replies for the module. */
function fakeRedis(modules: unknown[][]) {
  const calls: string[][] = [];
  const kv = new Map<string, string>();
  const redis: SearchRedis = {
    async call(command, ...args) {
      calls.push([command, ...args]);
      switch (command) {
        case "MODULE":
          return modules;
        case "GET":
          return kv.get(args[0] as string) ?? null;
        case "MGET":
          return args.map((k) => kv.get(k) ?? null);
        case "SET":
          if (args.includes("NX") && kv.has(args[0] as string)) return null;
          kv.set(args[0] as string, args[1] as string);
          return "OK";
        case "GETSET": {
          const previous = kv.get(args[0] as string) ?? null;
          kv.set(args[0] as string, args[1] as string);
          return previous;
        }
        case "EVAL":
          if ((args[0] as string).includes("GET")) kv.delete(args[2] as string);
          return 1;
        case "FT.INFO":
          return ["index_name", args[0], "indexing", "0"];
        case "FT.SEARCH":
          return [1, "doctor:7", ["json", JSON.stringify({ id: 7 })]];
        default:
          return "OK";
      }
    },
  };
  return { redis, calls, kv };
}

const doctor = (id: number): PublicDoctor => ({
  id,
  name: "Ayesha Khan",
  description: "",
  image: "http://x/d.svg",
  timezone: "UTC",
  experience: 3,
  rating: null,
  rating_count: 0,
  no_of_patients: 0,
  specializations: [{ id: 1, name: "emergency medicine specialist", image: "http://x/s.svg" }],
  qualifications: [],
  slots: [],
});

describe("RediSearch dialects", () => {
  it("detects the module version from MODULE LIST", async () => {
    expect(await detectSearchModuleMajor(fakeRedis([["name", "ft", "ver", 10200]]).redis)).toBe(1);
    expect(await detectSearchModuleMajor(fakeRedis([["name", "search", "ver", 20809]]).redis)).toBe(2);
    await expect(detectSearchModuleMajor(fakeRedis([["name", "ReJSON", "ver", 1]]).redis)).rejects.toThrow(
      /not loaded/,
    );
  });

  it("speaks 2.x: ON HASH PREFIX, hashes written with DEL+HSET, DEL to remove, FT.DROPINDEX after a rebuild", async () => {
    const { redis, calls, kv } = fakeRedis([["name", "search", "ver", 20809]]);
    const index = new RediSearchDoctorIndex(redis, "idx", { keyPrefix: "doctor:" });
    expect(await index.ensureIndex()).toEqual({ created: true });
    const create = calls.find((c) => c[0] === "FT.CREATE") as string[];
    const current = kv.get("idx:current") as string;
    expect(create.slice(0, 10)).toEqual([
      "FT.CREATE",
      current,
      "ON",
      "HASH",
      "PREFIX",
      "1",
      "doctor:",
      "STOPWORDS",
      "0",
      "SCHEMA",
    ]);

    calls.length = 0;
    await index.upsert(doctorDocumentOf(doctor(7)));
    expect(calls).toHaveLength(1);
    const [command, script, numKeys, key, ...fields] = calls[0] as string[];
    expect([command, numKeys, key]).toEqual(["EVAL", "1", "doctor:7"]);
    expect(script).toContain("HSET");
    expect(fields).toContain("specializations");
    expect(fields[fields.indexOf("specializations") + 1]).toBe("emergency medicine specialist");

    calls.length = 0;
    await index.remove(7);
    expect(calls).toEqual([["DEL", "doctor:7"]]);

    calls.length = 0;
    async function* one() {
      yield doctorDocumentOf(doctor(7));
    }
    const outcome = await index.rebuild(one());
    expect(outcome.indexed).toBe(1);
    expect(calls.map((c) => c[0])).toEqual([
      "FT.CREATE",
      "SET",
      "EVAL",
      "FT.INFO",
      "GETSET",
      "EVAL",
      "FT.DROPINDEX",
    ]);
    expect(calls.at(-1)).toEqual(["FT.DROPINDEX", current]);
    expect(kv.get("idx:current")).toBe(outcome.index);
    expect(kv.has("idx:building")).toBe(false);
  });

  it("speaks 1.x: no PREFIX, FT.ADD … REPLACE into the current and the building index, FT.DEL, FT.DROP KEEPDOCS", async () => {
    const { redis, calls, kv } = fakeRedis([["name", "ft", "ver", 10200]]);
    const index = new RediSearchDoctorIndex(redis, "idx", { keyPrefix: "doctor:" });
    await index.ensureIndex();
    const current = kv.get("idx:current") as string;
    const create = calls.find((c) => c[0] === "FT.CREATE") as string[];
    expect(create.slice(0, 5)).toEqual(["FT.CREATE", current, "STOPWORDS", "0", "SCHEMA"]);

    kv.set("idx:building", "idx:next");
    calls.length = 0;
    await index.upsert(doctorDocumentOf(doctor(7)));
    const adds = calls.filter((c) => c[0] === "FT.ADD");
    expect(adds.map((c) => c.slice(0, 6))).toEqual([
      ["FT.ADD", current, "doctor:7", "1.0", "REPLACE", "FIELDS"],
      ["FT.ADD", "idx:next", "doctor:7", "1.0", "REPLACE", "FIELDS"],
    ]);
    kv.delete("idx:building");

    calls.length = 0;
    await index.remove(7);
    expect(calls.filter((c) => c[0] !== "MGET")).toEqual([
      ["FT.DEL", current, "doctor:7"],
      ["DEL", "doctor:7"],
    ]);

    calls.length = 0;
    async function* none() {}
    await index.rebuild(none());
    expect(calls.at(-1)).toEqual(["FT.DROP", current, "KEEPDOCS"]);
    expect(calls.some((c) => c[0] === "FT.INFO")).toBe(false);

    const page = await index.search(q({ namePrefix: "ays" }));
    expect(page).toEqual({ total: 1, doctorsJson: ['{"id":7}'] });
  });
});

describe("numbers in a search query", () => {
  it("are written without exponent, whatever notation the client used", () => {
    expect(numberLiteral(1e-7)).toBe("0.0000001");
    expect(numberLiteral(-1e-7)).toBe("-0.0000001");
    expect(numberLiteral(5e-324)).toBe("0");
    expect(numberLiteral(4.67)).toBe("4.67");
    expect(numberLiteral(1e30)).toBe("1000000000000000019884624838656");
    expect(Number(numberLiteral(2 ** 64))).toBe(2 ** 64);
    expect(() => numberLiteral(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    for (const n of [0, 1, 0.5, 1e-6, 1.5e-6, 123456.789, 1e20, 1e21, Number.MAX_SAFE_INTEGER, -3.25]) {
      expect(numberLiteral(n)).toMatch(/^-?\d+(\.\d+)?$/);
      expect(Number(numberLiteral(n))).toBe(n);
    }
  });

  it("never put an exponent into the filters", () => {
    const built = buildDoctorSearch(q({ minRating: 1e-7, maxFee: 1e-7 }));
    expect(built.query).toBe("@rating:[0.0000001 +inf] @fee:[-inf 0.0000001]");
  });

  it("give digit-only words no fuzzy term (RediSearch 1.2 reads %1234% as a number)", () => {
    expect(buildDoctorSearch(q({ text: "18446744073709551616" })).query).not.toMatch(/%/);
    expect(buildDoctorSearch(q({ text: "ayesha" })).query).toMatch(/%ayesha%/);
  });
});
