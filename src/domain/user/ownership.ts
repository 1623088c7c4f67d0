import { type AppError, err, ok, type Result } from "../shared/result.js";
import type { Principal } from "./principal.js";

/**
 * The ownership rule of every route: a resource that belongs to another account is answered exactly as
 * one that does not exist (`missing`, a not_found error), so ids cannot be probed.
 */
export function ownedBy<T>(
  principal: Principal,
  resource: T | null | undefined,
  ownerOf: (resource: T) => number,
  missing: AppError,
): Result<T> {
  if (resource === null || resource === undefined || ownerOf(resource) !== principal.userId) {
    return err(missing);
  }
  return ok(resource);
}

/** 403 `own_slot`: the doctor of a slot never books it, waits for it or rates its visits. */
export const ownSlot: AppError = {
  kind: "forbidden",
  code: "own_slot",
  detail: "This is a slot of your own: its doctor cannot book it, wait for it or rate its visits.",
};

/**
 * No self-dealing: refused when the caller is the doctor of the slot, whoever the patient is (a doctor's
 * account may own patients, and could otherwise fill its own sittings or rate itself).
 */
export function notOwnSlot(principal: Principal, slotDoctorUserId: number): Result<void> {
  return slotDoctorUserId === principal.userId ? err(ownSlot) : ok(undefined);
}
