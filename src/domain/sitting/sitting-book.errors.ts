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

/** A capacity cut below seats that are held: each one, with the date of its sitting. */
export const seatsHeld = (held: readonly { readonly seat: number; readonly date: string }[]) =>
  appError(
    "conflict",
    "seats_held",
    "Seats above the new number of seats are held in upcoming sittings; they must be cancelled first.",
    { errors: held.map((h) => ({ path: "num_slots", message: `seat ${h.seat} is held on ${h.date}` })) },
  );
