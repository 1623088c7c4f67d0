import type { AppointmentStatus } from "../../domain/appointment/appointment.js";
import { experienceYears } from "../../domain/doctor/doctor.js";
import type { TimeOff } from "../../domain/doctor/time-off.js";
import { expectedTime, type Sitting, type SittingStatus, sittingOf } from "../../domain/sitting/sitting.js";
import { localClockOf, localDateOf } from "../../domain/sitting/zoned-time.js";
import { formatClock, type Slot, slotEndMinute } from "../../domain/slot/slot.js";
import type { AppointmentRow } from "../../ports/appointment.read-model.js";
import type { DoctorRow } from "../../ports/doctor.read-model.js";
import type { PublicDoctor, PublicSlot } from "../../ports/doctor-search.js";
import type { ImageUrls } from "../../ports/image-urls.js";
import type { Gender, PatientRecord } from "../../ports/patient.repository.js";

/** The API's shapes (snake_case, see API.md "Shapes"), built from stored rows. */

export type SlotView = PublicSlot;

export type DoctorView = PublicDoctor;

/** A Doctor as its own account and admins see it: with whether patients can see it yet. */
export type DoctorProfileView = DoctorView & { verified: boolean };

export interface PatientView {
  id: number;
  name: string;
  age: number;
  gender: Gender;
  symptoms: string | null;
}

export interface SittingView {
  slot_id: number;
  date: string;
  starts_at: string;
  ends_at: string;
  capacity: number;
  booked: number;
  available: number;
  status: SittingStatus;
  /** Why the sitting does not take place; null unless `status` is closed. */
  closed_reason: string | null;
}

export interface AppointmentView {
  id: number;
  status: AppointmentStatus;
  patient: PatientView;
  doctor: { id: number; name: string };
  slot: SlotView;
  date: string;
  seat: number;
  expected_time: string;
  expected_local_time: string;
  created_at: string;
  cancelled_by: "patient" | "doctor" | null;
  cancellation_reason: string | null;
  rescheduled_from: { slot_id: number; date: string; seat: number } | null;
}

export interface TimeOffView {
  id: number;
  from: string;
  to: string;
  reason: string | null;
}

export const toTimeOffView = (t: TimeOff): TimeOffView => ({
  id: t.id,
  from: t.from,
  to: t.to,
  reason: t.reason,
});

export const toSlotView = (s: Slot): SlotView => ({
  id: s.id,
  doctor_id: s.doctorId,
  day: s.day,
  start: formatClock(s.startMinute),
  end: formatClock(slotEndMinute(s)),
  appointment_duration: s.appointmentDuration,
  num_slots: s.numSlots,
  consultation_fee: s.consultationFee,
});

export const toDoctorView = (d: DoctorRow, urls: ImageUrls, now: Date): DoctorView => ({
  id: d.id,
  name: d.name,
  description: d.description,
  image: urls.doctorImage(d.imageKey),
  timezone: d.timeZone,
  experience: experienceYears(d.earliestProcurement, localDateOf(now, d.timeZone)),
  rating: d.rating,
  rating_count: d.ratingCount,
  no_of_patients: d.noOfPatients,
  specializations: d.specializations.map((s) => ({
    id: s.id,
    name: s.name,
    image: urls.specializationImage(s.imageKey),
  })),
  qualifications: d.qualifications.map((q) => ({
    name: q.name,
    procurement_year: q.procurementYear,
    institute_name: q.instituteName,
  })),
  slots: d.slots.map(toSlotView),
});

export const toDoctorProfileView = (d: DoctorRow, urls: ImageUrls, now: Date): DoctorProfileView => ({
  ...toDoctorView(d, urls, now),
  verified: d.verified,
});

export const toPatientView = (p: PatientRecord): PatientView => ({
  id: p.id,
  name: p.name,
  age: p.age,
  gender: p.gender,
  symptoms: p.symptoms,
});

export const toSittingView = (
  s: Sitting,
  booked: number,
  status: SittingStatus,
  closedReason: string | null,
): SittingView => ({
  slot_id: s.slotId,
  date: s.date,
  starts_at: s.startsAt.toISOString(),
  ends_at: s.endsAt.toISOString(),
  capacity: s.capacity,
  booked,
  available: status === "closed" ? 0 : Math.max(0, s.capacity - booked),
  status,
  closed_reason: status === "closed" ? closedReason : null,
});

export const toAppointmentView = (a: AppointmentRow): AppointmentView => {
  const expected = expectedTime(sittingOf(a.slot, a.date, a.doctor.timeZone), a.slot, a.seat);
  return {
    id: a.id,
    status: a.status,
    patient: toPatientView(a.patient),
    doctor: { id: a.doctor.id, name: a.doctor.name },
    slot: toSlotView(a.slot),
    date: a.date,
    seat: a.seat,
    expected_time: expected.toISOString(),
    expected_local_time: localClockOf(expected, a.doctor.timeZone),
    created_at: a.createdAt.toISOString(),
    cancelled_by: a.cancelledBy,
    cancellation_reason: a.cancellationReason,
    rescheduled_from: a.rescheduledFrom && {
      slot_id: a.rescheduledFrom.slotId,
      date: a.rescheduledFrom.date,
      seat: a.rescheduledFrom.seat,
    },
  };
};
