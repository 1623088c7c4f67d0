import { describe, expect, it } from "vitest";
import { DoctorProjector } from "../../../src/application/projections/doctor-projector.js";
import type { Cache } from "../../../src/ports/cache.js";
import type {
  DoctorDocument,
  DoctorDocumentSource,
  DoctorSearchIndex,
} from "../../../src/ports/doctor-search.js";

const documentOf = (id: number) => ({ id, name: `Doctor ${id}` }) as unknown as DoctorDocument;

function harness(withSpecialization: Record<number, number[]>) {
  const upserted: number[] = [];
  const deleted: string[] = [];
  const source: DoctorDocumentSource = {
    load: async (id) => documentOf(id),
    loadAll: async function* () {},
    count: async () => 0,
    doctorIdsWithSpecialization: async (id) => withSpecialization[id] ?? [],
  };
  const index = {
    upsert: async (d: DoctorDocument) => void upserted.push(d.id),
  } as unknown as DoctorSearchIndex;
  const cache: Cache = {
    get: async () => null,
    set: async () => {},
    del: async (keys) => void deleted.push(...keys),
  };
  return { projector: new DoctorProjector(source, index, cache), upserted, deleted };
}

const job = (type: string, payload: object) => ({
  id: "1",
  name: type,
  attemptsMade: 0,
  data: { outboxId: "1", type, payload: { type, ...payload } },
});

describe("doctor projector", () => {
  it("recomputes the doctor an event names, and drops its cache entries", async () => {
    const { projector, upserted, deleted } = harness({});
    await projector.handle(job("SlotAdded", { doctorId: 7, slotId: 3 }));
    expect(upserted).toEqual([7]);
    expect(deleted).toContain("doctor:7");
  });

  it("recomputes every doctor holding a specialization whose picture changed", async () => {
    const { projector, upserted, deleted } = harness({ 4: [2, 9] });
    await projector.handle(job("SpecializationImageChanged", { specializationId: 4 }));
    expect(upserted).toEqual([2, 9]);
    expect(deleted).toEqual(expect.arrayContaining(["doctor:2", "doctor:9"]));
  });

  it("ignores events about no doctor", async () => {
    const { projector, upserted } = harness({});
    await projector.handle(job("PatientRegistered", { patientId: 1, userId: 2 }));
    expect(upserted).toEqual([]);
  });
});
