package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/pressly/goose/v3"

	"prana/auth/internal/domain"
)

// emailKeyVersion is the goose version of the Go migration that fills
// users.email_key: between 00005 (adds the column) and 00007 (makes it
// NOT NULL UNIQUE) in sql/migrations. Only Go computes the key the service
// matches on, so this step cannot be SQL.
const emailKeyVersion = 6

// fillEmailKeys gives every row without an email_key the key of its email.
// Two rows with one key (a seed database holding "ÉMILE@x.io" and
// "émile@x.io", which lower() under the C locale, or NFC, tells apart) stop
// the migration with the same plain message as migration 00002, rather than
// a bare unique violation in 00007.
func fillEmailKeys(ctx context.Context, tx *sql.Tx) error {
	ids, emails, err := usersWithoutKey(ctx, tx)
	if err != nil {
		return err
	}
	keys := make([]string, len(emails))
	owners := map[string]int{}
	var clashes []string
	for i, e := range emails {
		keys[i] = domain.EmailKey(e)
		if owners[keys[i]]++; owners[keys[i]] == 2 {
			clashes = append(clashes, keys[i])
		}
	}
	if len(clashes) > 0 {
		slices.Sort(clashes)
		return fmt.Errorf("cannot adopt the users table: these emails are registered more than once in different "+
			"letter case or accent spelling: %s (merge or rename those users, then start the auth service again)",
			strings.Join(clashes[:min(len(clashes), 10)], ", "))
	}
	_, err = tx.ExecContext(ctx, `UPDATE users AS u SET email_key = k.key
		FROM unnest($1::text[], $2::text[]) AS k(id, key) WHERE u.id = k.id::uuid`, ids, keys)
	if err != nil {
		return fmt.Errorf("fill email_key: %w", err)
	}
	return nil
}

// usersWithoutKey reads every row still without a key: all of them, since
// 00005 has just added the column in this same run.
func usersWithoutKey(ctx context.Context, tx *sql.Tx) (ids, emails []string, err error) {
	rows, err := tx.QueryContext(ctx, `SELECT id::text, email FROM users WHERE email_key IS NULL`)
	if err != nil {
		return nil, nil, fmt.Errorf("read users without email_key: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, email string
		if err := rows.Scan(&id, &email); err != nil {
			return nil, nil, fmt.Errorf("read users without email_key: %w", err)
		}
		ids, emails = append(ids, id), append(emails, email)
	}
	return ids, emails, rows.Err()
}

// emailKeyMigration is migration 6. Its down step does nothing: 00005's
// down drops the column.
func emailKeyMigration() *goose.Migration {
	return goose.NewGoMigration(emailKeyVersion, &goose.GoFunc{RunTx: fillEmailKeys}, nil)
}
