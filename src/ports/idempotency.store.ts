/** Remembers which booking an `Idempotency-Key` produced, per account, so a retry books nothing new. */
export interface IdempotencyStore {
  /** Serializes requests that carry the same key until the transaction ends. */
  lock(userId: number, key: string): Promise<void>;
  find(userId: number, key: string): Promise<{ requestHash: string; appointmentId: number } | null>;
  save(userId: number, key: string, requestHash: string, appointmentId: number): Promise<void>;
}

/**
 * Forgets at most `limit` Idempotency-Keys older than the cutoff (outside any booking); returns how many.
 * The workers call it batch after batch (application/maintenance/purges.ts).
 */
export interface IdempotencyKeyPurger {
  purgeOlderThan(cutoff: Date, limit: number): Promise<number>;
}

export const IDEMPOTENCY_KEY_PURGER = Symbol.for("doctorly.IdempotencyKeyPurger");
