import type { DomainEvent } from "../../domain/events.js";
import type { Result } from "../../domain/shared/result.js";
import type { Cache } from "../../ports/cache.js";
import type { TransactionScope, UnitOfWork } from "../../ports/unit-of-work.js";
import { doctorCacheKeys, staleKeysOfDoctor } from "../cache/doctor-cache-keys.js";

/** The cache entries a committed event makes stale. */
function staleKeysOfEvents(events: readonly DomainEvent[]): string[] {
  const keys = new Set<string>();
  for (const event of events) {
    if ("doctorId" in event) for (const key of staleKeysOfDoctor(event.doctorId)) keys.add(key);
    if (event.type === "SpecializationImageChanged") keys.add(doctorCacheKeys.specializations);
  }
  return [...keys];
}

/**
 * Read-your-writes for every command: the events a transaction appends name the cache entries it makes
 * stale, and those are deleted as soon as it has committed, so the next read shows the write. (The
 * projector deletes them again after it has run, closing the race with a read that re-cached old data.)
 */
export class CacheInvalidatingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly cache: Cache,
  ) {}

  async run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>> {
    let appended: DomainEvent[] = [];
    const result = await this.inner.run((scope) => {
      appended = [];
      const outbox = {
        append: async (events: readonly DomainEvent[]) => {
          appended.push(...events);
          await scope.outbox.append(events);
        },
      };
      return work({ ...scope, outbox });
    });
    if (result.ok && appended.length > 0) await this.cache.del(staleKeysOfEvents(appended));
    return result;
  }
}
