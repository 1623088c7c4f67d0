-- Up Migration
-- A doctor's secret calendar feed (API.md "Delivery": Calendars). Only the SHA-256 of the feed's token
-- is kept (lower-case hex, as sessions keep theirs): the URL is shown once, and a new one replaces it.
CREATE TABLE calendar_feeds (
  doctor_id integer PRIMARY KEY REFERENCES doctors (id) ON DELETE CASCADE,
  token_digest text NOT NULL UNIQUE CHECK (token_digest ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE calendar_feeds;
