import { ChangeDoctorVerification } from "../../../src/application/commands/doctors/change-doctor-verification.js";
import { AddSlot } from "../../../src/application/commands/schedule/add-slot.js";
import type { Clock } from "../../../src/ports/clock.js";
import type { FakeUnitOfWork } from "./unit-of-work.js";

/**
 * A doctor patients can book in `uow`: verified by an admin (user 1), with one Monday 09:00 slot of
 * 15-minute seats at a fee of 500.
 */
export async function bookableDoctor(
  uow: FakeUnitOfWork,
  clock: Clock,
  doctor: { userId: number; timeZone: string; description?: string; numSlots: number },
): Promise<{ doctorId: number; slotId: number }> {
  const registered = await uow.run(async ({ doctors }) => ({
    ok: true,
    value: await doctors.insert({
      userId: doctor.userId,
      description: doctor.description ?? "",
      timeZone: doctor.timeZone,
    }),
  }));
  if (!registered.ok) throw new Error("no doctor");
  const doctorId = registered.value.id;
  // Patients book verified doctors only; an admin verifies this one.
  await new ChangeDoctorVerification(uow, clock).execute({ userId: 1, role: "admin" }, doctorId, "verify");
  const slot = await new AddSlot(uow).execute(doctor.userId, {
    day: "monday",
    start: "09:00",
    appointmentDuration: 15,
    numSlots: doctor.numSlots,
    consultationFee: 500,
  });
  if (!slot.ok) throw new Error(slot.error.detail);
  return { doctorId, slotId: slot.value.id };
}
