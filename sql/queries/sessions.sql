-- name: InsertRefreshFamily :exec
INSERT INTO refresh_families (id, user_id, created_at, last_used_at)
VALUES (@id, @user_id, @now::timestamptz, @now::timestamptz);

-- name: InsertRefreshToken :exec
INSERT INTO refresh_tokens (token_hash, family_id, issued_at)
VALUES (@token_hash, @family_id, @issued_at);

-- name: RefreshTokenForUpdate :one
-- Locks the token and its family: concurrent refreshes of one token take
-- turns, and the second sees what the first did.
SELECT t.token_hash, t.family_id, t.issued_at, t.spent_at, t.successor_sealed,
       f.user_id, f.created_at AS family_created_at, f.last_used_at, f.revoked_at
FROM refresh_tokens t
JOIN refresh_families f ON f.id = t.family_id
WHERE t.token_hash = @token_hash
FOR UPDATE OF t, f;

-- name: SpendRefreshToken :exec
UPDATE refresh_tokens
SET spent_at = @spent_at, successor_sealed = @successor_sealed
WHERE token_hash = @token_hash;

-- name: TouchRefreshFamily :exec
UPDATE refresh_families SET last_used_at = @now WHERE id = @id;

-- name: RevokeRefreshFamily :exec
UPDATE refresh_families SET revoked_at = coalesce(revoked_at, sqlc.arg(now)::timestamptz) WHERE id = @id;

-- name: RevokeRefreshFamilyOfToken :exec
UPDATE refresh_families SET revoked_at = coalesce(revoked_at, sqlc.arg(now)::timestamptz)
WHERE id = (SELECT family_id FROM refresh_tokens WHERE token_hash = @token_hash);

-- name: RevokeOtherRefreshFamilies :exec
UPDATE refresh_families SET revoked_at = coalesce(revoked_at, sqlc.arg(now)::timestamptz)
WHERE user_id = @user_id AND id <> @keep_id;

-- name: DeleteEndedRefreshFamilies :execrows
-- Families past their lifetime, idle timeout or revocation; their tokens go
-- with them (ON DELETE CASCADE).
DELETE FROM refresh_families
WHERE id IN (
    SELECT rf.id FROM refresh_families rf
    WHERE rf.created_at < sqlc.arg(created_before)::timestamptz
       OR rf.last_used_at < sqlc.arg(used_before)::timestamptz
       OR rf.revoked_at < sqlc.arg(revoked_before)::timestamptz
    LIMIT 1000
);

-- name: WipeRefreshSuccessors :execrows
UPDATE refresh_tokens SET successor_sealed = NULL
WHERE successor_sealed IS NOT NULL AND spent_at < sqlc.arg(spent_before)::timestamptz;

-- name: DeleteUser :execrows
DELETE FROM users WHERE id = @id;

-- name: InsertErasure :exec
INSERT INTO erasure_outbox (user_id, due_at) VALUES (@user_id, @due_at);

-- name: DueErasures :many
-- SKIP LOCKED: relays on several replicas share the due records without
-- waiting on each other or sending one twice at once.
SELECT id, user_id, attempts FROM erasure_outbox
WHERE due_at <= now()
ORDER BY due_at
LIMIT @max_rows::integer
FOR UPDATE SKIP LOCKED;

-- name: DeleteErasure :exec
DELETE FROM erasure_outbox WHERE id = @id;

-- name: PostponeErasure :exec
UPDATE erasure_outbox SET attempts = attempts + 1, due_at = @due_at WHERE id = @id;

-- name: PendingErasures :one
SELECT count(*)::bigint FROM erasure_outbox;
