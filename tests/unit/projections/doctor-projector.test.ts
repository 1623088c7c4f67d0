import { describe, expect, it } from "vitest";
import { DoctorProjector } from "../../../src/application/projections/doctor-projector.js";
import type { Cache } from "../../../src/ports/cache.js";
import type {
  DoctorDocument,
  DoctorDocumentSource,
  DoctorSearchIndex,
} from "../../../src/ports/doctor-search.js";

const documentOf = (id: number) => ({ id, name: `Doctor ${id}` }) as unknown as DoctorDocument;

function harness(withSpecialization: Record<number, number[]>, missing: number[] = []) {
  const upserted: number[] = [];
  const removed: number[] = [];
  const deleted: string[] = [];
  const reads: number[][] = [];
  const source: DoctorDocumentSource = {
    load: async (id) => documentOf(id),
    loadMany: async (ids) => {
      reads.push([...ids]);
      return ids.filter((id) => !missing.includes(id)).map(documentOf);
    },
    loadAll: async function* () {},
    count: async () => 0,
    doctorIdsWithSpecialization: async (id) => withSpecialization[id] ?? [],
  };
  const index = {
    upsert: async (d: DoctorDocument) => void upserted.push(d.id),
    remove: async (id: number) => void removed.push(id),
  } as unknown as DoctorSearchIndex;
  const cache: Cache = {
    get: async () => null,
    set: async () => {},
    del: async (keys) => void deleted.push(...keys),
  };
  return { projector: new DoctorProjector(source, index, cache), upserted, removed, deleted, reads };
}

const job = (type: string, payload: object) => ({
  id: "1",
  name: type,
  attemptsMade: 0,
  data: { events: [{ outboxId: "1", type, payload: { type, ...payload } }] },
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

  it("applies a batch of events reading each doctor once, however many events name it", async () => {
    const { projector, upserted, removed, deleted, reads } = harness({ 4: [2, 9] }, [11]);
    const events = [
      { type: "AppointmentBooked", payload: { doctorId: 7, appointmentId: 1 } },
      { type: "AppointmentBooked", payload: { doctorId: 7, appointmentId: 2 } },
      { type: "SpecializationImageChanged", payload: { specializationId: 4 } },
      { type: "PatientRegistered", payload: { patientId: 1, userId: 2 } },
      { type: "DoctorRegistered", payload: { doctorId: 11, userId: 3 } },
    ].map((e, i) => ({ outboxId: String(i + 1), type: e.type, payload: { type: e.type, ...e.payload } }));
    await projector.handle({ id: "outbox-1-5-5", name: "outbox", attemptsMade: 0, data: { events } });
    expect(reads).toEqual([[7, 2, 9, 11]]);
    expect(upserted.sort()).toEqual([2, 7, 9]);
    // A doctor gone from Postgres leaves the index.
    expect(removed).toEqual([11]);
    expect(deleted).toEqual(expect.arrayContaining(["doctor:2", "doctor:7", "doctor:9", "doctor:11"]));
  });

  it("ignores events about no doctor", async () => {
    const { projector, upserted } = harness({});
    await projector.handle(job("PatientRegistered", { patientId: 1, userId: 2 }));
    expect(upserted).toEqual([]);
  });
});
