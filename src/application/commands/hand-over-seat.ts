import { lowestFreeSeat } from "../../domain/appointment/appointment.js";
import { nextInLine } from "../../domain/appointment/visit.js";
import type { Slot } from "../../domain/slot/slot.js";
import type { TransactionScope } from "../../ports/unit-of-work.js";
import { seatAppointment } from "./seat-appointment.js";

/**
 * Gives the seats free in a sitting to the people waiting for it, first come first served, inside the
 * caller's transaction (which holds the sitting's lock): the same constraints as any booking hold, so
 * this can never overbook. Each new owner is notified.
 */
export async function handOverFreeSeats(
  { appointments, waitlist, notifications, outbox }: TransactionScope,
  slot: Slot,
  date: string,
): Promise<void> {
  let waiting = await waitlist.waiting(slot.id, date);
  for (;;) {
    const held = await appointments.heldSeats(slot.id, date);
    const seat = lowestFreeSeat(
      held.map((h) => h.seat),
      slot.numSlots,
    );
    const entry = nextInLine(waiting, new Set(held.map((h) => h.patientId)));
    if (seat === null || entry === null) return;

    const { id } = await seatAppointment({ appointments, outbox }, slot, date, seat, entry.patientId);
    await waitlist.markBooked(entry.id, id);
    await notifications.notify({
      userId: entry.ownerUserId,
      kind: "moved_from_waitlist",
      text: `A seat freed up: you now hold seat ${seat} in the sitting of ${date} (appointment ${id}).`,
      appointmentId: id,
    });
    waiting = waiting.filter((w) => w.id !== entry.id);
  }
}
