import type { DomainEvent } from "../../domain/events.js";
import type { SittingBook } from "../../domain/sitting/sitting-book.js";
import type { Notification } from "../../ports/notifier.js";

/**
 * The in-app notices of one decision on a sitting, derived from its events: a booking tells the
 * account that booked, a seat handed over tells the account whose entry waited, a cancel tells the
 * account that held the seat (saying why when the doctor cancelled it), and a sitting that closes
 * tells every account with a seat or a waiting entry there, with the reason. `patientNames` names the
 * patients of direct bookings.
 */
export function noticesOf(
  change: {
    readonly before: SittingBook;
    readonly after: SittingBook;
    readonly events: readonly DomainEvent[];
  },
  patientNames: ReadonlyMap<number, string> = new Map(),
): Notification[] {
  const { before, after, events } = change;
  // Set by this decision: the sitting was open before it.
  const closedNow = before.closedReason === null ? after.closedReason : null;
  return events.flatMap((event): Notification[] => {
    if (event.type === "AppointmentBooked") {
      const { appointmentId, seat, date, patientId } = event;
      const entry = before.waiting.find((w) => w.patientId === patientId);
      if (entry) {
        return [
          {
            userId: entry.ownerUserId,
            kind: "moved_from_waitlist",
            text: `A seat freed up: you now hold seat ${seat} in the sitting of ${date} (appointment ${appointmentId}).`,
            appointmentId,
          },
        ];
      }
      const held = after.seats.find((s) => s.appointmentId === appointmentId);
      if (!held) return [];
      const name = patientNames.get(patientId) ?? `Patient ${patientId}`;
      return [
        {
          userId: held.ownerUserId,
          kind: "booked",
          text: `${name} holds seat ${seat} in the sitting of ${date} (appointment ${appointmentId}).`,
          appointmentId,
        },
      ];
    }
    if (event.type === "AppointmentMoved") {
      const held = after.seats.find((s) => s.appointmentId === event.appointmentId);
      if (!held) return [];
      const { appointmentId, seat, date, from } = event;
      return [
        {
          userId: held.ownerUserId,
          kind: "moved",
          text: `Appointment ${appointmentId} moved: seat ${seat} in the sitting of ${date} (was seat ${from.seat} on ${from.date}).`,
          appointmentId,
        },
      ];
    }
    if (event.type === "AppointmentCancelled") {
      const held = before.seats.find((s) => s.appointmentId === event.appointmentId);
      if (!held) return [];
      const { appointmentId, seat, date, reason } = event;
      const place = `Appointment ${appointmentId} (seat ${seat} on ${date})`;
      if (event.cancelledBy === "patient") {
        return [
          { userId: held.ownerUserId, kind: "cancelled", text: `${place} is cancelled.`, appointmentId },
        ];
      }
      return [
        closedNow !== null
          ? {
              userId: held.ownerUserId,
              kind: "sitting_closed",
              text: `The sitting of ${date} does not take place (${closedNow}): ${place} is cancelled.`,
              appointmentId,
            }
          : {
              userId: held.ownerUserId,
              kind: "cancelled_by_doctor",
              text: `The doctor cancelled ${place}: ${reason ?? "no reason given"}.`,
              appointmentId,
            },
      ];
    }
    if (event.type === "WaitlistLeft" && closedNow !== null) {
      const entry = before.waiting.find((w) => w.id === event.entryId);
      if (!entry) return [];
      return [
        {
          userId: entry.ownerUserId,
          kind: "sitting_closed",
          text: `The sitting of ${event.date} does not take place (${closedNow}): your place on its waitlist has ended.`,
          appointmentId: null,
        },
      ];
    }
    return [];
  });
}
