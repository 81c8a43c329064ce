package domain

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what a user may register with.
const (
	MaxNameLength     = 64
	MaxEmailLength    = 128
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// DateLayout is the wire and storage format of a calendar date.
const DateLayout = "2006-01-02"

// earliestBirth is the oldest date of birth accepted.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// Registration is a signup request that passed validation: names and
// email trimmed and in Unicode NFC, date parsed. The password stays plain until the app hashes it.
type Registration struct {
	Name        string
	Surname     string
	Email       string
	DateOfBirth time.Time
	Password    string
}

// SignupInput is a signup request as it arrived.
type SignupInput struct {
	Name, Surname, Email, DateOfBirth, Password string
}

// NewRegistration checks every field of in against the rules and returns a
// *ValidationError naming each one that breaks them. today is the caller's
// current date (UTC); it is a parameter so the rule is testable.
func NewRegistration(in SignupInput, today time.Time) (Registration, error) {
	var errs fieldErrors
	r := Registration{
		Name:     checkName(&errs, "name", in.Name),
		Surname:  checkName(&errs, "surname", in.Surname),
		Email:    checkEmail(&errs, "email", in.Email),
		Password: in.Password,
	}
	r.DateOfBirth = checkDateOfBirth(&errs, in.DateOfBirth, today)
	checkPassword(&errs, in.Password)
	return r, errs.err()
}

func checkName(errs *fieldErrors, field, raw string) string {
	name := nfc(strings.TrimSpace(raw))
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		errs.add(field, "is required")
	case n > MaxNameLength:
		errs.add(field, "must be at most %d characters", MaxNameLength)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		errs.add(field, "must not contain control characters")
	case !utf8.ValidString(name) || strings.ContainsRune(name, utf8.RuneError):
		errs.add(field, "must be valid UTF-8 text")
	case nameRuneProblem(name) != "":
		errs.add(field, "%s", nameRuneProblem(name))
	case !hasLetter(name):
		errs.add(field, "must contain at least one letter")
	}
	return name
}

func checkDateOfBirth(errs *fieldErrors, raw string, today time.Time) time.Time {
	if raw == "" {
		errs.add("date_of_birth", "is required")
		return time.Time{}
	}
	// time.Parse rejects impossible days such as 1990-02-30.
	d, err := time.Parse(DateLayout, raw)
	switch {
	case err != nil:
		errs.add("date_of_birth", "must be a real calendar date in the form YYYY-MM-DD")
	case d.Before(earliestBirth):
		errs.add("date_of_birth", "must not be before 1900-01-01")
	case d.After(today):
		errs.add("date_of_birth", "must not be in the future")
	}
	return d
}

func checkPassword(errs *fieldErrors, pw string) { checkPasswordField(errs, "password", pw) }

// checkPasswordField applies the rules for a new password to field.
func checkPasswordField(errs *fieldErrors, field, pw string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n == 0:
		errs.add(field, "is required")
	case n < MinPasswordLength:
		errs.add(field, "must be at least %d characters", MinPasswordLength)
	case n > MaxPasswordLength:
		errs.add(field, "must be at most %d characters", MaxPasswordLength)
	}
}
