-- Up Migration
-- Patients can be deleted (API.md "Patients and accounts change their data"): the row stays, anonymised,
-- so that past visits keep counting for their doctors; owner reads skip it from `deleted_at` on.
ALTER TABLE patients ADD COLUMN deleted_at timestamptz;
-- An account's live patients: its list and its cap count only these.
CREATE INDEX patients_user_id_live_idx ON patients (user_id) WHERE deleted_at IS NULL;

-- Down Migration
DROP INDEX patients_user_id_live_idx;
ALTER TABLE patients DROP COLUMN deleted_at;
