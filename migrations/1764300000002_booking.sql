-- Up Migration
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE doctors (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL CONSTRAINT doctors_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  timezone text NOT NULL,
  -- Media key of an uploaded picture; NULL means the shipped default picture.
  image text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE doctor_specializations (
  doctor_id integer NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
  specialization_id integer NOT NULL REFERENCES specializations (id),
  CONSTRAINT doctor_specializations_pkey PRIMARY KEY (doctor_id, specialization_id)
);
CREATE INDEX doctor_specializations_specialization_idx ON doctor_specializations (specialization_id);

CREATE TABLE doctor_qualifications (
  doctor_id integer NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
  qualification_id integer NOT NULL REFERENCES qualifications (id),
  procurement_year date NOT NULL,
  institute_name text NOT NULL CHECK (char_length(institute_name) BETWEEN 1 AND 200),
  CONSTRAINT doctor_qualifications_pkey PRIMARY KEY (doctor_id, qualification_id)
);

CREATE TABLE slots (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  doctor_id integer NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
  day text NOT NULL CHECK (day IN ('monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday')),
  start_minute integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  appointment_duration integer NOT NULL CHECK (appointment_duration BETWEEN 5 AND 240),
  num_slots integer NOT NULL CHECK (num_slots BETWEEN 1 AND 200),
  consultation_fee integer NOT NULL CHECK (consultation_fee >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT slots_end_by_midnight CHECK (start_minute + appointment_duration * num_slots <= 1440),
  -- Two sittings of one doctor on one weekday never overlap (half-open: back to back is fine).
  CONSTRAINT slots_no_overlap EXCLUDE USING gist (
    doctor_id WITH =,
    day WITH =,
    int4range(start_minute, start_minute + appointment_duration * num_slots) WITH &&
  ),
  CONSTRAINT slots_id_doctor_key UNIQUE (id, doctor_id)
);

CREATE TABLE patients (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  age integer NOT NULL CHECK (age BETWEEN 0 AND 150),
  gender text NOT NULL CHECK (gender IN ('male', 'female', 'other')),
  symptoms text CHECK (char_length(symptoms) <= 2000),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX patients_user_id_idx ON patients (user_id);

CREATE TABLE appointments (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_id integer NOT NULL REFERENCES patients (id) ON DELETE CASCADE,
  slot_id integer NOT NULL,
  doctor_id integer NOT NULL,
  sitting_date date NOT NULL,
  seat integer NOT NULL,
  -- The slot's num_slots when booked; slots are never resized, and the check keeps every seat inside it.
  capacity integer NOT NULL,
  status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled', 'arrived', 'fulfilled', 'noshow')),
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  CONSTRAINT appointments_slot_fkey FOREIGN KEY (slot_id, doctor_id) REFERENCES slots (id, doctor_id) ON DELETE CASCADE,
  CONSTRAINT appointments_seat_in_capacity CHECK (seat BETWEEN 1 AND capacity)
);
-- The database is the judge: no seat given twice, no patient twice in one sitting (cancelled rows free both).
CREATE UNIQUE INDEX appointments_seat_taken ON appointments (slot_id, sitting_date, seat) WHERE status <> 'cancelled';
CREATE UNIQUE INDEX appointments_patient_once ON appointments (slot_id, sitting_date, patient_id) WHERE status <> 'cancelled';
CREATE INDEX appointments_patient_idx ON appointments (patient_id);
CREATE INDEX appointments_doctor_created_idx ON appointments (doctor_id, created_at);

-- Domain events written in the same transaction as the change they describe; a relay publishes them.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;

CREATE TABLE idempotency_keys (
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL,
  request_hash text NOT NULL,
  status integer NOT NULL,
  response jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (user_id, key)
);

-- Down Migration
DROP TABLE idempotency_keys;
DROP TABLE outbox;
DROP TABLE appointments;
DROP TABLE patients;
DROP TABLE slots;
DROP TABLE doctor_qualifications;
DROP TABLE doctor_specializations;
DROP TABLE doctors;
