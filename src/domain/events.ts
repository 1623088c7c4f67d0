/**
 * Facts the write side appends to the outbox in the same transaction as the change. They carry ids,
 * not state: projectors recompute documents from Postgres, so events may arrive twice or out of order.
 * All fields are JSON-safe (dates as `YYYY-MM-DD`).
 */

interface AppointmentFacts {
  readonly appointmentId: number;
  readonly doctorId: number;
  readonly slotId: number;
  readonly date: string;
  readonly seat: number;
  readonly patientId: number;
}

export type DomainEvent =
  | { readonly type: "DoctorRegistered"; readonly doctorId: number; readonly userId: number }
  | { readonly type: "DoctorProfileChanged"; readonly doctorId: number }
  /** An admin verified the doctor (patients see it now) or suspended it (hidden again). */
  | { readonly type: "DoctorVerified" | "DoctorSuspended"; readonly doctorId: number }
  | { readonly type: "SpecializationImageChanged"; readonly specializationId: number }
  | {
      readonly type: "SpecializationsAdded";
      readonly doctorId: number;
      readonly specializationIds: readonly number[];
    }
  | {
      readonly type: "QualificationsAdded";
      readonly doctorId: number;
      readonly qualificationIds: readonly number[];
    }
  | { readonly type: "SlotAdded" | "SlotChanged"; readonly doctorId: number; readonly slotId: number }
  /** Sittings of the slot on or after `from` no longer take place. */
  | {
      readonly type: "SlotRetired";
      readonly doctorId: number;
      readonly slotId: number;
      readonly from: string;
    }
  /** The doctor's sittings from `from` to `to` (inclusive) are closed, or open again. */
  | {
      readonly type: "TimeOffTaken" | "TimeOffRemoved";
      readonly doctorId: number;
      readonly timeOffId: number;
      readonly from: string;
      readonly to: string;
    }
  /** An account registered a patient, or corrected its data. */
  | {
      readonly type: "PatientRegistered" | "PatientChanged";
      readonly patientId: number;
      readonly userId: number;
    }
  /** The account's patient is erased: its name and symptoms are gone, its places given up. */
  | { readonly type: "PatientDeleted"; readonly patientId: number; readonly userId: number }
  /** The account was erased (DELETE /users/info): anonymised, its patients deleted, its email freed. */
  | { readonly type: "AccountErased"; readonly userId: number }
  | ({ readonly type: "AppointmentBooked" } & AppointmentFacts)
  | ({
      readonly type: "AppointmentCancelled";
      readonly cancelledBy: "patient" | "doctor";
      /** The doctor's reason (given for every doctor's cancel); null for a patient's. */
      readonly reason: string | null;
    } & AppointmentFacts)
  | ({ readonly type: "AppointmentStatusChanged"; readonly status: string } & AppointmentFacts)
  /** The appointment (same id) holds a seat in another sitting now; `from` is the place it left. */
  | ({
      readonly type: "AppointmentMoved";
      readonly from: { readonly slotId: number; readonly date: string; readonly seat: number };
    } & AppointmentFacts)
  | {
      readonly type: "AppointmentRated";
      readonly doctorId: number;
      readonly appointmentId: number;
      readonly rating: number;
    }
  /** An account asked a failed webhook delivery to be tried again (POST …/deliveries/{event_id}/retry). */
  | { readonly type: "WebhookDeliveryRetried"; readonly webhookId: number; readonly eventId: string }
  /**
   * A notification was written (by the Postgres adapter, with it): the workers mail it.
   * `calendarSequence` is the appointment's as it stood then (null without an appointment).
   */
  | {
      readonly type: "NotificationCreated";
      readonly notificationId: number;
      readonly userId: number;
      readonly kind: string;
      readonly appointmentId: number | null;
      readonly calendarSequence: number | null;
    }
  /** A password reset was asked for an existing account: the workers mail its link. */
  | { readonly type: "PasswordResetRequested"; readonly resetId: number }
  | {
      readonly type: "WaitlistJoined" | "WaitlistLeft";
      readonly entryId: number;
      readonly slotId: number;
      readonly date: string;
      readonly patientId: number;
    };
