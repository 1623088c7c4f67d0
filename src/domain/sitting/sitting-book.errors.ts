import { appError, err } from "../shared/result.js";

/** The refusals of a dated sitting's book; the codes and kinds are those the HTTP API answers. */
export const alreadyBooked = (date: string) =>
  appError("conflict", "already_booked", `This patient already holds a seat in the sitting of ${date}.`);

export const sittingFull = (date: string) =>
  appError("conflict", "sitting_full", `The sitting of ${date} has no free seat left.`);

export const sittingNotFull = appError(
  "conflict",
  "sitting_not_full",
  "This sitting has a free seat: book it instead.",
);

export const alreadyWaiting = appError(
  "conflict",
  "already_waiting",
  "This patient is already waiting for that sitting.",
);

export const sittingClosed = (date: string) =>
  appError("conflict", "sitting_closed", `The sitting of ${date} is closed.`);

/** A booking of a started sitting: the same 400 as `checkBookingDate` answers for the date. */
export const bookingOfStartedSitting = err(
  appError("validation", "sitting_started", "That sitting has already started.", {
    errors: [{ path: "date", message: "must be a sitting that has not started" }],
  }),
);

export const closingOfStartedSitting = appError(
  "conflict",
  "sitting_started",
  "The sitting has already started; it can no longer be closed.",
);

export const waitlistEntryNotFound = appError(
  "not_found",
  "waitlist_entry_not_found",
  "No such waitlist_entry.",
);
