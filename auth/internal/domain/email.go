package domain

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// checkEmail accepts a plain address only. net/mail alone would also take
// "Ivan <ivan@example.com>" and quietly drop the display name, so the parsed
// address must equal what was typed.
func checkEmail(errs *fieldErrors, field, raw string) string {
	email := strings.TrimSpace(raw)
	switch {
	case email == "":
		errs.add(field, "is required")
	case utf8.RuneCountInString(email) > MaxEmailLength:
		errs.add(field, "must be at most %d characters", MaxEmailLength)
	case !isPlainAddress(email):
		errs.add(field, "must be a plain email address such as name@example.com")
	}
	return email
}

func isPlainAddress(s string) bool {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	local, host := s[:at], s[at+1:]
	if local == "" || strings.ContainsAny(s, " \"()<>[]\\,;:") {
		return false
	}
	// A routable domain has at least one dot and no empty labels.
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}

// LoginInput is a login request as it arrived.
type LoginInput struct {
	Email, Password string
}

// CheckLogin validates the shape of a login request. It does not check the
// email's form: a malformed email simply matches no user.
func CheckLogin(in LoginInput) error {
	var errs fieldErrors
	switch email := strings.TrimSpace(in.Email); {
	case email == "":
		errs.add("email", "is required")
	case utf8.RuneCountInString(email) > MaxEmailLength:
		errs.add("email", "must be at most %d characters", MaxEmailLength)
	}
	switch n := utf8.RuneCountInString(in.Password); {
	case n == 0:
		errs.add("password", "is required")
	case n > MaxPasswordLength:
		errs.add("password", "must be at most %d characters", MaxPasswordLength)
	}
	return errs.err()
}

// CheckPasswordChange checks a password change: the current password as a
// login does, the new one as a signup does.
func CheckPasswordChange(current, next string) error {
	var errs fieldErrors
	switch n := utf8.RuneCountInString(current); {
	case n == 0:
		errs.add("current_password", "is required")
	case n > MaxPasswordLength:
		errs.add("current_password", "must be at most %d characters", MaxPasswordLength)
	}
	checkPasswordField(&errs, "new_password", next)
	return errs.err()
}

// CheckPasswordGiven checks a password that confirms an action (erasure).
func CheckPasswordGiven(pw string) error {
	var errs fieldErrors
	switch n := utf8.RuneCountInString(pw); {
	case n == 0:
		errs.add("password", "is required")
	case n > MaxPasswordLength:
		errs.add("password", "must be at most %d characters", MaxPasswordLength)
	}
	return errs.err()
}

// EmailKey is the form of an email that logins and limits match on: trimmed
// and lower-cased, so letter case never makes two identities.
func EmailKey(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}
