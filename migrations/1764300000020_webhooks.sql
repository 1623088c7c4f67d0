-- Up Migration
-- Signed webhooks (API.md "Delivery: email, calendars and webhooks").

-- A subscription of a doctor (events of its own appointments and sittings: doctor_id set) or of an
-- admin (every event: doctor_id null). The secret signs the deliveries (HMAC), so it is kept as it was
-- shown; no answer after the creating one carries it.
CREATE TABLE webhooks (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  doctor_id integer REFERENCES doctors (id) ON DELETE CASCADE,
  url text NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2000),
  events text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 6),
  secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_user_idx ON webhooks (user_id, id);
CREATE INDEX webhooks_doctor_idx ON webhooks (doctor_id);

-- One delivery per subscription and outbox event: an event relayed twice is delivered once. The body
-- is kept so that every attempt sends the same bytes; the receiver's answer body is never stored.
CREATE TABLE webhook_deliveries (
  webhook_id integer NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id text NOT NULL CHECK (char_length(event_id) BETWEEN 1 AND 40),
  type text NOT NULL,
  payload text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  last_status_code integer,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_page_idx ON webhook_deliveries (webhook_id, created_at DESC);

-- Down Migration
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
