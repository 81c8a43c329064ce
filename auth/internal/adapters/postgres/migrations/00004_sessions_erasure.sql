-- Sessions (refresh token families) and account erasure.

-- +goose Up
-- One family per login. It ends at created_at + REFRESH_TOKEN_TTL, after
-- REFRESH_IDLE_TIMEOUT without use, or when revoked (logout, reuse of a
-- spent token, a password change elsewhere).
CREATE TABLE IF NOT EXISTS refresh_families (
    id           uuid        PRIMARY KEY,
    user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz NOT NULL,
    revoked_at   timestamptz
);
CREATE INDEX IF NOT EXISTS refresh_families_user_id ON refresh_families (user_id);

-- Only a hash of each refresh token is stored. successor_sealed is the
-- token that replaced this one, sealed with a key derived from this one:
-- only the holder of this token can have it back, and only within the
-- reuse interval (two tabs refreshing at once); it is wiped after that.
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token_hash       bytea       PRIMARY KEY,
    family_id        uuid        NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
    issued_at        timestamptz NOT NULL,
    spent_at         timestamptz,
    successor_sealed bytea
);
CREATE INDEX IF NOT EXISTS refresh_tokens_family_id ON refresh_tokens (family_id);

-- Erasures still to be carried out beyond this database (the user's PDF
-- and job records in S3), written in the transaction that deletes the
-- user and sent on by a relay. No foreign key: the user is gone.
CREATE TABLE IF NOT EXISTS erasure_outbox (
    id         bigserial   PRIMARY KEY,
    user_id    uuid        NOT NULL,
    due_at     timestamptz NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS erasure_outbox_due_at ON erasure_outbox (due_at);

-- +goose Down
DROP TABLE IF EXISTS erasure_outbox;
DROP TABLE IF EXISTS refresh_tokens;
DROP TABLE IF EXISTS refresh_families;
