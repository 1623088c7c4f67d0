import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { bookableDates, checkBookingDate } from "../../../domain/sitting/sitting.js";
import { bookSeat, type SittingBook } from "../../../domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS, type Limits, roomForOneMore } from "../../../domain/user/limits.js";
import { notOwnSlot } from "../../../domain/user/ownership.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { AppointmentRow } from "../../../ports/appointment.read-model.js";
import type { Clock } from "../../../ports/clock.js";
import type { PatientRecord } from "../../../ports/patient.repository.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { recordSittingChange } from "../schedule/record-sitting-change.js";
import { replayOfKey } from "./idempotency-key.js";

export interface BookingRequest {
  readonly slotId: number;
  readonly patientId: number;
  /** A sitting date; without it, the earliest upcoming sitting with a free seat. */
  readonly date?: string | undefined;
  readonly idempotencyKey?: string | undefined;
}

export interface BookingOutcome {
  readonly appointmentId: number;
  /** True when an earlier request with the same Idempotency-Key made this booking. */
  readonly replayed: boolean;
  /** The appointment as this booking wrote it, so that the answer needs no second read (not on a replay). */
  readonly appointment?: AppointmentRow;
}

const notFound = (what: "patient" | "slot") => appError("not_found", `${what}_not_found`, `No such ${what}.`);

export class BookAppointment {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly horizonDays: number,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  execute(principal: Principal, request: BookingRequest): Promise<Result<BookingOutcome>> {
    const fingerprint = JSON.stringify([request.slotId, request.patientId, request.date ?? null]);
    const key = request.idempotencyKey;

    return this.uow.run<BookingOutcome>(
      async ({ idempotency, bookingContext, sittings, outbox, notifications }) => {
        const replay = await replayOfKey(idempotency, principal.userId, key, fingerprint);
        if (!replay.ok) return replay;
        if (replay.value) return ok({ ...replay.value, replayed: true });

        const now = this.clock.now();
        // One round trip, in ADR 0008's lock order: the account's lock (an account's capped changes run
        // one at a time, so its counts hold until this commits), the slot with its doctor's row shared
        // until commit, and, for a booking of a given date, that sitting's lock. The patient read there
        // predates the account's lock (the statement's snapshot): it answers the early 404 only.
        const context = await bookingContext.read({
          userId: principal.userId,
          patientId: request.patientId,
          slotId: request.slotId,
          lockSitting: request.date,
        });
        if (!context.patient) return err(notFound("patient"));
        const { slot: found } = context;
        // Patients do not see an unverified doctor, nor its slots.
        if (!found?.doctorVerified) return err(notFound("slot"));
        const own = notOwnSlot(principal, found.doctorUserId);
        if (!own.ok) return own;
        const { slot, timeZone, doctorName } = found;

        let candidates: string[];
        if (request.date !== undefined) {
          const sitting = checkBookingDate(slot, request.date, timeZone, now, this.horizonDays);
          if (!sitting.ok) return sitting;
          candidates = [sitting.value.date];
        } else {
          candidates = bookableDates(slot, timeZone, now, this.horizonDays);
        }

        // Sittings are locked in date order, so two bookings of one slot can never deadlock.
        let atLimit: Result<never> | null = null;
        let newId: number | undefined;
        let patient: PatientRecord | undefined;
        for (const date of candidates) {
          const reserve = {
            // The new appointment's id is taken with the first book loaded.
            appointmentId: newId === undefined,
            // Locked by the context read already (a booking of a given date).
            locked: context.sittingLocked && date === request.date,
          };
          let before: SittingBook;
          if (patient === undefined) {
            // The first book comes with the patient and the account's live appointments as committed once
            // every lock is granted: a booking, a patient's deletion or an erasure of the account may have
            // committed under the account's lock after the context's snapshot was taken.
            const loaded = await sittings.lockAndLoadWithAccount(slot, timeZone, date, reserve, {
              userId: principal.userId,
              patientId: request.patientId,
              now,
            });
            if (!loaded.account.patient) return err(notFound("patient"));
            const live = roomForOneMore(
              this.limits,
              "liveAppointmentsPerAccount",
              loaded.account.liveAppointments,
            );
            if (!live.ok) return live;
            patient = loaded.account.patient;
            before = loaded.book;
          } else {
            before = await sittings.lockAndLoad(slot, timeZone, date, reserve);
          }
          newId ??= await sittings.newAppointmentId();
          const decided = bookSeat(
            before,
            { patientId: patient.id, ownerUserId: principal.userId, newId },
            now,
            this.limits,
          );
          if (!decided.ok) {
            if (request.date !== undefined) return decided;
            // Without a date, a full or closed sitting, or one where the account has its share already, is
            // passed over.
            if (decided.error.code === "sitting_full" || decided.error.code === "sitting_closed") continue;
            if (decided.error.code !== "limit_reached") return decided;
            atLimit ??= decided;
            continue;
          }

          const { createdAt } = await recordSittingChange(
            { sittings, outbox, notifications },
            before,
            decided.value,
            new Map([[patient.id, patient.name]]),
          );
          const { appointmentId: id, seat } = decided.value.seat;
          if (key !== undefined) await idempotency.save(principal.userId, key, fingerprint, id);
          return ok({
            appointmentId: id,
            replayed: false,
            appointment: {
              id,
              status: "booked",
              patient,
              doctor: { id: slot.doctorId, name: doctorName, timeZone },
              // As read under the sitting's lock: its number of seats may have changed since `slot` was read.
              slot: before.slot,
              date,
              seat,
              createdAt: createdAt.get(id) ?? now,
              cancelledBy: null,
              cancellationReason: null,
              rescheduledFrom: null,
              calendarSequence: 0,
            },
          });
        }
        return (
          atLimit ??
          err(
            appError(
              "conflict",
              "no_free_seat",
              "Every upcoming sitting of this slot within the booking horizon is full.",
            ),
          )
        );
      },
    );
  }
}
