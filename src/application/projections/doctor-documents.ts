import type { Clock } from "../../ports/clock.js";
import type { DoctorReadModel } from "../../ports/doctor.read-model.js";
import {
  type DoctorDocument,
  type DoctorDocumentSource,
  doctorDocumentOf,
} from "../../ports/doctor-search.js";
import type { ImageUrls } from "../../ports/image-urls.js";
import { toDoctorView } from "../queries/views.js";

/**
 * Search documents are made from the same read model and the same Doctor view as GET /doctors/get/{id},
 * so a search hit and a direct read can never disagree.
 */
export class DoctorDocuments implements DoctorDocumentSource {
  constructor(
    private readonly doctors: DoctorReadModel,
    private readonly urls: ImageUrls,
    private readonly clock: Clock,
    private readonly batchSize = 200,
  ) {}

  async load(doctorId: number): Promise<DoctorDocument | null> {
    return (await this.loadMany([doctorId]))[0] ?? null;
  }

  async loadMany(doctorIds: readonly number[]): Promise<DoctorDocument[]> {
    if (doctorIds.length === 0) return [];
    const now = this.clock.now();
    return (await this.doctors.findByIds([...doctorIds])).map((row) =>
      doctorDocumentOf(toDoctorView(row, this.urls, now)),
    );
  }

  /** Every doctor in id order, a batch per query (keyset pagination, no long transaction). */
  async *loadAll(): AsyncIterable<DoctorDocument> {
    let after = 0;
    for (;;) {
      const ids = await this.doctors.idsAfter(after, this.batchSize);
      const now = this.clock.now();
      for (const row of await this.doctors.findByIds(ids))
        yield doctorDocumentOf(toDoctorView(row, this.urls, now));
      const last = ids.at(-1);
      if (last === undefined || ids.length < this.batchSize) return;
      after = last;
    }
  }

  doctorIdsWithSpecialization(specializationId: number): Promise<number[]> {
    return this.doctors.idsWithSpecialization(specializationId);
  }

  count(): Promise<number> {
    return this.doctors.count();
  }
}
