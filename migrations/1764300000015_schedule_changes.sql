-- Up Migration
-- Doctors change their schedule (API.md "Doctors change their schedule").

-- A retired slot is kept for history (its appointments reference it) but holds no sitting from
-- `retired_from` on; only slots still in service may not overlap, so a new slot can take its time.
ALTER TABLE slots ADD COLUMN retired_from date;
ALTER TABLE slots DROP CONSTRAINT slots_no_overlap;
ALTER TABLE slots ADD CONSTRAINT slots_no_overlap EXCLUDE USING gist (
  doctor_id WITH =,
  day WITH =,
  int4range(start_minute, start_minute + appointment_duration * num_slots) WITH &&
) WHERE (retired_from IS NULL);

-- Who cancelled and why; where a rescheduled appointment was before (set by rescheduling).
ALTER TABLE appointments
  ADD COLUMN cancelled_by text CHECK (cancelled_by IN ('patient', 'doctor')),
  ADD COLUMN cancellation_reason text CHECK (char_length(cancellation_reason) BETWEEN 1 AND 500),
  ADD COLUMN rescheduled_from_slot_id integer,
  ADD COLUMN rescheduled_from_date date,
  ADD COLUMN rescheduled_from_seat integer;
-- Until now only patients could cancel. Only a cancelled appointment says who cancelled it.
UPDATE appointments SET cancelled_by = 'patient' WHERE status = 'cancelled';
ALTER TABLE appointments ADD CONSTRAINT appointments_cancelled_by_set
  CHECK (cancelled_by IS NULL OR status = 'cancelled');

-- Dates (inclusive, in the doctor's zone) on which none of the doctor's sittings take place.
CREATE TABLE time_off (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  doctor_id integer NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
  from_date date NOT NULL,
  to_date date NOT NULL,
  reason text CHECK (char_length(reason) BETWEEN 1 AND 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT time_off_range CHECK (to_date >= from_date AND to_date - from_date <= 365)
);
CREATE INDEX time_off_doctor_idx ON time_off (doctor_id, to_date);

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('booked', 'cancelled', 'moved_from_waitlist', 'reminder_24h', 'reminder_2h', 'doctor_suspended',
                  'sitting_closed', 'cancelled_by_doctor', 'moved'));

-- Down Migration
DELETE FROM notifications WHERE kind IN ('sitting_closed', 'cancelled_by_doctor', 'moved');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('booked', 'cancelled', 'moved_from_waitlist', 'reminder_24h', 'reminder_2h', 'doctor_suspended'));
DROP TABLE time_off;
ALTER TABLE appointments DROP CONSTRAINT appointments_cancelled_by_set;
ALTER TABLE appointments
  DROP COLUMN cancelled_by,
  DROP COLUMN cancellation_reason,
  DROP COLUMN rescheduled_from_slot_id,
  DROP COLUMN rescheduled_from_date,
  DROP COLUMN rescheduled_from_seat;
ALTER TABLE slots DROP CONSTRAINT slots_no_overlap;
DELETE FROM slots WHERE retired_from IS NOT NULL;
ALTER TABLE slots DROP COLUMN retired_from;
ALTER TABLE slots ADD CONSTRAINT slots_no_overlap EXCLUDE USING gist (
  doctor_id WITH =,
  day WITH =,
  int4range(start_minute, start_minute + appointment_duration * num_slots) WITH &&
);
