package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"prana/sql/migrations"
)

// Migrate applies every pending migration. A rerun is a no-op.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	return migrateDB(ctx, db, log)
}

func migrateDB(ctx context.Context, db *sql.DB, log *slog.Logger) error {
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(migrationLock{}),
		goose.WithGoMigrations(emailKeyMigration()))
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, r := range results {
		log.Info("migration applied", "source", r.Source.Path, "duration", r.Duration.String())
	}
	return nil
}

// migrationLock makes replicas that start together on one database apply
// each migration once: the first takes a session-level advisory lock, and
// the others wait for it, then find nothing left to do. goose's own
// PostgreSQL locker polls with pg_try_advisory_lock every second or more;
// waiting in pg_advisory_lock lets the others go on the moment the first
// is done. The wait ends with ctx.
type migrationLock struct{}

// migrationLockID is goose's own default lock id, so that the goose command
// run by hand and the service exclude each other too.
const migrationLockID = lock.DefaultLockID

func (migrationLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockID)
	return err
}

func (migrationLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", migrationLockID)
	return err
}

var _ lock.SessionLocker = migrationLock{}
