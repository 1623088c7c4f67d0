-- Up Migration
CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  email text NOT NULL CONSTRAINT users_email_key UNIQUE CHECK (email = lower(btrim(email))),
  password_hash text NOT NULL,
  role text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'doctor', 'admin')),
  confirmed boolean NOT NULL DEFAULT false,
  registered_at timestamptz NOT NULL DEFAULT now()
);

-- Only the SHA-256 of a session token is stored; the token itself is shown to the client once.
CREATE TABLE sessions (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash text NOT NULL CONSTRAINT sessions_token_hash_key UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- Down Migration
DROP TABLE sessions;
DROP TABLE users;
