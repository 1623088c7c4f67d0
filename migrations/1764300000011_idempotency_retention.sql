-- Up Migration
-- The workers forget Idempotency-Keys older than IDEMPOTENCY_KEY_DAYS; this keeps that sweep an index scan.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Down Migration
DROP INDEX idempotency_keys_created_idx;
