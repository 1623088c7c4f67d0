-- Up Migration
-- A session ends at the latest SESSION_MAX_DAYS after sign-in, however often it is used: the sliding
-- expires_at never passes absolute_expires_at. Sessions opened before this migration get the default
-- 90 days from their sign-in.
ALTER TABLE sessions ADD COLUMN absolute_expires_at timestamptz;
UPDATE sessions
SET absolute_expires_at = created_at + interval '90 days',
    expires_at = LEAST(expires_at, created_at + interval '90 days');
ALTER TABLE sessions
  ALTER COLUMN absolute_expires_at SET NOT NULL,
  ADD CONSTRAINT sessions_expiry_within_absolute CHECK (expires_at <= absolute_expires_at);

-- The workers delete expired and revoked sessions every hour; these keep that sweep index scans.
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX sessions_revoked_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Down Migration
DROP INDEX sessions_revoked_idx;
DROP INDEX sessions_expires_at_idx;
ALTER TABLE sessions DROP CONSTRAINT sessions_expiry_within_absolute, DROP COLUMN absolute_expires_at;
