import { appError } from "../domain/shared/result.js";

/**
 * The one value of each "not found" a command or query answers: a resource that does not exist and
 * one that belongs to someone else look the same (API.md: no enumeration).
 */
export const appointmentNotFound = appError("not_found", "appointment_not_found", "No such appointment.");
export const slotNotFound = appError("not_found", "slot_not_found", "No such slot.");
export const accountGone = appError("not_found", "user_not_found", "No such account.");
