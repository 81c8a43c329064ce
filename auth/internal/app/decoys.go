package app

import (
	"context"
	"fmt"
	"maps"
	"slices"
)

// A failed login must take the same time whether the email is unknown,
// belongs to a user whose hash has the current parameters, or to one whose
// hash still has older, costlier ones (the seed's 100 MiB, 8 lanes: about
// five times the current cost). Verifying one decoy with the current
// parameters for an unknown email matched only the first kind of user.
//
// So every failed login pays for one verification with each parameter set
// in use: its own hash's (a real verification, or a decoy for an unknown
// email) and a decoy for each of the others. With only current hashes in
// the table that is one verification, as before; while seed hashes wait for
// their users' next login it is one of each, for every failed login alike.
// A successful login of an old hash pays the same (its verification plus
// the rehash), so not even success stands out by its time.

// DecoyHasher makes decoys with given parameters. Settings are a hash's
// algorithm and cost parameters, without salt or digest: in a PHC string
// ($argon2id$v=19$m=…,t=…,p=…$salt$digest), everything before the last two
// $-separated fields.
type DecoyHasher interface {
	// Settings returns hash's settings in their canonical spelling, or ""
	// when hash is not one this hasher verifies.
	Settings(hash string) string
	// DecoyWith returns a hash with settings that no password matches, or
	// false when settings are not ones this hasher verifies.
	DecoyWith(settings string) (string, bool)
}

// HashCensus tells which hash settings the stored users have.
type HashCensus interface {
	// HashSettingsInUse lists the distinct settings of the stored hashes,
	// spelled as stored.
	HashSettingsInUse(ctx context.Context) ([]string, error)
}

// decoysFor returns the decoys a failed login verifies besides its own
// hash: all of them for an unknown email (ownHash ""), the others for a
// known user. A user's hash whose settings the census has not seen yet (a
// new seed import) joins the set here.
func (s *Service) decoysFor(ownHash string) []string {
	s.decoyMu.Lock()
	defer s.decoyMu.Unlock()
	if s.decoys == nil {
		decoy := s.hasher.Decoy()
		s.decoys = map[string]string{s.settings(decoy): decoy}
	}
	if ownHash == "" {
		return slices.Collect(maps.Values(s.decoys))
	}
	own := s.settings(ownHash)
	if own == "" {
		return nil // no decoy maker, or a hash it does not read: as before, none
	}
	if _, known := s.decoys[own]; !known {
		if decoy, ok := s.decoyHasher.DecoyWith(own); ok {
			s.decoys[own] = decoy
		}
	}
	var out []string
	for settings, decoy := range s.decoys {
		if settings != own {
			out = append(out, decoy)
		}
	}
	return out
}

// settings returns hash's settings, or "" without a decoy maker.
func (s *Service) settings(hash string) string {
	if s.decoyHasher == nil {
		return ""
	}
	return s.decoyHasher.Settings(hash)
}

// RefreshHashCensus rereads the settings in use, so that the decoys follow
// the table: the seed's settings join at start, and leave once the last of
// its users has logged in and had the hash upgraded. Call it at start and
// then every few minutes.
func (s *Service) RefreshHashCensus(ctx context.Context) error {
	if s.census == nil || s.decoyHasher == nil {
		return nil
	}
	inUse, err := s.census.HashSettingsInUse(ctx)
	if err != nil {
		return fmt.Errorf("hash census: %w", err)
	}
	decoy := s.hasher.Decoy()
	next := map[string]string{s.settings(decoy): decoy}
	for _, stored := range inUse {
		d, ok := s.decoyHasher.DecoyWith(stored)
		if !ok {
			continue // not a hash this service can verify: its users cannot log in anyway
		}
		next[s.decoyHasher.Settings(d)] = d
	}
	s.decoyMu.Lock()
	s.decoys = next
	s.decoyMu.Unlock()
	return nil
}

// verifyDecoys verifies password against each decoy, for the time it takes.
func (s *Service) verifyDecoys(ctx context.Context, password string, decoys []string) error {
	for _, d := range decoys {
		if _, _, err := s.hasher.Verify(ctx, password, d); err != nil {
			return err
		}
	}
	return nil
}
