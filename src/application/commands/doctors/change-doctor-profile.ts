import { appError, err, type FieldError, ok, type Result } from "../../../domain/shared/result.js";
import { canonicalTimeZone } from "../../../domain/sitting/zoned-time.js";
import { checkName } from "../../../domain/user/account.js";
import type { Clock } from "../../../ports/clock.js";
import type { ProfileChange } from "../../../ports/doctor.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { doctorProfileMissing } from "./doctor-not-found.js";

export interface ProfileEdit {
  readonly name?: string | undefined;
  readonly description?: string | undefined;
  readonly timezone?: string | undefined;
}

const futureAppointments = (count: number) =>
  appError(
    "conflict",
    "future_appointments",
    `You have ${count} booked or arrived appointment${count === 1 ? "" : "s"} still to come; in another ` +
      "time zone they would silently move. Change the time zone once they are over or cancelled.",
  );

/** The fields as registration checks them: the name's length, a known IANA zone; at least one field. */
function checkProfileEdit(edit: ProfileEdit): Result<ProfileChange> {
  const errors: FieldError[] = [];
  if (edit.name === undefined && edit.description === undefined && edit.timezone === undefined) {
    errors.push({ path: "body", message: "give at least one of name, description, timezone" });
  }
  const name = edit.name === undefined ? undefined : checkName(edit.name);
  if (name && !name.ok) errors.push(...(name.error.errors ?? []));
  const timeZone = edit.timezone === undefined ? undefined : canonicalTimeZone(edit.timezone);
  if (timeZone === null) errors.push({ path: "timezone", message: "must be an IANA time zone" });
  if (errors.length > 0) {
    return err(appError("validation", "validation_failed", "The profile change is not valid.", { errors }));
  }
  return ok({
    name: name?.ok ? name.value : undefined,
    description: edit.description?.trim(),
    timeZone: timeZone ?? undefined,
  });
}

/**
 * PATCH /doctors/info: the doctor's name, description or time zone. Slots are wall-clock times in the
 * doctor's zone, so a new zone would move every sitting: refused while a booked or arrived appointment
 * is still to come (bookings share the doctor's row, so none can slip in meanwhile).
 */
export class ChangeDoctorProfile {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(doctorUserId: number, edit: ProfileEdit): Promise<Result<{ doctorId: number }>> {
    const change = checkProfileEdit(edit);
    if (!change.ok) return change;
    return this.uow.run(async ({ doctors, appointments, outbox }) => {
      const doctor = await doctors.lockByUserId(doctorUserId);
      if (!doctor) return err(doctorProfileMissing);
      const { timeZone } = change.value;
      if (timeZone !== undefined && timeZone !== doctor.timeZone) {
        const live = await appointments.liveOfDoctor(doctor.id, this.clock.now());
        if (live.length > 0) return err(futureAppointments(live.length));
      }
      await doctors.updateProfile(doctor, change.value);
      await outbox.append([{ type: "DoctorProfileChanged", doctorId: doctor.id }]);
      return ok({ doctorId: doctor.id });
    });
  }
}
