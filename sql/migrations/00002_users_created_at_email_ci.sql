-- What Prana adds to the seed's table: a creation time, and uniqueness of
-- email regardless of case (the seed let MiXeD@Example.COM and
-- mixed@example.com be two users).

-- +goose Up
-- Rows the seed wrote get the adoption time: the seed never recorded one.
ALTER TABLE users ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now();

-- A seed database that already holds emails differing only in case cannot
-- take the index below. Say so plainly instead of failing with a bare
-- "could not create unique index".
-- +goose StatementBegin
DO $$
DECLARE
    clashes text;
BEGIN
    SELECT string_agg(lower_email, ', ') INTO clashes FROM (
        SELECT lower(email) AS lower_email FROM users
        GROUP BY lower(email) HAVING count(*) > 1 ORDER BY 1 LIMIT 10
    ) AS dup;
    IF clashes IS NOT NULL THEN
        RAISE EXCEPTION 'cannot adopt the users table: these emails are registered more than once in different letter case: %', clashes
            USING HINT = 'merge or rename those users, then start the auth service again';
    END IF;
END
$$;
-- +goose StatementEnd

CREATE UNIQUE INDEX IF NOT EXISTS users_email_lower_key ON users (lower(email));

-- +goose Down
DROP INDEX IF EXISTS users_email_lower_key;
ALTER TABLE users DROP COLUMN IF EXISTS created_at;
