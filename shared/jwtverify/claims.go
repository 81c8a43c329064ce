// Package jwtverify checks Prana access tokens: the signature with the one
// configured algorithm, exp (required), nbf, iss and aud when configured,
// and the profile claims the seed put in its tokens (id, name, surname,
// email, date_of_birth). The auth service's /me and the pdf service use it.
package jwtverify

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwt"
)

// The iss and aud Prana's auth service signs with and both services expect
// when nothing else is configured (outside HS256 seed mode).
const (
	DefaultIssuer   = "prana-auth"
	DefaultAudience = "prana"
)

// Claims are what a verified token says about its bearer.
type Claims struct {
	UserID      string // the "id" claim (and "sub" when present)
	Name        string
	Surname     string
	Email       string
	DateOfBirth time.Time // a calendar date, midnight UTC
	ExpiresAt   time.Time
	TokenID     string // "jti", empty in seed tokens
	SessionID   string // "sid": the session (refresh token family); empty in seed tokens
}

// ErrInvalid is wrapped by every rejection, so callers need one check.
var ErrInvalid = errors.New("invalid token")

// ErrKeysUnavailable means the verification keys could not be fetched: the
// token may well be good. Callers answer 503, not 401.
var ErrKeysUnavailable = errors.New("token verification keys unavailable")

// ErrExpired also wraps ErrInvalid; it lets callers say "expired".
var ErrExpired = fmt.Errorf("%w: token has expired", ErrInvalid)

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// profileFrom reads and checks the profile claims.
func profileFrom(tok jwt.Token) (Claims, error) {
	c := Claims{ExpiresAt: tok.Expiration(), TokenID: tok.JwtID()}
	fields := []struct {
		name string
		dst  *string
	}{{"id", &c.UserID}, {"name", &c.Name}, {"surname", &c.Surname}, {"email", &c.Email}}
	for _, f := range fields {
		v, ok := tok.Get(f.name)
		s, isString := v.(string)
		if !ok || !isString || s == "" {
			return Claims{}, fmt.Errorf("%w: claim %q missing or not a string", ErrInvalid, f.name)
		}
		*f.dst = s
	}
	if !uuidPattern.MatchString(c.UserID) {
		return Claims{}, fmt.Errorf("%w: claim \"id\" is not a UUID", ErrInvalid)
	}
	if sub := tok.Subject(); sub != "" && sub != c.UserID {
		return Claims{}, fmt.Errorf("%w: claims \"sub\" and \"id\" differ", ErrInvalid)
	}
	v, _ := tok.Get("date_of_birth")
	s, _ := v.(string)
	dob, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: claim \"date_of_birth\" is not a YYYY-MM-DD date", ErrInvalid)
	}
	c.DateOfBirth = dob
	if v, ok := tok.Get("sid"); ok {
		sid, isString := v.(string)
		if !isString || !uuidPattern.MatchString(sid) {
			return Claims{}, fmt.Errorf("%w: claim \"sid\" is not a UUID", ErrInvalid)
		}
		c.SessionID = sid
	}
	return c, nil
}
