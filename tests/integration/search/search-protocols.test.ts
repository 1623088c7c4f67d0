import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../../src/adapters/logging/logger.pino.js";
import { detectSearchModuleMajor } from "../../../src/adapters/search/doctor-search.redisearch.js";
import { compose, type Runtime } from "../../../src/container.js";
import { EXPECTED, RECORDED_DOCTORS, RECORDED_SEARCHES } from "../../fixtures/search-replies/scenarios.js";
import { doctorsOf } from "../../support/doctor-pages.js";
import { TEST_REDIS_URL, testConfig } from "../../support/env.js";
import { privateDoctorIndex } from "../../support/search-index.js";

/** Which engine this run talks to, so that the output of the dialect matrix says what ran. */
async function engine(): Promise<string> {
  const redis = new Redis(TEST_REDIS_URL, { protocol: 2 });
  try {
    const modules = (await redis.call("MODULE", "LIST")) as unknown[][];
    const entry = modules.find((m) => ["ft", "search"].includes(String(m[1])));
    const ver = Number(entry?.[3]);
    return `RediSearch ${Math.floor(ver / 10_000)}.${Math.floor(ver / 100) % 100}.${ver % 100} (major ${await detectSearchModuleMajor(redis)})`;
  } finally {
    redis.disconnect();
  }
}

describe(`search protocols on ${await engine()}`, () => {
  describe.each([2, 3] as const)("over a RESP%i connection", (protocol) => {
    let search: Awaited<ReturnType<typeof privateDoctorIndex>>;
    beforeAll(async () => {
      search = await privateDoctorIndex({ protocol });
      await search.index.ensureIndex();
      for (const doctor of RECORDED_DOCTORS) await search.index.upsert(doctor);
    });
    afterAll(() => search.dispose());

    it.each(Object.keys(EXPECTED) as (keyof typeof EXPECTED)[])("answers %j correctly", async (scenario) => {
      const page = await search.index.search(RECORDED_SEARCHES[scenario]);
      expect({ total: page.total, ids: doctorsOf(page).map((d) => d.id) }).toEqual(EXPECTED[scenario]);
    });

    it("rebuilds (waiting out 2.x background indexing through FT.INFO) and probes", async () => {
      const outcome = await search.index.rebuild(
        (async function* () {
          yield* RECORDED_DOCTORS;
        })(),
      );
      expect(outcome.indexed).toBe(3);
      expect(await search.index.probe()).toEqual({ documents: 3 });
    });
  });
});

describe("the service's search connection", () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await compose(testConfig(), createLogger("silent"));
  });
  afterAll(() => runtime.close());

  it("speaks RESP2, the one reply form every RediSearch version answers in", async () => {
    const probe = new Redis(TEST_REDIS_URL, { protocol: 2 });
    try {
      const deadline = Date.now() + 5_000;
      let line: string | undefined;
      while (!line && Date.now() < deadline) {
        const clients = (await probe.call("CLIENT", "LIST")) as string;
        line = clients.split("\n").find((l) => / name=doctorly-search /.test(l));
        if (!line) await new Promise((r) => setTimeout(r, 50));
      }
      expect(line).toMatch(/ resp=2( |$)/);
    } finally {
      probe.disconnect();
    }
  });
});
