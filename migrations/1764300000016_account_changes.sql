-- Up Migration
-- GET /auth/sessions shows when each session was last used. The authentication path records it at most
-- once a minute per session (in the statement that looks the session up), so reads stay cheap. Sessions
-- opened before this migration count as last used when they were opened.
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz;
UPDATE sessions SET last_used_at = created_at;
ALTER TABLE sessions
  ALTER COLUMN last_used_at SET NOT NULL,
  ALTER COLUMN last_used_at SET DEFAULT now();

-- GET /users/notifications?unread=true and the unread counts read only an account's unread notices.
CREATE INDEX notifications_unread_idx ON notifications (user_id, id DESC) WHERE read_at IS NULL;

-- Down Migration
DROP INDEX notifications_unread_idx;
ALTER TABLE sessions DROP COLUMN last_used_at;
