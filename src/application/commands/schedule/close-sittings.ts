import type { DomainEvent } from "../../../domain/events.js";
import { sittingOf, slotDatesBetween } from "../../../domain/sitting/sitting.js";
import { closeSitting } from "../../../domain/sitting/sitting-book.js";
import type { Slot } from "../../../domain/slot/slot.js";
import type { TransactionScope } from "../../../ports/unit-of-work.js";
import { recordSittingChange } from "./record-sitting-change.js";

export interface SittingsToClose {
  /** Slots of one doctor. */
  readonly slots: readonly Slot[];
  readonly timeZone: string;
  /** First and last date (inclusive) whose sittings close. */
  readonly from: string;
  readonly to: string;
  /** Why they do not take place; the cancelled appointments carry it. */
  readonly reason: string;
  readonly now: Date;
}

/**
 * Closes every sitting of `slots` from `from` to `to` that has not started, inside the caller's
 * transaction: each is locked and loaded in (slot id, date) order, the order every command takes
 * sitting locks in, so this never deadlocks with bookings; its seats are cancelled by the doctor and
 * its waiting entries end, each owner told. A sitting closed already is left as it is; a started one
 * takes place. Returns how many appointments were cancelled.
 *
 * The caller writes what keeps the sittings closed (the time off, the slot's retirement) in the same
 * transaction, after this: a booking waiting for a lock held here then sees it once this commits.
 */
export async function closeSittings(
  scope: Pick<TransactionScope, "sittings" | "outbox" | "notifications">,
  toClose: SittingsToClose,
): Promise<number> {
  const { timeZone, from, to, reason, now } = toClose;
  let cancelled = 0;
  const slots = [...toClose.slots].sort((a, b) => a.id - b.id);
  for (const slot of slots) {
    for (const date of from <= to ? slotDatesBetween(slot, from, to) : []) {
      if (sittingOf(slot, date, timeZone).startsAt.getTime() <= now.getTime()) continue;
      const before = await scope.sittings.lockAndLoad(slot, timeZone, date);
      const decided = closeSitting(before, now, reason);
      if (!decided.ok || decided.value.events.length === 0) continue;
      await recordSittingChange(scope, before, decided.value);
      cancelled += decided.value.events.filter((e: DomainEvent) => e.type === "AppointmentCancelled").length;
    }
  }
  return cancelled;
}
