-- The key logins and signups match emails on (domain.EmailKey: trimmed,
-- NFC, lower-cased), computed in Go and stored. Matching on PostgreSQL's
-- lower(email) depended on the database's collation: under the C locale
-- lower('ÉMILE@…') is 'ÉMILE@…', so such an account could never log in.
--
-- Three steps, because only Go computes the key: this one adds the
-- column; migration 6, a Go migration of the auth service
-- (auth/internal/adapters/postgres/migrate_email_key.go), fills it for the
-- rows already there; 00007 makes it required and unique.

-- +goose Up
ALTER TABLE users ADD COLUMN IF NOT EXISTS email_key varchar(128);

-- +goose Down
ALTER TABLE users DROP COLUMN IF EXISTS email_key;
