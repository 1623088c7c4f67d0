/**
 * What each problem `type` (`/problems/{code}`) means: the one list of codes the API answers with,
 * served by `GET /problems/{code}`. The reliability suites check that every problem they meet is here.
 */
export interface ProblemType {
  readonly status: number;
  readonly title: string;
  readonly meaning: string;
}

const p = (status: number, title: string, meaning: string): ProblemType => ({ status, title, meaning });

export const PROBLEM_TYPES: Readonly<Record<string, ProblemType>> = {
  validation_failed: p(
    400,
    "Invalid request",
    "A field is missing, of the wrong type or out of range; `errors` lists each field.",
  ),
  malformed_body: p(
    400,
    "Unreadable body",
    "The body could not be parsed as the content type it claims (JSON or multipart).",
  ),
  http_error: p(
    400,
    "Request refused",
    "The request was refused at the HTTP level; the answer's status says why.",
  ),
  credentials_missing: p(
    400,
    "No credentials",
    "Sign-in needs an email and a password, as HTTP Basic or as a JSON body.",
  ),
  credentials_malformed: p(
    400,
    "Malformed Basic credentials",
    "The Basic header must be base64 of email:password.",
  ),
  common_password: p(
    400,
    "Password too common",
    "The password is on a list of common passwords; choose another.",
  ),
  invalid_email: p(400, "Invalid email", "The email address is not valid."),
  invalid_name: p(400, "Invalid name", "The name is empty or too long."),
  invalid_password: p(400, "Invalid password", "The password is shorter or longer than allowed."),
  invalid_date: p(
    400,
    "Invalid date",
    "The date is not a date, is on the wrong weekday, in the past, or beyond the booking horizon.",
  ),
  wrong_weekday: p(400, "Wrong weekday", "The date is not on the slot's weekday."),
  beyond_horizon: p(
    400,
    "Beyond the booking horizon",
    "Sittings open only so many days ahead; the detail gives the last date.",
  ),
  unknown_specialization: p(
    400,
    "Unknown specialization",
    "The name is not in the specialization catalog (GET /misc/specializations).",
  ),
  unknown_qualification: p(
    400,
    "Unknown qualification",
    "The name is not in the qualification catalog (GET /misc/qualifications).",
  ),
  invalid_slot: p(400, "Invalid slot", "A slot field is out of range."),
  slot_past_midnight: p(
    400,
    "Slot past midnight",
    "The slot would end after midnight in the doctor's time zone.",
  ),
  invalid_qualification: p(
    400,
    "Invalid qualification",
    "A qualification's name, year or institute is not valid.",
  ),
  unreadable_image: p(400, "Unreadable picture", "The file is not a picture that can be decoded."),
  invalid_webhook_url: p(
    400,
    "Webhook URL refused",
    "A webhook URL must be https, without credentials, and must not resolve to a loopback, private or link-local address.",
  ),
  invalid_reset_token: p(
    400,
    "Reset link not valid",
    "The password reset token is unknown, already used or expired (a link works once, for 30 minutes); ask for a new one.",
  ),
  search_refused: p(
    400,
    "Search refused",
    "The search engine refused the query; change the text or filters.",
  ),
  unauthenticated: p(
    401,
    "Not signed in",
    "A valid bearer token is required: sign in at POST /auth/get_token.",
  ),
  invalid_credentials: p(401, "Wrong email or password", "The email or the password is wrong."),
  wrong_password: p(
    401,
    "Wrong current password",
    "The current password given to change the password is wrong; it counts as a failed sign-in.",
  ),
  forbidden: p(403, "Not allowed", "Signed in, but this account's role may not do this."),
  own_slot: p(
    403,
    "Own slot",
    "A doctor may not book, wait for or rate its own slots, whoever the patient is.",
  ),
  not_found: p(404, "Not found", "No such resource, or it belongs to someone else."),
  doctor_not_found: p(404, "Doctor not found", "No such doctor, or not (yet) visible to patients."),
  patient_not_found: p(404, "Patient not found", "No such patient among the caller's."),
  appointment_not_found: p(404, "Appointment not found", "No such appointment among the caller's."),
  slot_not_found: p(404, "Slot not found", "No such slot, or its doctor is not visible to patients."),
  waitlist_entry_not_found: p(404, "Waiting entry not found", "No such waiting entry among the caller's."),
  user_not_found: p(404, "Account not found", "The account no longer exists."),
  session_not_found: p(
    404,
    "Session not found",
    "No such live session among the caller's (another account's session is answered the same).",
  ),
  specialization_not_found: p(404, "Specialization not found", "No specialization has this id."),
  specialization_not_held: p(
    404,
    "Specialization not held",
    "The doctor does not hold this specialization (or the name is not in the catalog).",
  ),
  qualification_not_held: p(
    404,
    "Qualification not held",
    "The doctor does not hold this qualification (or the name is not in the catalog).",
  ),
  method_not_allowed: p(
    405,
    "Method not allowed",
    "The path exists but not with this method; `Allow` lists the methods.",
  ),
  email_taken: p(409, "Email taken", "An account with this email address already exists."),
  slot_overlap: p(409, "Slot overlaps", "The slot overlaps another of the doctor's slots on that day."),
  specialization_already_held: p(409, "Specialization held", "The doctor already holds this specialization."),
  qualification_already_held: p(409, "Qualification held", "The doctor already holds this qualification."),
  future_appointments: p(
    409,
    "Appointments still to come",
    "The time zone cannot change while booked or arrived appointments are still to come: they would move.",
  ),
  seats_held: p(
    409,
    "Seats held",
    "The number of seats cannot go below a seat held in an upcoming sitting; `errors` names each one.",
  ),
  already_booked: p(409, "Already booked", "This patient already holds a seat in that sitting."),
  sitting_full: p(409, "Sitting full", "The sitting has no free seat; join its waitlist instead."),
  no_free_seat: p(
    409,
    "No free seat",
    "No upcoming sitting of this slot has a free seat within the booking horizon.",
  ),
  sitting_started: p(
    409,
    "Sitting started",
    "The sitting has already started (or ended): it can no longer be booked or cancelled.",
  ),
  sitting_closed: p(
    409,
    "Sitting closed",
    "The doctor has closed this sitting (time off or a retired slot): it takes no booking or waiting.",
  ),
  time_off_not_found: p(404, "Time off not found", "No time off with this id belongs to the doctor."),
  calendar_feed_not_found: p(
    404,
    "Calendar feed not found",
    "No doctor's calendar feed has this URL; it may have been replaced by a newer one.",
  ),
  same_sitting: p(
    409,
    "Same sitting",
    "A reschedule must move the appointment to another sitting than its own.",
  ),
  sitting_ended: p(
    409,
    "Sitting ended",
    "The sitting has ended: its appointments can no longer be cancelled.",
  ),
  sitting_not_started: p(
    409,
    "Sitting not started",
    "A visit can be marked only once its sitting has started.",
  ),
  sitting_not_full: p(409, "Sitting not full", "The sitting has a free seat: book it instead of waiting."),
  already_waiting: p(409, "Already waiting", "This patient is already waiting for that sitting."),
  illegal_transition: p(409, "Not possible now", "The appointment's status does not allow this change."),
  not_fulfilled: p(409, "Visit not fulfilled", "Only a fulfilled visit can be rated."),
  already_rated: p(409, "Already rated", "This visit has already been rated."),
  idempotency_key_reused: p(
    409,
    "Idempotency-Key reused",
    "This Idempotency-Key was used with a different request.",
  ),
  delivery_not_failed: p(
    409,
    "Delivery not failed",
    "Only a failed webhook delivery can be retried; this one is delivered or still being tried.",
  ),
  limit_reached: p(409, "Limit reached", "An account or doctor limit is reached; the detail names it."),
  body_too_large: p(413, "Body too large", "The request body is over the limit."),
  file_too_large: p(413, "File too large", "The picture is over the upload limit."),
  image_dimensions_too_large: p(413, "Picture too large", "The picture has more pixels than allowed."),
  unsupported_media_type: p(
    415,
    "Unsupported media type",
    "The request's content type is not one this route takes.",
  ),
  unsupported_image_type: p(
    415,
    "Unsupported picture type",
    "Pictures must be PNG, JPEG or WebP (decided from the bytes).",
  ),
  too_many_attempts: p(
    429,
    "Too many sign-in attempts",
    "Too many failed sign-ins from this client; wait `Retry-After` seconds.",
  ),
  too_many_requests: p(
    429,
    "Too many requests",
    "This client or account is over a rate limit; wait `Retry-After` seconds.",
  ),
  internal: p(500, "Internal error", "Something went wrong on the server; it has been logged."),
  unavailable: p(
    503,
    "Unavailable",
    "A service this request needs is away; retry after `Retry-After` seconds.",
  ),
  overloaded: p(
    503,
    "Overloaded",
    "The server is at capacity and refused the request before doing anything; retry after `Retry-After` seconds.",
  ),
  search_unavailable: p(503, "Search unavailable", "The search index does not answer; retry shortly."),
  not_ready: p(503, "Not ready", "A dependency does not answer; `checks` says which."),
};

/** The code of a problem `type` URI (`/problems/sitting_full` → `sitting_full`), or null. */
export const problemCode = (type: string): string | null => /^\/problems\/([a-z_]+)$/.exec(type)?.[1] ?? null;
