import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { RediSearchDoctorIndex } from "../../src/adapters/search/doctor-search.redisearch.js";
import { createSearchRedis } from "../../src/adapters/search/search-redis.js";
import { rebuildDoctorIndex } from "../../src/application/projections/doctor-projector.js";
import type { Runtime } from "../../src/container.js";
import {
  DOCTOR_DOCUMENT_SOURCE,
  DOCTOR_SEARCH_INDEX,
  type DoctorDocument,
  type DoctorSearchIndex,
  doctorDocumentOf,
  type PublicDoctor,
} from "../../src/ports/doctor-search.js";
import { TEST_REDIS_URL } from "./env.js";

/**
 * What the workers' watchdog does for a Redis without the doctor index: create it and fill it from
 * Postgres, retrying while Redis is still starting. Tests that run no workers call it themselves.
 */
export async function buildServingIndex(runtime: Runtime, timeoutMs = 10_000): Promise<void> {
  const index = runtime.container.get<DoctorSearchIndex>(DOCTOR_SEARCH_INDEX);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { created } = await index.ensureIndex();
      if (created) await rebuildDoctorIndex(runtime.container.get(DOCTOR_DOCUMENT_SOURCE), index);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * A doctor index private to one test file (its own index name and document key prefix), over a search
 * connection made as production makes it (RESP2), or over a connection speaking the protocol asked for.
 */
export async function privateDoctorIndex(options: { protocol?: 2 | 3 } = {}) {
  const redis =
    options.protocol === undefined
      ? createSearchRedis(TEST_REDIS_URL, "test-search")
      : new Redis(TEST_REDIS_URL, { protocol: options.protocol });
  if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
  const run = randomBytes(4).toString("hex");
  const name = `doctorly:test:${run}:idx`;
  const keyPrefix = `doctorly:test:${run}:doctor:`;
  const index = new RediSearchDoctorIndex(redis, name, { keyPrefix });
  return {
    index,
    redis,
    name,
    keyPrefix,
    /** Drops every index this test created, deletes its keys (never FLUSHALL: other tests share Redis), disconnects. */
    async dispose() {
      const listed = ((await redis.call("FT._LIST").catch(() => [])) as string[]).filter((i) =>
        i.startsWith(`${name}:`),
      );
      const v1 = (await redis.keys(`idx:${name}:*`)).map((k) => k.slice("idx:".length));
      for (const physical of new Set([...listed, ...v1])) {
        await redis
          .call("FT.DROPINDEX", physical)
          .catch(() => redis.call("FT.DROP", physical).catch(() => undefined));
      }
      const keys = [...(await redis.keys(`${keyPrefix}*`)), ...(await redis.keys(`${name}:*`))];
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** A synthetic public Doctor for index-level tests that need values Postgres cannot hold yet (ratings). */
export function syntheticDocument(
  id: number,
  overrides: Partial<Omit<PublicDoctor, "id">> & { days?: string[]; fee?: number | null } = {},
): DoctorDocument {
  const { days = [], fee = null, ...rest } = overrides;
  const doctor: PublicDoctor = {
    id,
    name: `Doctor ${id}`,
    description: "",
    image: "http://doctorly.test/static/defaults/doctor.svg",
    timezone: "UTC",
    experience: 0,
    rating: null,
    rating_count: 0,
    no_of_patients: 0,
    specializations: [],
    qualifications: [],
    slots:
      fee === null
        ? []
        : (days.length > 0 ? days : ["monday"]).map((day, i) => ({
            id: id * 10 + i,
            doctor_id: id,
            day: day as PublicDoctor["slots"][number]["day"],
            start: "09:00",
            end: "10:00",
            appointment_duration: 15,
            num_slots: 4,
            consultation_fee: fee,
          })),
    ...rest,
  };
  return doctorDocumentOf(doctor);
}
