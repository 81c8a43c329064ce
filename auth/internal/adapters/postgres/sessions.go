package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"prana/auth/internal/adapters/postgres/internal/sqlcdb"
	"prana/auth/internal/app"
	"prana/auth/internal/domain"
	"prana/shared/periodic"
)

// StartSession records a new refresh token family with its first token.
func (s *Store) StartSession(ctx context.Context, familyID, userID string, tokenHash []byte, now time.Time) error {
	fid, uid, err := parseIDs(familyID, userID)
	if err != nil {
		return fmt.Errorf("start session: %w", err)
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := sqlcdb.New(tx)
		if err := q.InsertRefreshFamily(ctx, sqlcdb.InsertRefreshFamilyParams{ID: fid, UserID: uid, Now: now}); err != nil {
			return err
		}
		return q.InsertRefreshToken(ctx, sqlcdb.InsertRefreshTokenParams{TokenHash: tokenHash, FamilyID: fid, IssuedAt: now})
	})
	if err != nil {
		return wrap("start session", err)
	}
	return nil
}

// UseRefreshToken locks the token and its family (SELECT … FOR UPDATE), so
// that concurrent refreshes of one token take turns: the first spends it,
// the others find it spent.
func (s *Store) UseRefreshToken(ctx context.Context, tokenHash []byte, use func(app.RefreshRecord) (app.RefreshUse, error)) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := sqlcdb.New(tx)
		row, err := q.RefreshTokenForUpdate(ctx, tokenHash)
		if errors.Is(err, pgx.ErrNoRows) {
			return app.ErrRefreshUnknown
		}
		if err != nil {
			return err
		}
		u, err := use(refreshRecordFromRow(row))
		if err != nil {
			return err
		}
		return writeRefreshUse(ctx, q, row, u)
	})
	if errors.Is(err, app.ErrRefreshUnknown) {
		return err
	}
	if err != nil {
		return wrap("use refresh token", err)
	}
	return nil
}

func writeRefreshUse(ctx context.Context, q *sqlcdb.Queries, row sqlcdb.RefreshTokenForUpdateRow, u app.RefreshUse) error {
	if u.RevokeFamily {
		return q.RevokeRefreshFamily(ctx, sqlcdb.RevokeRefreshFamilyParams{ID: row.FamilyID, Now: u.Now})
	}
	if !u.Spend {
		return nil
	}
	if err := q.SpendRefreshToken(ctx, sqlcdb.SpendRefreshTokenParams{
		TokenHash: row.TokenHash, SpentAt: &u.Now, SuccessorSealed: u.SuccessorSealed,
	}); err != nil {
		return err
	}
	if err := q.InsertRefreshToken(ctx, sqlcdb.InsertRefreshTokenParams{
		TokenHash: u.SuccessorHash, FamilyID: row.FamilyID, IssuedAt: u.Now,
	}); err != nil {
		return err
	}
	return q.TouchRefreshFamily(ctx, sqlcdb.TouchRefreshFamilyParams{ID: row.FamilyID, Now: u.Now})
}

func refreshRecordFromRow(r sqlcdb.RefreshTokenForUpdateRow) app.RefreshRecord {
	return app.RefreshRecord{
		FamilyID: r.FamilyID.String(), UserID: r.UserID.String(),
		SpentAt: derefTime(r.SpentAt), SuccessorSealed: r.SuccessorSealed,
		FamilyCreated: r.FamilyCreatedAt, FamilyLastUsed: r.LastUsedAt, FamilyRevoked: derefTime(r.RevokedAt),
	}
}

// EndSessionOf revokes the family of a token; an unknown token changes
// nothing.
func (s *Store) EndSessionOf(ctx context.Context, tokenHash []byte, now time.Time) error {
	if err := s.q.RevokeRefreshFamilyOfToken(ctx, sqlcdb.RevokeRefreshFamilyOfTokenParams{TokenHash: tokenHash, Now: now}); err != nil {
		return wrap("end session", err)
	}
	return nil
}

// EndOtherSessions revokes every family of a user but one.
func (s *Store) EndOtherSessions(ctx context.Context, userID, keepFamilyID string, now time.Time) error {
	uid, err := uuid.Parse(userID)
	if err != nil {
		return fmt.Errorf("end other sessions: %w", err)
	}
	keep, _ := uuid.Parse(keepFamilyID) // none (a token without a session): end them all
	if err := s.q.RevokeOtherRefreshFamilies(ctx, sqlcdb.RevokeOtherRefreshFamiliesParams{UserID: uid, KeepID: keep, Now: now}); err != nil {
		return wrap("end other sessions", err)
	}
	return nil
}

// EraseUser deletes the user (their families and tokens go with them) and
// records the erasures due, in one transaction: the relay finds them only
// if the user is really gone, and never loses one.
func (s *Store) EraseUser(ctx context.Context, userID string, dueAt []time.Time) error {
	uid, err := uuid.Parse(userID)
	if err != nil {
		return domain.ErrUserNotFound
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		q := sqlcdb.New(tx)
		n, err := q.DeleteUser(ctx, uid)
		if err != nil {
			return err
		}
		if n == 0 {
			return domain.ErrUserNotFound
		}
		for _, due := range dueAt {
			if err := q.InsertErasure(ctx, sqlcdb.InsertErasureParams{UserID: uid, DueAt: due}); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, domain.ErrUserNotFound) {
		return err
	}
	if err != nil {
		return wrap("erase user", err)
	}
	return nil
}

func parseIDs(family, user string) (uuid.UUID, uuid.UUID, error) {
	fid, err := uuid.Parse(family)
	if err != nil {
		return fid, uuid.UUID{}, fmt.Errorf("family id: %w", err)
	}
	uid, err := uuid.Parse(user)
	if err != nil {
		return fid, uid, fmt.Errorf("user id: %w", err)
	}
	return fid, uid, nil
}

var _ app.SessionStore = (*Store)(nil)

// SessionHorizon says which sessions the sweep deletes.
type SessionHorizon struct {
	TTL, Idle, Revoked time.Duration // families older, idler or revoked longer than these
	Reuse              time.Duration // sealed successors of tokens spent longer ago
}

// SweepSessions deletes ended sessions and wipes sealed successors past the
// reuse interval, every interval until ctx ends.
func (s *Store) SweepSessions(ctx context.Context, interval time.Duration, h SessionHorizon, onErr func(error)) {
	periodic.Run(ctx, interval, func(ctx context.Context) {
		if err := s.sweepSessionsOnce(ctx, time.Now(), h); err != nil && ctx.Err() == nil {
			onErr(err)
		}
	})
}

func (s *Store) sweepSessionsOnce(ctx context.Context, now time.Time, h SessionHorizon) error {
	if _, err := s.q.WipeRefreshSuccessors(ctx, now.Add(-h.Reuse)); err != nil {
		return err
	}
	for {
		n, err := s.q.DeleteEndedRefreshFamilies(ctx, sqlcdb.DeleteEndedRefreshFamiliesParams{
			CreatedBefore: now.Add(-h.TTL), UsedBefore: now.Add(-h.Idle), RevokedBefore: now.Add(-h.Revoked),
		})
		if err != nil || n < 1000 {
			return err
		}
	}
}
