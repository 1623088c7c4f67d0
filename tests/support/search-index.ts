import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { RediSearchDoctorIndex } from "../../src/adapters/search/doctor-search.redisearch.js";
import type { DoctorDocument, PublicDoctor } from "../../src/ports/doctor-search.js";
import { doctorDocumentOf } from "../../src/ports/doctor-search.js";

/** A doctor index private to one test file: its own index name and document key prefix. */
export function privateDoctorIndex(redis: Redis) {
  const run = randomBytes(4).toString("hex");
  const name = `doctorly:test:${run}:idx`;
  const keyPrefix = `doctorly:test:${run}:doctor:`;
  const index = new RediSearchDoctorIndex(redis, name, { keyPrefix });
  return {
    index,
    name,
    keyPrefix,
    /** Drops every index this test created and deletes its keys (never FLUSHALL: other tests share Redis). */
    async dispose() {
      const indexes = (await redis.keys(`idx:${name}:*`)).map((k) => k.slice("idx:".length));
      for (const physical of indexes) await redis.call("FT.DROP", physical).catch(() => undefined);
      const keys = [...(await redis.keys(`${keyPrefix}*`)), ...(await redis.keys(`${name}:*`))];
      if (keys.length > 0) await redis.del(...keys);
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
