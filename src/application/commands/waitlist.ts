import { lowestFreeSeat } from "../../domain/appointment/appointment.js";
import { appError, err, ok, type Result } from "../../domain/shared/result.js";
import { checkBookingDate } from "../../domain/sitting/sitting.js";
import { DEFAULT_LIMITS, type Limits, roomForOneMore, roomInSitting } from "../../domain/user/limits.js";
import { notOwnSlot } from "../../domain/user/ownership.js";
import type { Principal } from "../../domain/user/principal.js";
import type { Clock } from "../../ports/clock.js";
import type { UnitOfWork } from "../../ports/unit-of-work.js";

const notFound = (what: string) => appError("not_found", `${what}_not_found`, `No such ${what}.`);

/** A patient waits for a full sitting; a cancel hands the freed seat to the first one waiting. */
export class JoinWaitlist {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly horizonDays: number,
    private readonly limits: Limits = DEFAULT_LIMITS,
  ) {}

  execute(
    principal: Principal,
    request: { slotId: number; patientId: number; date: string },
  ): Promise<Result<{ id: number; position: number }>> {
    return this.uow.run(async ({ patients, slots, appointments, waitlist, outbox, usage }) => {
      // The account's lock before the sitting's, as in a booking.
      await usage.lock(principal.userId);
      const patient = await patients.findOwned(request.patientId, principal.userId);
      if (!patient) return err(notFound("patient"));
      const found = await slots.findWithTimeZone(request.slotId);
      if (!found?.doctorVerified) return err(notFound("slot"));
      const own = notOwnSlot(principal, found.doctorUserId);
      if (!own.ok) return own;
      const now = this.clock.now();
      const sitting = checkBookingDate(found.slot, request.date, found.timeZone, now, this.horizonDays);
      if (!sitting.ok) return sitting;
      const { date } = sitting.value;
      const entries = roomForOneMore(
        this.limits,
        "waitingEntriesPerAccount",
        await usage.waitingEntries(principal.userId, now),
      );
      if (!entries.ok) return entries;

      await appointments.lockSitting(found.slot.id, date);
      const held = await appointments.heldSeats(found.slot.id, date);
      if (held.some((h) => h.patientId === patient.id)) {
        return err(
          appError("conflict", "already_booked", "This patient already holds a seat in that sitting."),
        );
      }
      const seat = lowestFreeSeat(
        held.map((h) => h.seat),
        found.slot.numSlots,
      );
      if (seat !== null) {
        return err(
          appError("conflict", "sitting_not_full", "This sitting has a free seat: book it instead."),
        );
      }
      // Checked under the sitting's lock, so a repeated join answers 409 here rather than by constraint.
      const waiting = await waitlist.waiting(found.slot.id, date);
      if (waiting.some((w) => w.patientId === patient.id)) {
        return err(
          appError("conflict", "already_waiting", "This patient is already waiting for that sitting."),
        );
      }
      // A waiting entry counts as the seat it may become.
      const room = roomInSitting(this.limits, principal.userId, [...held, ...waiting], patient.id);
      if (!room.ok) return room;
      const { id } = await waitlist.add({ slotId: found.slot.id, date, patientId: patient.id });
      await outbox.append([
        { type: "WaitlistJoined", entryId: id, slotId: found.slot.id, date, patientId: patient.id },
      ]);
      return ok({ id, position: await waitlist.position(id) });
    });
  }
}

export class LeaveWaitlist {
  constructor(private readonly uow: UnitOfWork) {}

  execute(principal: Principal, entryId: number): Promise<Result<true>> {
    return this.uow.run(async ({ waitlist, outbox }) => {
      const entry = await waitlist.findForUpdate(entryId);
      if (!entry || entry.ownerUserId !== principal.userId || entry.status !== "waiting") {
        return err(notFound("waitlist_entry"));
      }
      await waitlist.markLeft(entry.id);
      await outbox.append([
        {
          type: "WaitlistLeft",
          entryId: entry.id,
          slotId: entry.slotId,
          date: entry.date,
          patientId: entry.patientId,
        },
      ]);
      return ok(true as const);
    });
  }
}
