-- Up Migration
CREATE TABLE ratings (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  appointment_id integer NOT NULL CONSTRAINT ratings_appointment_key UNIQUE REFERENCES appointments (id) ON DELETE CASCADE,
  doctor_id integer NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
  rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
  review text CHECK (char_length(review) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_doctor_idx ON ratings (doctor_id, created_at DESC, id DESC);

-- People waiting for a seat in a full sitting; the first one waiting gets a freed seat, in the cancel's transaction.
CREATE TABLE waitlist_entries (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slot_id integer NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
  sitting_date date NOT NULL,
  patient_id integer NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'booked', 'left')),
  appointment_id integer REFERENCES appointments (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX waitlist_patient_once ON waitlist_entries (slot_id, sitting_date, patient_id) WHERE status = 'waiting';
CREATE INDEX waitlist_queue_idx ON waitlist_entries (slot_id, sitting_date, id) WHERE status = 'waiting';

CREATE TABLE notifications (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('booked', 'cancelled', 'moved_from_waitlist', 'reminder_24h', 'reminder_2h')),
  text text NOT NULL,
  appointment_id integer REFERENCES appointments (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
-- A reminder is written once per appointment and kind, however often its job runs.
CREATE UNIQUE INDEX notifications_reminder_once ON notifications (appointment_id, kind)
  WHERE kind IN ('reminder_24h', 'reminder_2h');

-- Down Migration
DROP TABLE notifications;
DROP TABLE waitlist_entries;
DROP TABLE ratings;
