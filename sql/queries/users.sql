-- name: CreateUser :one
INSERT INTO users (id, name, surname, email, email_key, date_of_birth, password)
VALUES (@id, @name, @surname, @email, @email_key, @date_of_birth, @password_hash)
RETURNING id, name, surname, email, date_of_birth, created_at;

-- name: UserByEmail :one
-- @email_key is domain.EmailKey of the email typed; the unique index on
-- email_key serves this.
SELECT id, name, surname, email, date_of_birth, password, created_at, email_key
FROM users
WHERE email_key = @email_key;

-- name: UserByID :one
SELECT id, name, surname, email, date_of_birth, password, created_at, email_key
FROM users
WHERE id = @id;

-- name: ReplacePasswordHash :execrows
-- Only replaces the hash that was verified, so a concurrent password change
-- is never overwritten by a rehash.
UPDATE users
SET password = @new_hash
WHERE id = @id AND password = @old_hash;


-- name: HashSettingsInUse :many
-- The distinct settings (algorithm and costs) of the stored password
-- hashes: each PHC string without its last two $-fields, salt and digest.
-- A sequential scan, run every few minutes.
SELECT DISTINCT regexp_replace(password, '\$[^$]*\$[^$]*$', '')::text AS settings
FROM users;
