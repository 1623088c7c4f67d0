import type { Cache } from "../../ports/cache.js";
import type { DoctorDocumentSource, DoctorSearchIndex } from "../../ports/doctor-search.js";
import type { ReceivedJob } from "../../ports/job-queue.js";
import { staleKeysOfDoctor } from "../cache/doctor-cache-keys.js";
import { doctorIdOf, eventsOfJob, specializationIdOf } from "./projection-event.js";

/** Doctors read from Postgres (and written to the index) per round. */
const REFRESH_CHUNK = 200;

/**
 * Keeps the doctor search index and caches in step with Postgres. An event only says *which* doctor
 * changed; the document is recomputed from Postgres each time, so applying events twice or in any order
 * ends in the same state (idempotent, order-insensitive). A job carries a batch of events: each doctor
 * they touch is read once, in one query with the others, however many events name it.
 */
export class DoctorProjector {
  constructor(
    private readonly source: DoctorDocumentSource,
    private readonly index: DoctorSearchIndex,
    private readonly cache: Cache,
  ) {}

  /** A job handler: throws (so the job retries) when Postgres or the index does not answer. */
  readonly handle = async (job: ReceivedJob): Promise<void> => {
    const doctorIds = new Set<number>();
    for (const event of eventsOfJob(job.data)) {
      const doctorId = doctorIdOf(event);
      if (doctorId !== null) doctorIds.add(doctorId);
      const specializationId = specializationIdOf(event);
      // Every document that embeds the specialization's picture URL.
      if (specializationId !== null)
        for (const id of await this.source.doctorIdsWithSpecialization(specializationId)) doctorIds.add(id);
    }
    await this.refreshDoctors([...doctorIds]);
  };

  async refreshDoctors(doctorIds: readonly number[]): Promise<void> {
    for (let i = 0; i < doctorIds.length; i += REFRESH_CHUNK) {
      const ids = doctorIds.slice(i, i + REFRESH_CHUNK);
      const documents = await this.source.loadMany(ids);
      const found = new Set(documents.map((d) => d.id));
      await Promise.all([
        ...documents.map((document) => this.index.upsert(document)),
        ...ids.filter((id) => !found.has(id)).map((id) => this.index.remove(id)),
      ]);
      await this.cache.del(ids.flatMap(staleKeysOfDoctor));
    }
  }
}

/** `projections:rebuild`: every doctor from Postgres into a fresh index, swapped in at the end. */
export async function rebuildDoctorIndex(
  source: DoctorDocumentSource,
  index: DoctorSearchIndex,
  onProgress: (indexed: number, total: number) => void = () => undefined,
): Promise<{ indexed: number; index: string }> {
  const total = await source.count();
  onProgress(0, total);
  return index.rebuild(source.loadAll(), (indexed) => onProgress(indexed, Math.max(total, indexed)));
}
