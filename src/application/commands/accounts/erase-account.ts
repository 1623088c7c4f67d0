import { err, ok, type Result } from "../../../domain/shared/result.js";
import { addDays, localDateOf } from "../../../domain/sitting/zoned-time.js";
import type { Principal } from "../../../domain/user/principal.js";
import type { Clock } from "../../../ports/clock.js";
import type { Logger } from "../../../ports/logger.js";
import type { PasswordHasher } from "../../../ports/password-hasher.js";
import type { TransactionScope, UnitOfWork } from "../../../ports/unit-of-work.js";
import type { UserRepository } from "../../../ports/user.repository.js";
import { accountGone } from "../../not-found.js";
import { erasePatient } from "../patients/delete-patient.js";
import { closeSittings } from "../schedule/close-sittings.js";
import { confirmPassword } from "./change-password.js";
import type { PasswordCheckLimits } from "./sign-in.js";

/** Why the sittings of a doctor who left do not take place. */
const DOCTOR_LEFT = "the doctor has left Doctorly";

/**
 * A doctor's account is erased: every upcoming sitting within the booking horizon (one day more)
 * closes first, its patients cancelled by the doctor and told why, its waiting entries ended; then its
 * slots retire from today and it leaves every public read and search (unverified, no description or
 * picture). Past visits keep it, anonymised.
 */
async function closeDoctor(scope: TransactionScope, userId: number, now: Date, horizonDays: number) {
  const doctor = await scope.doctors.lockByUserId(userId);
  if (!doctor) return;
  const today = localDateOf(now, doctor.timeZone);
  await closeSittings(scope, {
    slots: await scope.slots.listHoldingSittingsFrom(doctor.id, today),
    timeZone: doctor.timeZone,
    from: today,
    to: addDays(today, horizonDays + 1),
    reason: DOCTOR_LEFT,
    now,
  });
  for (const slot of await scope.slots.listByDoctor(doctor.id)) await scope.slots.retire(slot.id, today);
  await scope.doctors.erase(doctor.id);
  await scope.outbox.append([{ type: "DoctorSuspended", doctorId: doctor.id }]);
}

/**
 * DELETE /users/info: the right to erasure. The password is checked as a sign-in checks it (the same
 * limits); then, in one transaction, a doctor's upcoming sittings close (see `closeDoctor`), every
 * patient of the account is deleted as DELETE /patient/{id} does (live appointments cancelled with their
 * seats handed on, waiting entries ended, name and symptoms erased, past visits kept anonymised), every
 * session is revoked, and the account is anonymised with its email freed.
 */
export class EraseAccount {
  constructor(
    private readonly deps: {
      uow: UnitOfWork;
      users: UserRepository;
      hasher: PasswordHasher;
      limits: PasswordCheckLimits;
      logger: Logger;
      clock: Clock;
      horizonDays: number;
    },
  ) {}

  async execute(principal: Principal, request: { password: string; client: string }): Promise<Result<void>> {
    const { uow, users, hasher, limits, logger, clock, horizonDays } = this.deps;
    const account = await users.credentialsById(principal.userId);
    if (!account) return err(accountGone);
    const confirmed = await confirmPassword(
      { limits, logger, hasher },
      account,
      request.password,
      request.client,
    );
    if (!confirmed.ok) return confirmed;
    const erased = await uow.run(async (tx) => {
      // Everyone affected is told, but the account itself: it is gone.
      const scope: TransactionScope = {
        ...tx,
        notifications: {
          notify: async (n) => (n.userId === account.id ? undefined : tx.notifications.notify(n)),
        },
      };
      // The account's lock first, as bookings take it: nothing of the account changes meanwhile.
      await scope.usage.lock(account.id);
      const now = clock.now();
      if (account.role === "doctor") await closeDoctor(scope, account.id, now, horizonDays);
      for (const patientId of await scope.patients.idsOwnedBy(account.id)) {
        const gone = await erasePatient(scope, { id: patientId, ownerUserId: account.id }, now);
        if (!gone.ok) return gone;
      }
      await scope.sessions.revokeAll(account.id, now);
      await scope.users.erase(account.id);
      await scope.outbox.append([{ type: "AccountErased", userId: account.id }]);
      return ok(undefined);
    });
    if (erased.ok) logger.info({ userId: account.id }, "account erased");
    return erased;
  }
}
