import { cancelAppointment } from "../../../domain/appointment/appointment.js";
import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { bookableDates, checkBookingDate, lockOrder, sittingOf } from "../../../domain/sitting/sitting.js";
import {
  type Decided,
  moveSeatIn,
  moveSeatOut,
  type SittingBook,
} from "../../../domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS, type Limits } from "../../../domain/user/limits.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { appointmentNotFound, slotNotFound } from "../../not-found.js";
import { recordSittingChange } from "../schedule/record-sitting-change.js";
import { replayOfKey } from "./idempotency-key.js";

export interface RescheduleRequest {
  readonly appointmentId: number;
  /** A slot of the same doctor; default the appointment's own. */
  readonly slotId?: number | undefined;
  /** A sitting date; without it, the earliest upcoming sitting with a free seat other than the current one. */
  readonly date?: string | undefined;
  readonly idempotencyKey?: string | undefined;
}

const invalid = (path: string, message: string) =>
  err(
    appError("validation", "validation_failed", "The new place is not valid.", {
      errors: [{ path, message }],
    }),
  );

/**
 * Moves a booked appointment (same id) to a seat of another sitting of the same doctor, all or nothing:
 * the target seat is taken exactly as a booking takes one, the old seat goes to the first one waiting,
 * the owner is told, and `rescheduled_from` records the old place. Both sittings are locked in the one
 * global order, so two appointments swapping sittings never deadlock.
 */
export class RescheduleAppointment {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly horizonDays: number,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  execute(principal: Principal, request: RescheduleRequest): Promise<Result<{ appointmentId: number }>> {
    const fingerprint = JSON.stringify([
      "reschedule",
      request.appointmentId,
      request.slotId ?? null,
      request.date ?? null,
    ]);
    const key = request.idempotencyKey;
    return this.uow.run(async (scope) => {
      const { idempotency, appointments, slots, sittings, usage } = scope;
      const replay = await replayOfKey(idempotency, principal.userId, key, fingerprint);
      if (!replay.ok) return replay;
      if (replay.value) return ok(replay.value);
      // The account's lock first, as a booking takes it: the caps of the target sitting hold until commit.
      await usage.lock(principal.userId);
      const appointment = await appointments.find(request.appointmentId);
      if (!appointment || appointment.ownerUserId !== principal.userId) return err(appointmentNotFound);
      const source = await slots.findWithTimeZone(appointment.slotId);
      if (!source) return err(appointmentNotFound);
      const now = this.clock.now();
      // Refused early for what the appointment says; checked again under the lock by moveSeatOut.
      const movable = cancelAppointment(
        appointment.status,
        sittingOf(source.slot, appointment.date, source.timeZone),
        now,
      );
      if (!movable.ok) return movable;

      const target =
        request.slotId === undefined || request.slotId === appointment.slotId
          ? source
          : await slots.findWithTimeZone(request.slotId);
      if (!target?.doctorVerified) return err(slotNotFound);
      if (target.slot.doctorId !== appointment.doctorId) {
        return invalid("slot_id", "must be a slot of the appointment's doctor");
      }
      const isSource = (date: string) => target.slot.id === appointment.slotId && date === appointment.date;
      let candidates: string[];
      if (request.date !== undefined) {
        const sitting = checkBookingDate(target.slot, request.date, target.timeZone, now, this.horizonDays);
        if (!sitting.ok) return sitting;
        if (isSource(request.date)) {
          return err(
            appError("conflict", "same_sitting", "The appointment already holds a seat in that sitting."),
          );
        }
        candidates = [request.date];
      } else {
        candidates = bookableDates(target.slot, target.timeZone, now, this.horizonDays).filter(
          (d) => !isSource(d),
        );
      }

      const from = { slotId: appointment.slotId, date: appointment.date, seat: appointment.seat };
      let sourceBook: SittingBook | null = null;
      const lockSource = async () => {
        sourceBook ??= await sittings.lockAndLoad(source.slot, source.timeZone, appointment.date);
        return sourceBook;
      };
      let atLimit: Result<never> | null = null;
      let moved: { before: SittingBook; decided: Decided } | null = null;
      for (const date of candidates) {
        if (lockOrder(from, { slotId: target.slot.id, date }) < 0) await lockSource();
        const before = await sittings.lockAndLoad(target.slot, target.timeZone, date);
        const decided = moveSeatIn(
          before,
          { appointmentId: appointment.id, patientId: appointment.patientId, ownerUserId: principal.userId },
          from,
          now,
          this.limits,
        );
        if (decided.ok) {
          moved = { before, decided: decided.value };
          break;
        }
        if (request.date !== undefined) return decided;
        // Without a date, a full or closed sitting, one the patient holds already, or one where the account
        // has its share is passed over.
        if (decided.error.code === "limit_reached") atLimit ??= decided;
        else if (!["sitting_full", "sitting_closed", "already_booked"].includes(decided.error.code))
          return decided;
      }
      if (!moved) {
        return (
          atLimit ??
          err(
            appError(
              "conflict",
              "no_free_seat",
              "No other sitting of this slot within the booking horizon has a free seat.",
            ),
          )
        );
      }

      // Every sitting locked so far comes before the source in the order, or the source is locked already.
      const sourceBefore = await lockSource();
      await appointments.findForUpdate(appointment.id);
      const left = moveSeatOut(sourceBefore, appointment.id, now, await sittings.newAppointmentId());
      if (!left.ok) return left;
      if (left.value.seat.seat !== from.seat) {
        return err(
          appError("conflict", "illegal_transition", "The appointment changed meanwhile; try again."),
        );
      }
      // The target first: the appointment's row moves there before its old seat is handed on.
      await recordSittingChange(scope, moved.before, moved.decided);
      await recordSittingChange(scope, sourceBefore, left.value);
      if (key !== undefined) await idempotency.save(principal.userId, key, fingerprint, appointment.id);
      return ok({ appointmentId: appointment.id });
    });
  }
}
