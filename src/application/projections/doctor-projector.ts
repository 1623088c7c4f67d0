import type { Cache } from "../../ports/cache.js";
import type { DoctorDocumentSource, DoctorSearchIndex } from "../../ports/doctor-search.js";
import type { ReceivedJob } from "../../ports/job-queue.js";
import { staleKeysOfDoctor } from "../queries/doctor-cache-keys.js";
import { doctorIdOf, isProjectionEvent, specializationIdOf } from "./projection-event.js";

/**
 * Keeps the doctor search index and caches in step with Postgres. An event only says *which* doctor
 * changed; the document is recomputed from Postgres each time, so applying events twice or in any order
 * ends in the same state (idempotent, order-insensitive).
 */
export class DoctorProjector {
  constructor(
    private readonly source: DoctorDocumentSource,
    private readonly index: DoctorSearchIndex,
    private readonly cache: Cache,
  ) {}

  /** A job handler: throws (so the job retries) when Postgres or the index does not answer. */
  readonly handle = async (job: ReceivedJob): Promise<void> => {
    if (!isProjectionEvent(job.data)) return;
    const doctorId = doctorIdOf(job.data);
    if (doctorId !== null) await this.refreshDoctor(doctorId);
    const specializationId = specializationIdOf(job.data);
    if (specializationId !== null) {
      // Every document that embeds the specialization's picture URL.
      for (const id of await this.source.doctorIdsWithSpecialization(specializationId))
        await this.refreshDoctor(id);
    }
  };

  async refreshDoctor(doctorId: number): Promise<void> {
    const document = await this.source.load(doctorId);
    if (document) await this.index.upsert(document);
    else await this.index.remove(doctorId);
    await this.cache.del(staleKeysOfDoctor(doctorId));
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
