package domain

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func valid() SignupInput {
	return SignupInput{Name: "Ivan", Surname: "Petrenko", Email: "ivan@example.com", DateOfBirth: "1990-02-28", Password: "correct horse"}
}

func TestNewRegistrationAcceptsAnyScript(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"Іван", "Γιώργος", "Zoë", "Ñúñez", "François", "王小明", "A<B & <b>C</b>", strings.Repeat("я", 64)} {
		in := valid()
		in.Name = "  " + name + "\t"
		r, err := NewRegistration(in, today)
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		if r.Name != name {
			t.Errorf("name not trimmed: got %q, want %q", r.Name, name)
		}
	}
}

func TestNewRegistrationRejects(t *testing.T) {
	t.Parallel()
	cases := []struct {
		desc  string
		edit  func(*SignupInput)
		field string
	}{
		{"empty name", func(in *SignupInput) { in.Name = "   " }, "name"},
		{"65 char surname", func(in *SignupInput) { in.Surname = strings.Repeat("a", 65) }, "surname"},
		{"control char", func(in *SignupInput) { in.Name = "Iv\x00an" }, "name"},
		{"newline inside", func(in *SignupInput) { in.Surname = "Pe\ntro" }, "surname"},
		{"display-name email", func(in *SignupInput) { in.Email = "Ivan <ivan@example.com>" }, "email"},
		{"no at", func(in *SignupInput) { in.Email = "ivan.example.com" }, "email"},
		{"no dot in domain", func(in *SignupInput) { in.Email = "ivan@localhost" }, "email"},
		{"empty label", func(in *SignupInput) { in.Email = "ivan@example..com" }, "email"},
		{"129 char email", func(in *SignupInput) { in.Email = strings.Repeat("a", 117) + "@example.com" }, "email"},
		{"impossible date", func(in *SignupInput) { in.DateOfBirth = "1990-02-30" }, "date_of_birth"},
		{"loose date", func(in *SignupInput) { in.DateOfBirth = "1990-2-3" }, "date_of_birth"},
		{"date with time", func(in *SignupInput) { in.DateOfBirth = "1990-02-03T00:00:00Z" }, "date_of_birth"},
		{"future date", func(in *SignupInput) { in.DateOfBirth = "2026-11-29" }, "date_of_birth"},
		{"before 1900", func(in *SignupInput) { in.DateOfBirth = "1899-12-31" }, "date_of_birth"},
		{"missing date", func(in *SignupInput) { in.DateOfBirth = "" }, "date_of_birth"},
		{"short password", func(in *SignupInput) { in.Password = "1234567" }, "password"},
		{"long password", func(in *SignupInput) { in.Password = strings.Repeat("p", 257) }, "password"},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			in := valid()
			c.edit(&in)
			_, err := NewRegistration(in, today)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("want a ValidationError, got %v", err)
			}
			if len(verr.Fields) != 1 || verr.Fields[0].Field != c.field {
				t.Fatalf("want exactly field %q, got %+v", c.field, verr.Fields)
			}
		})
	}
}

func TestNewRegistrationBoundaries(t *testing.T) {
	t.Parallel()
	in := valid()
	in.DateOfBirth = "1900-01-01"
	in.Password = strings.Repeat("п", 256) // runes, not bytes
	in.Email = strings.Repeat("a", 116) + "@example.com"
	if _, err := NewRegistration(in, today); err != nil {
		t.Fatalf("boundary values rejected: %v", err)
	}
	in.DateOfBirth = "2026-11-28" // today is allowed
	in.Password = "12345678"
	if _, err := NewRegistration(in, today); err != nil {
		t.Fatalf("today / 8 chars rejected: %v", err)
	}
}

func TestNewRegistrationListsEveryBadField(t *testing.T) {
	t.Parallel()
	_, err := NewRegistration(SignupInput{}, today)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("want ValidationError, got %v", err)
	}
	got := map[string]bool{}
	for _, f := range verr.Fields {
		got[f.Field] = true
	}
	for _, f := range []string{"name", "surname", "email", "date_of_birth", "password"} {
		if !got[f] {
			t.Errorf("field %s not reported (got %+v)", f, verr.Fields)
		}
	}
}

func TestCheckLogin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     LoginInput
		fields string
	}{
		{LoginInput{Email: "a@b.co", Password: "x"}, ""},
		{LoginInput{Email: "", Password: ""}, "email,password"},
		{LoginInput{Email: strings.Repeat("a", 129), Password: "x"}, "email"},
		{LoginInput{Email: "a@b.co", Password: strings.Repeat("x", 257)}, "password"},
	}
	for _, c := range cases {
		err := CheckLogin(c.in)
		var names []string
		var verr *ValidationError
		if errors.As(err, &verr) {
			for _, f := range verr.Fields {
				names = append(names, f.Field)
			}
		} else if err != nil {
			t.Fatalf("unexpected error type %T", err)
		}
		if got := strings.Join(names, ","); got != c.fields {
			t.Errorf("CheckLogin(%q): fields %q, want %q", c.in.Email, got, c.fields)
		}
	}
}

func TestNewUserIDIsVersion7(t *testing.T) {
	t.Parallel()
	now := time.Now()
	a, b := NewUserID(now), NewUserID(now.Add(time.Millisecond))
	if len(a) != 36 || a[14] != '7' || !strings.ContainsRune("89ab", rune(a[19])) {
		t.Fatalf("not a v7 UUID: %s", a)
	}
	if a == b || a[:13] > b[:13] {
		t.Fatalf("ids not unique and time-ordered: %s %s", a, b)
	}
}
