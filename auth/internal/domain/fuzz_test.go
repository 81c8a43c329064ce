package domain

import (
	"testing"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// FuzzDateOfBirth throws arbitrary strings at the date_of_birth rule.
// Whatever arrives: no panic; at most one error, on date_of_birth; and an
// accepted date is exactly the YYYY-MM-DD text given (no other spelling,
// no time of day, no zone), between 1900-01-01 and today.
func FuzzDateOfBirth(f *testing.F) {
	for _, s := range []string{
		"1990-02-28", "2000-02-29", "1900-02-29", "1990-02-30", "1899-12-31", "1900-01-01", "2026-06-01",
		"2026-06-02", "28.02.1990", "1990-2-28", "1990-02-28T00:00:00Z", " 1990-02-28", "+1990-02-28",
		"١٩٩٠-٠٢-٢٨", "0000-00-00", "9999-12-31", "", "1990-02-28\x00",
	} {
		f.Add(s)
	}
	today := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

	f.Fuzz(func(t *testing.T, raw string) {
		var errs fieldErrors
		d := checkDateOfBirth(&errs, raw, today)
		if len(errs) > 1 || len(errs) == 1 && errs[0].Field != "date_of_birth" {
			t.Fatalf("%q: errors %+v, want at most one, on date_of_birth", raw, errs)
		}
		if len(errs) == 1 {
			return
		}
		if got := d.Format(DateLayout); got != raw {
			t.Fatalf("%q accepted as %s", raw, got)
		}
		if d.Location() != time.UTC || d.Hour()+d.Minute()+d.Second()+d.Nanosecond() != 0 {
			t.Fatalf("%q accepted as %v: want midnight UTC", raw, d)
		}
		if d.Before(earliestBirth) || d.After(today) {
			t.Fatalf("%q accepted: outside 1900-01-01 … today", raw)
		}
	})
}

// FuzzName throws arbitrary strings at the name rule. Whatever arrives: no
// panic; at most one error, on the field; and an accepted name is NFC, has
// a letter, and holds no format character except a ZWJ or ZWNJ between
// two characters of one script that needs them.
func FuzzName(f *testing.F) {
	for _, s := range []string{
		"Ivan", "\u200B\u200B", "Bob\u202Eevil", "می\u200Cخواهم", "क्\u200Dष", "Zoe\u0308", "\u200D", "a\u200Db",
		"ع\u200Dक", "بِ\u200Cسم", "\u0301\u200C\u0628", "42", " \t", "\uFEFFx",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var errs fieldErrors
		name := checkName(&errs, "name", raw)
		if len(errs) > 1 || len(errs) == 1 && errs[0].Field != "name" {
			t.Fatalf("%+q: errors %+v, want at most one, on name", raw, errs)
		}
		if len(errs) == 1 {
			return
		}
		if !norm.NFC.IsNormalString(name) || !hasLetter(name) {
			t.Fatalf("%+q accepted as %+q: not NFC or no letter", raw, name)
		}
		rs := []rune(name)
		for i, r := range rs {
			if unicode.Is(unicode.Cf, r) && (r != zwj && r != zwnj || !joinsScript(rs, i)) {
				t.Fatalf("%+q accepted with format character %U at %d", raw, r, i)
			}
		}
	})
}
