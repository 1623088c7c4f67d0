-- Up Migration
-- Patients see a doctor only once an admin has verified it. Doctors that exist already were public, so
-- they start verified; every doctor made from now on starts unverified.
ALTER TABLE doctors ADD COLUMN verified boolean NOT NULL DEFAULT true;
ALTER TABLE doctors ALTER COLUMN verified SET DEFAULT false;
-- The admin's list of doctors waiting for verification (few) is an index scan.
CREATE INDEX doctors_unverified_idx ON doctors (id) WHERE NOT verified;

-- Patients with a booked appointment are told when its doctor is suspended.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('booked', 'cancelled', 'moved_from_waitlist', 'reminder_24h', 'reminder_2h', 'doctor_suspended'));

-- Caps per account count an account's waiting entries; appointments and patients are indexed already.
CREATE INDEX waitlist_patient_waiting_idx ON waitlist_entries (patient_id) WHERE status = 'waiting';

-- Down Migration
DROP INDEX waitlist_patient_waiting_idx;
DELETE FROM notifications WHERE kind = 'doctor_suspended';
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
  CHECK (kind IN ('booked', 'cancelled', 'moved_from_waitlist', 'reminder_24h', 'reminder_2h'));
DROP INDEX doctors_unverified_idx;
ALTER TABLE doctors DROP COLUMN verified;
