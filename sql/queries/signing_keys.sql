-- name: LockSigningKeys :exec
-- Held until the transaction ends: one replica at a time changes the keys.
SELECT pg_advisory_xact_lock(hashtext('prana.signing_keys'));

-- name: DatabaseNow :one
SELECT now()::timestamptz AS now;

-- name: SigningKeys :many
SELECT kid, public_key, private_key, sealed, origin, created_at, sign_from, sign_until, publish_until
FROM signing_keys
ORDER BY sign_from, kid;

-- name: InsertSigningKey :exec
INSERT INTO signing_keys (kid, public_key, private_key, sealed, origin, sign_from, sign_until, publish_until)
VALUES (@kid, @public_key, @private_key, @sealed, @origin, @sign_from, @sign_until, @publish_until)
ON CONFLICT (kid) DO NOTHING;

-- name: ScheduleSigningKeyEnd :exec
UPDATE signing_keys
SET sign_until = @sign_until, publish_until = @publish_until
WHERE kid = @kid;

-- name: WipeExpiredSigningKeys :execrows
-- Nothing verifies with these any more; the row stays as a record.
UPDATE signing_keys
SET private_key = NULL
WHERE publish_until <= sqlc.arg(now)::timestamptz AND private_key IS NOT NULL;
