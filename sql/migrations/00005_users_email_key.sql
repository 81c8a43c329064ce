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
-- text, not varchar(128) like email: NFC can lengthen what a seed stored
-- (U+0958 becomes two characters), and a key too long to store would turn
-- a valid signup into a 500.
ALTER TABLE users ADD COLUMN IF NOT EXISTS email_key text;

-- +goose Down
ALTER TABLE users DROP COLUMN IF EXISTS email_key;
