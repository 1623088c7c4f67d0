import type { DomainEvent } from "../../domain/events.js";
import type { Result } from "../../domain/shared/result.js";
import type { Cache } from "../../ports/cache.js";
import type { SessionRevocations, SessionStore } from "../../ports/session.store.js";
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
 * Sessions revoked inside the transaction (a password change, an account's erasure) are announced to
 * `revocations` once it has committed, so that no process keeps answering them from memory.
 */
export class CacheInvalidatingUnitOfWork implements UnitOfWork {
  constructor(
    private readonly inner: UnitOfWork,
    private readonly cache: Cache,
    private readonly revocations?: SessionRevocations,
  ) {}

  async run<T>(work: (scope: TransactionScope) => Promise<Result<T>>): Promise<Result<T>> {
    let appended: DomainEvent[] = [];
    let revokedUsers: number[] = [];
    let revokedDigests: string[] = [];
    const result = await this.inner.run((scope) => {
      // A transaction run again (a deadlock) starts from nothing.
      appended = [];
      revokedUsers = [];
      revokedDigests = [];
      const outbox = {
        append: async (events: readonly DomainEvent[]) => {
          appended.push(...events);
          await scope.outbox.append(events);
        },
      };
      const sessions: SessionStore = {
        create: (s) => scope.sessions.create(s),
        find: (d) => scope.sessions.find(d),
        use: (d, now) => scope.sessions.use(d, now),
        listLive: (u, now) => scope.sessions.listLive(u, now),
        extend: (d, e) => scope.sessions.extend(d, e),
        revokeById: (userId, id, at) => {
          revokedUsers.push(userId);
          return scope.sessions.revokeById(userId, id, at);
        },
        revokeAll: (userId, at, except) => {
          revokedUsers.push(userId);
          return scope.sessions.revokeAll(userId, at, except);
        },
        revoke: (digest, at) => {
          revokedDigests.push(digest);
          return scope.sessions.revoke(digest, at);
        },
      };
      return work({ ...scope, outbox, sessions });
    });
    if (result.ok && appended.length > 0) await this.cache.del(staleKeysOfEvents(appended));
    if (result.ok) await this.revocations?.revoked({ userIds: revokedUsers, digests: revokedDigests });
    return result;
  }
}
