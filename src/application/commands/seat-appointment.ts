import type { Slot } from "../../domain/slot/slot.js";
import type { TransactionScope } from "../../ports/unit-of-work.js";

/**
 * Writes a booked appointment for `patientId` in a seat of the slot's sitting on `date`, and the
 * AppointmentBooked event that tells the read side, inside the caller's transaction (which holds the
 * sitting's lock). Shared by a booking and by a seat handed over from the waitlist.
 */
export async function seatAppointment(
  { appointments, outbox }: Pick<TransactionScope, "appointments" | "outbox">,
  slot: Slot,
  date: string,
  seat: number,
  patientId: number,
): Promise<{ id: number; createdAt: Date }> {
  const inserted = await appointments.insert({
    patientId,
    slotId: slot.id,
    doctorId: slot.doctorId,
    date,
    seat,
    capacity: slot.numSlots,
  });
  await outbox.append([
    {
      type: "AppointmentBooked",
      appointmentId: inserted.id,
      doctorId: slot.doctorId,
      slotId: slot.id,
      date,
      seat,
      patientId,
    },
  ]);
  return inserted;
}
