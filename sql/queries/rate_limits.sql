-- name: TakeRateLimitHits :one
SELECT refused_at::integer AS refused_at, retry_after_ms::bigint AS retry_after_ms
FROM take_rate_limit_hits(sqlc.arg(keys)::bytea[], sqlc.arg(maxes)::integer[], sqlc.arg(pers_ms)::bigint[]);

-- name: DeleteExpiredRateLimitWindows :execrows
-- Bounded, so a sweep after a spray of made-up keys stays a short statement.
DELETE FROM rate_limit_windows
WHERE key IN (
    SELECT key FROM rate_limit_windows
    WHERE expires_at < now()
    LIMIT sqlc.arg(max_rows)::integer
);
