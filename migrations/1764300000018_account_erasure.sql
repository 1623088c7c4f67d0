-- Up Migration
-- An erased account (DELETE /users/info): its row stays for what references it (appointments of its
-- patients, a doctor's past visits), anonymised, its email freed.
ALTER TABLE users ADD COLUMN erased_at timestamptz;

-- Down Migration
ALTER TABLE users DROP COLUMN erased_at;
