package domain

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// checkEmail accepts a plain address only. net/mail alone would also take
// "Ivan <ivan@example.com>" and quietly drop the display name, so the parsed
// address must equal what was typed.
//
// The address is stored in NFC, and one holding a format character (a
// zero-width space, a bidi control) is refused: it would print exactly as
// the address without it.
func checkEmail(errs *fieldErrors, field, raw string) string {
	email := nfc(strings.TrimSpace(raw))
	switch {
	case email == "":
		errs.add(field, "is required")
	case utf8.RuneCountInString(email) > MaxEmailLength:
		errs.add(field, "must be at most %d characters", MaxEmailLength)
	case hasFormatChar(email):
		errs.add(field, "must not contain invisible format characters (such as U+200B)")
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
	switch email := nfc(strings.TrimSpace(in.Email)); {
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

// EmailKey is the form of an email that logins, limits and the users
// table's unique email_key column match on: trimmed, in NFC and
// lower-cased, so neither letter case nor the composed or decomposed
// spelling of an accent makes two identities. It is computed here, in Go,
// and never by the database, whose lower() depends on its collation (under
// the C locale it leaves "É" alone). Changing it changes which stored keys
// match: a migration must then recompute them.
func EmailKey(email string) string {
	return nfc(strings.ToLower(nfc(strings.TrimSpace(email))))
}
