// Package domain holds the auth service's core: users, the rules their
// fields obey, and the errors the rest of the service speaks in. It imports
// nothing but the standard library and golang.org/x/text's Unicode
// normalisation (NFC), which the standard library lacks.
package domain

import (
	"errors"
	"time"
)

// User is a registered user as everyone but the password checker sees it.
type User struct {
	ID          string // a UUID in canonical form
	Name        string
	Surname     string
	Email       string
	DateOfBirth time.Time // a calendar date, midnight UTC
	CreatedAt   time.Time
}

// Credentials is a user together with the stored password hash.
type Credentials struct {
	User         User
	PasswordHash string
}

// NewUser is a validated registration plus the hash of its password: what a
// repository stores.
type NewUser struct {
	ID           string
	Name         string
	Surname      string
	Email        string
	DateOfBirth  time.Time
	PasswordHash string
}

// Sentinel errors. Adapters translate their own failures into these; the HTTP
// layer maps them to statuses.
var (
	// ErrEmailTaken: another user has this email, in any letter case.
	ErrEmailTaken = errors.New("email already registered")
	// ErrUserNotFound: no user matches.
	ErrUserNotFound = errors.New("user not found")
	// ErrInvalidCredentials: unknown email or wrong password; the two are
	// deliberately indistinguishable.
	ErrInvalidCredentials = errors.New("incorrect email or password")
	// ErrWrongPassword: the password confirming an action is not the
	// user's.
	ErrWrongPassword = errors.New("wrong password")
	// ErrInvalidRefreshToken covers every refresh token that cannot be used:
	// unknown, malformed, expired, revoked, or spent and presented again.
	ErrInvalidRefreshToken = errors.New("invalid refresh token")
)
