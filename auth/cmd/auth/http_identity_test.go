package main

import (
	"net/http"
	"testing"

	"prana/auth/authclient"
	"prana/testkit/pgtest"
)

// TestLookAlikeIdentitiesAreRefused: the cases of issue 15, finding 4.
// Invisible characters and another Unicode spelling made a second account
// that prints exactly like the first, or a name that prints as nothing.
func TestLookAlikeIdentitiesAreRefused(t *testing.T) {
	t.Parallel()
	s := newService(t)
	s.mustSignup(t, validSignup("bob@example.com"))

	for _, c := range []struct {
		desc, field string
		edit        func(r *authclient.SignupRequest)
	}{
		{"bob@example.com + U+200B", "email", func(r *authclient.SignupRequest) { r.Email = "bob@example.com\u200B" }},
		{"name of two U+200B", "name", func(r *authclient.SignupRequest) { r.Name = "\u200B\u200B" }},
		{"U+202E in a name", "name", func(r *authclient.SignupRequest) { r.Name = "Bob\u202Eevil" }},
		{"U+202E in a surname", "surname", func(r *authclient.SignupRequest) { r.Surname = "\u202ESmith" }},
		{"a name without a letter", "name", func(r *authclient.SignupRequest) { r.Name = "42" }},
	} {
		req := validSignup(uniqueEmail("lookalike"))
		c.edit(&req)
		resp := s.signup(t, req)
		p := problemOf(t, http.StatusUnprocessableEntity, resp.HTTPResponse, resp.Body)
		if f := fieldsOf(p); len(f) != 1 || !f[c.field] {
			t.Errorf("%s: fields %+v, want only %s", c.desc, p.Errors, c.field)
		}
	}

	// NFC and NFD of one email are one account.
	nfc, nfd := "\u00E9mile.nf@example.com", "e\u0301mile.nf@example.com"
	s.mustSignup(t, validSignup(nfc))
	resp := s.signup(t, validSignup(nfd))
	problemOf(t, http.StatusConflict, resp.HTTPResponse, resp.Body)
	s.mustLogin(t, nfd, testPassword)

	// Names scripts need joiners for still pass, stored in NFC.
	req := validSignup(uniqueEmail("joiners"))
	req.Name, req.Surname = "مهر\u200Cناز", "क्\u200Dष Zoe\u0308"
	u := s.mustSignup(t, req)
	if u.Name != req.Name || u.Surname != "क्\u200Dष Zo\u00EB" {
		t.Errorf("stored %+q %+q", u.Name, u.Surname)
	}
}

// TestLoginIgnoresTheDatabaseCollation: issue 15, finding 9. Under the C
// locale PostgreSQL's lower() leaves "É" alone while Go lower-cases it, so
// an account registered as ÉMILE@… could not log in at all while the match
// was lower(email) = lower(key).
func TestLoginIgnoresTheDatabaseCollation(t *testing.T) {
	t.Parallel()
	s := startService(t, testConfig(t, pgtest.NewCLocaleDatabase(t)))
	s.mustSignup(t, validSignup("\u00C9MILE@example.com"))
	for _, email := range []string{"\u00E9mile@example.com", "\u00C9MILE@example.com", "E\u0301MILE@example.com"} {
		s.mustLogin(t, email, testPassword)
	}
	resp := s.signup(t, validSignup("\u00E9mile@example.com"))
	problemOf(t, http.StatusConflict, resp.HTTPResponse, resp.Body)
}
