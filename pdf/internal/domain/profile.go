// Package domain holds the pdf service's core types: the profile a token
// vouches for, and the state of an upload job. It imports nothing but the
// standard library.
package domain

import (
	"errors"
	"time"
)

// DateLayout is the calendar-date format used on the wire and in the PDF.
const DateLayout = "2006-01-02"

// Profile is what the pdf service knows about a user: the claims of a token
// the auth service signed. The pdf service has no database of its own.
type Profile struct {
	UserID      string // a UUID in its canonical string form
	Name        string
	Surname     string
	Email       string
	DateOfBirth time.Time // a calendar date, midnight UTC
}

// ObjectKey is the S3 key of the profile's PDF, as the seed named it.
func (p Profile) ObjectKey() string { return "profile_" + p.UserID + ".pdf" }

// FileName is the name a browser saves the downloaded PDF under.
func (p Profile) FileName() string { return p.ObjectKey() }

// ErrJobNotFound means no job has the given id, or it belongs to someone else.
var ErrJobNotFound = errors.New("job not found")
