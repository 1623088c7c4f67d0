import type {
  DoctorDocument,
  DoctorDocumentSource,
  DoctorSearchIndex,
  DoctorSearchPage,
  RebuildOutcome,
} from "../../../src/ports/doctor-search.js";
import type { IdempotencyKeyPurger } from "../../../src/ports/idempotency.store.js";

/** Idempotency-Keys by creation time; records every batch asked for, and fails the next `failures` calls. */
export class FakeIdempotencyKeys implements IdempotencyKeyPurger {
  readonly batches: { cutoff: Date; limit: number; deleted: number }[] = [];
  failures = 0;
  constructor(public createdAt: Date[] = []) {}

  async purgeOlderThan(cutoff: Date, limit: number): Promise<number> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("connection refused");
    }
    const old = this.createdAt.filter((at) => at < cutoff).slice(0, limit);
    this.createdAt = this.createdAt.filter((at) => !old.includes(at));
    this.batches.push({ cutoff, limit, deleted: old.length });
    return old.length;
  }
}

/** A search index that Redis may have lost: `ensureIndex` creates it (answering `created`) when missing. */
export class FakeDoctorIndex implements DoctorSearchIndex {
  missing = true;
  failures = 0;
  readonly documents = new Map<number, DoctorDocument>();
  rebuilds = 0;

  async ensureIndex(): Promise<{ created: boolean }> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("redis is loading the dataset in memory");
    }
    const created = this.missing;
    this.missing = false;
    return { created };
  }
  async upsert(document: DoctorDocument): Promise<void> {
    this.documents.set(document.id, document);
  }
  async remove(doctorId: number): Promise<void> {
    this.documents.delete(doctorId);
  }
  async search(): Promise<DoctorSearchPage> {
    throw new Error("not used by these tests");
  }
  async rebuild(documents: AsyncIterable<DoctorDocument>): Promise<RebuildOutcome> {
    this.rebuilds += 1;
    this.documents.clear();
    for await (const document of documents) this.documents.set(document.id, document);
    return { indexed: this.documents.size, index: `doctors-${this.rebuilds}` };
  }
}

/** The doctors Postgres holds, as documents. */
export function fakeDocumentSource(ids: readonly number[]): DoctorDocumentSource {
  const documentOf = (id: number) => ({ id, name: `Doctor ${id}` }) as unknown as DoctorDocument;
  return {
    load: async (id) => (ids.includes(id) ? documentOf(id) : null),
    loadMany: async (wanted) => wanted.filter((id) => ids.includes(id)).map(documentOf),
    doctorIdsWithSpecialization: async () => [],
    loadAll: async function* () {
      for (const id of ids) yield documentOf(id);
    },
    count: async () => ids.length,
  };
}

/** Counts the re-plannings of reminders; fails the next `failures` of them. */
export class FakeReminderPlanner {
  replanned = 0;
  failures = 0;
  async replanUpcoming(): Promise<number> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error("queue unavailable");
    }
    this.replanned += 1;
    return 3;
  }
}
