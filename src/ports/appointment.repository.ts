import type { AppointmentStatus } from "../domain/appointment/appointment.js";

export interface AppointmentRecord {
  readonly id: number;
  readonly status: AppointmentStatus;
  readonly patientId: number;
  readonly ownerUserId: number;
  /** The doctor's account, for the doctor's own actions on the appointment. */
  readonly doctorUserId: number;
  readonly slotId: number;
  readonly doctorId: number;
  readonly date: string;
  readonly seat: number;
}

export interface NewAppointment {
  readonly patientId: number;
  readonly slotId: number;
  readonly doctorId: number;
  readonly date: string;
  readonly seat: number;
  readonly capacity: number;
}

export interface HeldSeat {
  readonly seat: number;
  readonly patientId: number;
  readonly ownerUserId: number;
}

/** A live appointment: booked or arrived, its sitting not ended at the time asked about. */
export interface LiveAppointment {
  readonly id: number;
  readonly ownerUserId: number;
  readonly date: string;
  readonly seat: number;
}

export interface AppointmentRepository {
  /**
   * Seats held (not cancelled) in a sitting, with their patients and the accounts that own them. Commands
   * read a sitting through SittingBookRepository; this and `insert` remain for row-by-row fixtures.
   */
  heldSeats(slotId: number, date: string): Promise<HeldSeat[]>;
  insert(appointment: NewAppointment): Promise<{ id: number; createdAt: Date }>;
  /** The appointment as committed, without a lock; null when it does not exist. */
  find(appointmentId: number): Promise<AppointmentRecord | null>;
  /** Locks the appointment's row; null when it does not exist. */
  findForUpdate(appointmentId: number): Promise<AppointmentRecord | null>;
  setStatus(appointmentId: number, status: AppointmentStatus): Promise<void>;
  /** The doctor's live appointments at `now`, in id order. */
  liveOfDoctor(doctorId: number, now: Date): Promise<LiveAppointment[]>;
}
