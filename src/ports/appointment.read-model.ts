import type { AppointmentStatus } from "../domain/appointment/appointment.js";
import type { Slot } from "../domain/slot/slot.js";
import type { PatientRecord } from "./patient.repository.js";

export interface AppointmentRow {
  readonly id: number;
  readonly status: AppointmentStatus;
  readonly patient: PatientRecord;
  readonly doctor: { readonly id: number; readonly name: string; readonly timeZone: string };
  readonly slot: Slot;
  readonly date: string;
  readonly seat: number;
  readonly createdAt: Date;
  /** Who cancelled it (null unless cancelled; null too for one cancelled before this was recorded). */
  readonly cancelledBy: "patient" | "doctor" | null;
  readonly cancellationReason: string | null;
  /** Where it was before it was rescheduled, or null. */
  readonly rescheduledFrom: { readonly slotId: number; readonly date: string; readonly seat: number } | null;
  /** Raised by one on each move and on the cancel: the SEQUENCE of its calendar invites. */
  readonly calendarSequence: number;
}

export interface AppointmentReadModel {
  findById(appointmentId: number): Promise<AppointmentRow | null>;
  /** Those of the appointments that exist, in one read (any order). */
  findByIds(appointmentIds: readonly number[]): Promise<AppointmentRow[]>;
  /** Appointments of every patient the account owns, newest sitting first. */
  historyOfOwner(
    userId: number,
    offset: number,
    limit: number,
  ): Promise<{ rows: AppointmentRow[]; total: number }>;
}

export const APPOINTMENT_READ_MODEL = Symbol.for("doctorly.AppointmentReadModel");
