import { appError, err, ok, type Result } from "../../../domain/shared/result.js";
import { checkBookingDate } from "../../../domain/sitting/sitting.js";
import { waitlistEntryNotFound } from "../../../domain/sitting/sitting-book.errors.js";
import { joinWaitlist, leaveWaitlist } from "../../../domain/sitting/sitting-book.js";
import { DEFAULT_LIMITS, type Limits, roomForOneMore } from "../../../domain/user/limits.js";
import { notOwnSlot } from "../../../domain/user/ownership.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { UnitOfWork } from "../../../ports/unit-of-work.js";
import { recordSittingChange } from "../schedule/record-sitting-change.js";

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
    return this.uow.run(async (scope) => {
      const { patients, slots, sittings, usage } = scope;
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

      const before = await sittings.lockAndLoad(found.slot, found.timeZone, date);
      const decided = joinWaitlist(
        before,
        { patientId: patient.id, ownerUserId: principal.userId, newId: await sittings.newWaitingEntryId() },
        now,
        this.limits,
      );
      if (!decided.ok) return decided;
      await recordSittingChange(scope, before, decided.value);
      return ok({ id: decided.value.entry.id, position: decided.value.position });
    });
  }
}

export class LeaveWaitlist {
  constructor(private readonly uow: UnitOfWork) {}

  execute(principal: Principal, entryId: number): Promise<Result<true>> {
    return this.uow.run(async (scope) => {
      const { sittings, slots } = scope;
      // The sitting's lock before the entry's row: a cancel that hands a seat over takes them in that order.
      const place = await sittings.placeOfEntry(entryId);
      const found = place && (await slots.findWithTimeZone(place.slotId));
      if (!place || !found) return err(waitlistEntryNotFound);
      const before = await sittings.lockAndLoad(found.slot, found.timeZone, place.date);
      const decided = leaveWaitlist(before, entryId, principal.userId);
      if (!decided.ok) return decided;
      await recordSittingChange(scope, before, decided.value);
      return ok(true as const);
    });
  }
}
