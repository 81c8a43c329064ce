package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"prana/auth/internal/adapters/postgres/internal/sqlcdb"
	"prana/auth/internal/app"
)

// RelayDue claims due erasures with FOR UPDATE SKIP LOCKED, so relays on
// several replicas share them without waiting on each other or sending one
// twice at once, and settles each in the same transaction. A crash before
// the commit leaves every claimed erasure recorded: at worst one is sent
// twice, which is harmless.
func (s *Store) RelayDue(ctx context.Context, limit int, send func(context.Context, string) error,
	retry func(int) time.Duration) (sent, failed int, err error) {
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		sent, failed = 0, 0
		q := sqlcdb.New(tx)
		due, err := q.DueErasures(ctx, int32(limit))
		if err != nil {
			return err
		}
		for _, e := range due {
			if sendErr := send(ctx, e.UserID.String()); sendErr != nil {
				failed++
				if err := q.PostponeErasure(ctx, sqlcdb.PostponeErasureParams{
					ID: e.ID, DueAt: time.Now().Add(retry(int(e.Attempts))),
				}); err != nil {
					return err
				}
				continue
			}
			sent++
			if err := q.DeleteErasure(ctx, e.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, wrap("relay erasures", err)
	}
	return sent, failed, nil
}

var _ app.ErasureOutbox = (*Store)(nil)
