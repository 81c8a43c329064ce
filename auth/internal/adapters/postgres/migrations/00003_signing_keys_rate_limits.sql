-- State that every replica of the auth service must agree on: the keys that
-- sign access tokens, and the login attempt counters.

-- +goose Up
-- One row per EdDSA signing key, kept after it expires (its private half
-- wiped) so that an imported key file is imported once only. A key is
-- published in the JWKS from its creation until publish_until, signs from
-- sign_from until sign_until. NULL means "no end yet".
CREATE TABLE IF NOT EXISTS signing_keys (
    kid           text        PRIMARY KEY,
    public_key    bytea       NOT NULL,
    -- Ed25519 seed, sealed with AES-GCM when `sealed`; NULL once expired.
    private_key   bytea,
    sealed        boolean     NOT NULL,
    origin        text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    sign_from     timestamptz NOT NULL,
    sign_until    timestamptz,
    publish_until timestamptz,
    CHECK (sign_until IS NULL OR sign_until >= sign_from),
    CHECK (publish_until IS NULL OR sign_until IS NOT NULL AND publish_until >= sign_until)
);

-- Attempt counters of the login limits, one fixed window per key. The key
-- is a hash of the limit's name and what it counts (address, email), so no
-- email is stored here. UNLOGGED: a count is worth no WAL write and fsync
-- on every login; after a crash or a failover the table starts empty,
-- which forgets at most one window of attempts.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_limit_windows (
    key          bytea       PRIMARY KEY,
    window_start timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    hits         integer     NOT NULL
);
CREATE INDEX IF NOT EXISTS rate_limit_windows_expires_at ON rate_limit_windows (expires_at);

-- Counts one attempt against each limit in turn (keys[i], at most maxes[i]
-- per window of pers_ms[i] milliseconds) and stops at the first limit
-- already reached: refused_at is its position (1-based), 0 when every limit
-- allowed the attempt. One round trip per attempt, however many limits.
-- The row lock of each upsert serialises concurrent attempts on one key
-- across every replica, so the counts are exact; hits stop at max + 1. Time
-- is the database's, so replicas with skewed clocks share one window.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION take_rate_limit_hits(keys bytea[], maxes integer[], pers_ms bigint[])
RETURNS TABLE (refused_at integer, retry_after_ms bigint)
LANGUAGE plpgsql AS $$
DECLARE
    counted integer;
    ends    timestamptz;
BEGIN
    FOR i IN 1 .. coalesce(array_length(keys, 1), 0) LOOP
        INSERT INTO rate_limit_windows AS w (key, window_start, expires_at, hits)
        VALUES (keys[i], now(), now() + pers_ms[i] * interval '1 millisecond', 1)
        ON CONFLICT (key) DO UPDATE SET
            window_start = CASE WHEN w.expires_at <= now() THEN now() ELSE w.window_start END,
            expires_at   = CASE WHEN w.expires_at <= now()
                                THEN now() + pers_ms[i] * interval '1 millisecond'
                                ELSE w.expires_at END,
            hits         = CASE WHEN w.expires_at <= now() THEN 1
                                ELSE least(w.hits + 1, maxes[i] + 1) END
        RETURNING w.hits, w.expires_at INTO counted, ends;
        IF counted > maxes[i] THEN
            refused_at := i;
            retry_after_ms := ceil(extract(epoch FROM ends - now()) * 1000)::bigint;
            RETURN NEXT;
            RETURN;
        END IF;
    END LOOP;
    refused_at := 0;
    retry_after_ms := 0;
    RETURN NEXT;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS take_rate_limit_hits(bytea[], integer[], bigint[]);
DROP TABLE IF EXISTS rate_limit_windows;
DROP TABLE IF EXISTS signing_keys;
