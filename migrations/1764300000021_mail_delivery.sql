-- Up Migration
-- Email from the outbox and password resets (API.md "Delivery" and "Patients and accounts change their
-- data"); see docs/adr/0010-mail-from-the-outbox.md.

-- How many times a calendar app has to replace its copy of the appointment: raised by one on each move
-- and on the cancel, in the transaction that makes the change. The invite of calendar.ics and of every
-- mail carries it as SEQUENCE. Earlier appointments start where the derived value stood.
ALTER TABLE appointments ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;
UPDATE appointments
SET calendar_sequence = (CASE WHEN rescheduled_from_slot_id IS NOT NULL THEN 1 ELSE 0 END)
  + (CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END)
WHERE rescheduled_from_slot_id IS NOT NULL OR status = 'cancelled';

-- When the notification's mail was accepted by the SMTP relay: a job run twice sends it once.
ALTER TABLE notifications ADD COLUMN mailed_at timestamptz;

-- A password reset asked for an account. The token is drawn by the mail worker when it sends the link
-- and only its SHA-256 is kept (lower-case hex, as sessions keep theirs); it works once, until expires_at.
CREATE TABLE password_resets (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_digest text UNIQUE CHECK (token_digest ~ '^[0-9a-f]{64}$'),
  requested_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  mailed_at timestamptz,
  used_at timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- Down Migration
DROP TABLE password_resets;
ALTER TABLE notifications DROP COLUMN mailed_at;
ALTER TABLE appointments DROP COLUMN calendar_sequence;
