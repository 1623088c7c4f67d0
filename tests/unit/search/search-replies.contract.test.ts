import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  RediSearchDoctorIndex,
  type SearchRedis,
} from "../../../src/adapters/search/doctor-search.redisearch.js";
import {
  infoField,
  isStillIndexing,
  parseSearchReply,
  UnexpectedSearchReplyError,
} from "../../../src/adapters/search/search-replies.js";
import { projectRoot } from "../../../src/config.js";
import { SearchUnavailableError } from "../../../src/ports/doctor-search.js";
import { EXPECTED, RECORDED_SEARCHES } from "../../fixtures/search-replies/scenarios.js";
import { doctorsOf } from "../../support/doctor-pages.js";

/**
 * Replies recorded from the real engines by scripts/record-search-replies.ts, read back through the
 * adapter: whatever protocol a connection speaks, search must read every engine's answer correctly.
 */
interface Recording {
  readonly engine: string;
  readonly protocol: 2 | 3;
  readonly exchanges: readonly { scenario: string; command: string[]; reply: unknown }[];
}

const dir = path.join(projectRoot, "tests", "fixtures", "search-replies");
const recordings: Recording[] = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Recording);

/** A Redis that answers what the recorded engine answered in the named scenario. */
function replay(recording: Recording) {
  let scenario = "";
  const reply = (command: string) => {
    const found = recording.exchanges.find((e) => e.command[0] === command && e.scenario === scenario);
    if (!found) throw new Error(`nothing recorded for ${command} in ${scenario}`);
    return found.reply;
  };
  const redis: SearchRedis = {
    async call(command) {
      if (command === "GET") return "idx";
      if (command === "MODULE") return recording.exchanges.find((e) => e.command[0] === "MODULE")?.reply;
      return reply(command);
    },
  };
  return {
    index: new RediSearchDoctorIndex(redis, "doctors"),
    at(name: string) {
      scenario = name;
    },
  };
}

const ids = (doctorsJson: readonly string[]) => doctorsOf({ total: 0, doctorsJson }).map((d) => d.id);

describe("recorded replies of every engine", () => {
  it("cover RediSearch 1.2, 2.2 and 2.10, each over RESP2 and RESP3", () => {
    expect(
      recordings.map((r) => `${r.engine.split(".").slice(0, 2).join(".")} RESP${r.protocol}`).sort(),
    ).toEqual([
      "redisearch-1.2 RESP2",
      "redisearch-1.2 RESP3",
      "redisearch-2.10 RESP2",
      "redisearch-2.10 RESP3",
      "redisearch-2.2 RESP2",
      "redisearch-2.2 RESP3",
    ]);
    // The RESP3 recording of 2.10 really holds the map form that once emptied every search.
    const resp3 = recordings.find((r) => r.engine.startsWith("redisearch-2.10") && r.protocol === 3);
    const search = resp3?.exchanges.find((e) => e.command[0] === "FT.SEARCH")?.reply as unknown[];
    expect(search[0]).toBe("attributes");
  });

  describe.each(recordings.map((r) => [`${r.engine} over RESP${r.protocol}`, r] as const))(
    "%s",
    (_, recording) => {
      it.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])("reads the search %j", async (scenario) => {
        const { index, at } = replay(recording);
        at(scenario);
        const page = await index.search(RECORDED_SEARCHES[scenario]);
        expect({ total: page.total, ids: ids(page.doctorsJson) }).toEqual(EXPECTED[scenario]);
      });

      it("proves readiness with the probe query", async () => {
        const { index, at } = replay(recording);
        at("probe");
        expect(await index.probe()).toEqual({ documents: 3 });
      });

      it("reads FT.INFO: three documents, no longer indexing", () => {
        const info = recording.exchanges.find((e) => e.scenario === "info")?.reply;
        expect(Number(infoField(info, "num_docs"))).toBe(3);
        expect(isStillIndexing(info)).toBe(false);
      });
    },
  );
});

describe("reply shapes nobody recorded", () => {
  it("reads RESP3 maps handed over as objects (ioredis replyMapping: resp3)", () => {
    const reply = {
      attributes: [],
      format: "STRING",
      results: [{ id: "doctor:1", extra_attributes: { json: '{"id":1}' }, values: [] }],
      total_results: 1,
      warning: ["Timeout limit was reached"],
    };
    expect(parseSearchReply(reply)).toEqual({
      total: 1,
      doctorsJson: ['{"id":1}'],
      warnings: ["Timeout limit was reached"],
    });
    expect(isStillIndexing({ indexing: 1 })).toBe(true);
  });

  it.each([
    ["an empty list", []],
    ["a map without results", ["attributes", [], "total_results", 1]],
    ["a total that is not a count", ["NaN"]],
    ["a negative total", [-1]],
    ["a status", "OK"],
    ["nothing", null],
  ])("refuses %s instead of reading it as an empty page", (_, reply) => {
    expect(() => parseSearchReply(reply)).toThrow(UnexpectedSearchReplyError);
  });

  it("answers 'search unavailable' (503), never a page with total NaN, for an unreadable reply", async () => {
    const redis: SearchRedis = {
      async call(command) {
        if (command === "MODULE") return [["name", "search", "ver", 21032]];
        if (command === "GET") return "idx";
        return ["attributes", [], "format", "STRING"];
      },
    };
    const index = new RediSearchDoctorIndex(redis, "doctors");
    await expect(index.search(RECORDED_SEARCHES["no match"])).rejects.toThrow(SearchUnavailableError);
    await expect(index.probe()).rejects.toThrow(UnexpectedSearchReplyError);
  });
});
