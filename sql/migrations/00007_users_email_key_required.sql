-- Every row has its email_key now (migration 6 filled them): make it
-- required and the one case-insensitive uniqueness of emails. The
-- lower(email) index goes: its idea of "same email" was the collation's.

-- +goose Up
ALTER TABLE users ALTER COLUMN email_key SET NOT NULL;
CREATE UNIQUE INDEX IF NOT EXISTS users_email_key_key ON users (email_key);
DROP INDEX IF EXISTS users_email_lower_key;

-- +goose Down
CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower_key ON users (lower(email));
DROP INDEX IF EXISTS users_email_key_key;
ALTER TABLE users ALTER COLUMN email_key DROP NOT NULL;
