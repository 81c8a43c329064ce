-- The seed (the Python system Prana replaces) created this table with
-- Alembic. IF NOT EXISTS lets Prana adopt a seed database as it is: rows the
-- seed wrote, and their passlib argon2 hashes, keep working.

-- +goose Up
CREATE TABLE IF NOT EXISTS users (
    id            uuid         PRIMARY KEY,
    name          varchar(64)  NOT NULL,
    surname       varchar(64)  NOT NULL,
    email         varchar(128) NOT NULL UNIQUE,
    date_of_birth date         NOT NULL,
    password      varchar(128) NOT NULL
);

-- +goose Down
DROP TABLE IF EXISTS users;
