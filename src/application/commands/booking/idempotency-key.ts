import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import type { IdempotencyStore } from "../../../ports/idempotency.store.js";

/**
 * The first step of a command that takes an `Idempotency-Key`, inside its transaction: the key is
 * locked (the same key runs one request at a time), then an earlier request with it either replays
 * (the appointment it made, when the request is the same) or is refused (409, a different request).
 * Null: the key is new, or none was given, and the command runs.
 */
export async function replayOfKey(
  idempotency: IdempotencyStore,
  userId: number,
  key: string | undefined,
  fingerprint: string,
): Promise<Result<{ appointmentId: number } | null>> {
  if (key === undefined) return ok(null);
  await idempotency.lock(userId, key);
  const earlier = await idempotency.find(userId, key);
  if (earlier && earlier.requestHash !== fingerprint) {
    return err(
      appError(
        "conflict",
        "idempotency_key_reused",
        "This Idempotency-Key was used for a different request.",
      ),
    );
  }
  return ok(earlier && { appointmentId: earlier.appointmentId });
}
