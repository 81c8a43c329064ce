package domain

import (
	"errors"
	"strings"
	"testing"
)

// The cases of issue 15, finding 4: invisible characters made look-alike
// identities.

func TestNewRegistrationRefusesInvisibleCharacters(t *testing.T) {
	t.Parallel()
	cases := []struct {
		desc, field, value, message string
	}{
		{"email followed by U+200B", "email", "bob@example.com\u200B", "invisible"},
		{"U+200B inside an email", "email", "bo\u200Bb@example.com", "invisible"},
		{"U+FEFF in an email", "email", "\uFEFFbob@example.com", "invisible"},
		{"U+202E in an email", "email", "bob\u202E@example.com", "invisible"},
		{"name of two U+200B", "name", "\u200B\u200B", "invisible"},
		{"name of U+200B around a letter", "name", "\u200BBob\u200B", "invisible"},
		{"U+202E in a name", "name", "Bob\u202Eevil", "bidirectional"},
		{"U+202A in a surname", "surname", "\u202ASmith", "bidirectional"},
		{"U+2066 isolate", "name", "Bob\u2066x\u2069", "bidirectional"},
		{"U+200F mark", "name", "Bob\u200F", "bidirectional"},
		{"U+200E mark", "surname", "\u200ESmith", "bidirectional"},
		{"U+2060 word joiner", "name", "Bo\u2060b", "invisible"},
		{"soft hyphen", "name", "Bo\u00ADb", "invisible"},
		{"ZWJ between Latin letters", "name", "Bo\u200Db", "invisible"},
		{"ZWNJ between Latin letters", "surname", "Sm\u200Cith", "invisible"},
		{"ZWNJ at the end of a Persian word", "name", "علی\u200C", "invisible"},
		{"ZWJ between Arabic and Devanagari", "name", "ع\u200Dक", "invisible"},
		{"ZWJ in an emoji sequence", "name", "Bob 👨\u200D👩", "invisible"},
		{"digits only", "name", "1234", "letter"},
		{"punctuation only", "surname", "-.-", "letter"},
		{"combining mark only", "name", "\u0301", "letter"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			in := valid()
			switch c.field {
			case "email":
				in.Email = c.value
			case "name":
				in.Name = c.value
			case "surname":
				in.Surname = c.value
			}
			_, err := NewRegistration(in, today)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("%q accepted (err %v)", c.value, err)
			}
			if len(verr.Fields) != 1 || verr.Fields[0].Field != c.field || !strings.Contains(verr.Fields[0].Message, c.message) {
				t.Fatalf("want one error on %s mentioning %q, got %+v", c.field, c.message, verr.Fields)
			}
		})
	}
}

func TestNewRegistrationKeepsJoinersScriptsNeed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"می\u200Cخواهم", // Persian, ZWNJ inside a word
		"مهر\u200Cناز",  // Persian given name Mehrnaz
		"نامه\u200Cها",  // ZWNJ after heh
		"بِ\u200Cسم",    // ZWNJ after a letter carrying a kasra (Inherited script)
		"क्\u200Dष",     // Hindi, ZWJ after the virama
		"क्\u200Cष",     // Hindi, ZWNJ after the virama
		"র্\u200Dয",     // Bengali
		"ன்\u200Cனா",    // Tamil
		"ക്\u200Dക",     // Malayalam
		"ශ්\u200Dරී",    // Sinhala
		"Ñúñez", "Zoë", "王小明", "Γιώργος", "Іван", "O'Brien", "Jean-Luc", "李 2", "Ólafur Örn",
	} {
		in := valid()
		in.Name, in.Surname = name, name
		r, err := NewRegistration(in, today)
		if err != nil {
			t.Errorf("%q (%+q): %v", name, name, err)
			continue
		}
		if r.Name != name {
			t.Errorf("%+q stored as %+q", name, r.Name)
		}
	}
}

func TestNewRegistrationStoresNFC(t *testing.T) {
	t.Parallel()
	in := valid()
	in.Name, in.Surname, in.Email = "Zoe\u0308", "N\u0303u\u0301n\u0303ez", "e\u0301mile@example.com"
	r, err := NewRegistration(in, today)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Zo\u00EB" || r.Surname != "\u00D1\u00FA\u00F1ez" || r.Email != "\u00E9mile@example.com" {
		t.Errorf("not NFC: %+q %+q %+q", r.Name, r.Surname, r.Email)
	}
}

func TestEmailKey(t *testing.T) {
	t.Parallel()
	cases := []struct{ a, b string }{
		{"Bob@Example.COM", "bob@example.com"},
		{"\u00C9MILE@example.com", "\u00E9mile@example.com"},    // É, é composed
		{"E\u0301MILE@example.com", "\u00E9mile@example.com"},   // É decomposed
		{"e\u0301mile@example.com", "\u00E9mile@example.com"},   // é decomposed vs composed
		{" \u00C9mile@Example.com\t", "\u00E9mile@example.com"}, // trimmed
		{"ΑΛΈΞΗΣ@example.com", "αλέξησ@example.com"},
	}
	for _, c := range cases {
		if got, want := EmailKey(c.a), EmailKey(c.b); got != want {
			t.Errorf("EmailKey(%+q) = %+q, EmailKey(%+q) = %+q: want one key", c.a, got, c.b, want)
		}
		if k := EmailKey(c.a); EmailKey(k) != k {
			t.Errorf("EmailKey is not idempotent on %+q", k)
		}
	}
	if EmailKey("bob@example.com") == EmailKey("bob@example.com\u200B") {
		t.Error("a zero-width space does not change the key; the signup check must refuse it")
	}
}
