package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"prana/auth/authclient"
	"prana/auth/internal/config"
)

func TestSignupReturnsTheProfileInAnyScript(t *testing.T) {
	t.Parallel()
	s := newService(t)
	cases := []struct {
		desc, name, surname, wantName, wantSurname string
	}{
		{"cyrillic", "Іван", "Петренко", "Іван", "Петренко"},
		{"greek", "Γιώργος", "Παπαδόπουλος", "Γιώργος", "Παπαδόπουλος"},
		{"accented", "Zoë", "Ñúñez", "Zoë", "Ñúñez"},
		{"markup-like", "A<B", "O'Brien & Co", "A<B", "O'Brien & Co"},
		{"trimmed", "  François\t", "\n Dupont  ", "François", "Dupont"},
		{"64 runes", strings.Repeat("я", 64), strings.Repeat("ß", 64), strings.Repeat("я", 64), strings.Repeat("ß", 64)},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			req := validSignup(uniqueEmail(c.desc))
			req.Name, req.Surname = c.name, c.surname
			before := time.Now().Add(-time.Minute)
			resp := s.signup(t, req)
			if resp.StatusCode() != http.StatusCreated || resp.JSON201 == nil {
				t.Fatalf("status %d, body %s", resp.StatusCode(), resp.Body)
			}
			checkUserBody(t, resp.Body)
			u := *resp.JSON201
			if u.Name != c.wantName || u.Surname != c.wantSurname || u.Email != req.Email ||
				u.DateOfBirth.String() != req.DateOfBirth {
				t.Errorf("201 body %+v does not match the request %+v", u, req)
			}
			if u.CreatedAt.Before(before) || u.CreatedAt.After(time.Now().Add(time.Minute)) {
				t.Errorf("created_at %v is not about now", u.CreatedAt)
			}
			// The stored profile is what was answered.
			me := s.me(t, "Bearer "+s.mustLogin(t, req.Email, req.Password))
			if me.JSON200 == nil || !sameUser(*me.JSON200, u) {
				t.Errorf("/me after signup = %s, want %+v", me.Body, u)
			}
		})
	}
}

func sameUser(a, b authclient.User) bool {
	return a.Id == b.Id && a.Name == b.Name && a.Surname == b.Surname && a.Email == b.Email &&
		a.DateOfBirth.String() == b.DateOfBirth.String() && a.CreatedAt.Equal(b.CreatedAt)
}

// checkUserBody checks a user document holds exactly the profile fields:
// never a password or its hash.
func checkUserBody(t *testing.T, body []byte) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("user body: %v", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"created_at", "date_of_birth", "email", "id", "name", "surname"}
	if !slices.Equal(keys, want) {
		t.Errorf("user body has fields %v, want exactly %v", keys, want)
	}
	for _, secret := range []string{testPassword, "$argon2", "password"} {
		if strings.Contains(string(body), secret) {
			t.Errorf("user body contains %q: %s", secret, body)
		}
	}
}

func TestSignupValidation(t *testing.T) {
	t.Parallel()
	s := newService(t)
	future := time.Now().UTC().AddDate(0, 0, 2).Format("2006-01-02")
	cases := []struct {
		desc   string
		edit   func(*authclient.SignupRequest)
		fields []string
	}{
		{"empty name", func(r *authclient.SignupRequest) { r.Name = "" }, []string{"name"}},
		{"blank surname", func(r *authclient.SignupRequest) { r.Surname = " \t " }, []string{"surname"}},
		{"65 char name", func(r *authclient.SignupRequest) { r.Name = strings.Repeat("a", 65) }, []string{"name"}},
		{"65 rune surname", func(r *authclient.SignupRequest) { r.Surname = strings.Repeat("я", 65) }, []string{"surname"}},
		{"control char in name", func(r *authclient.SignupRequest) { r.Name = "Iv\u0007an" }, []string{"name"}},
		{"NUL in surname", func(r *authclient.SignupRequest) { r.Surname = "Pe\u0000tro" }, []string{"surname"}},
		{"display-name email", func(r *authclient.SignupRequest) { r.Email = "Ivan <i@x.io>" }, []string{"email"}},
		{"129 char email", func(r *authclient.SignupRequest) { r.Email = strings.Repeat("a", 117) + "@example.com" }, []string{"email"}},
		{"not an email", func(r *authclient.SignupRequest) { r.Email = "ivan.example.com" }, []string{"email"}},
		{"impossible date", func(r *authclient.SignupRequest) { r.DateOfBirth = "1990-02-30" }, []string{"date_of_birth"}},
		{"future date", func(r *authclient.SignupRequest) { r.DateOfBirth = future }, []string{"date_of_birth"}},
		{"before 1900", func(r *authclient.SignupRequest) { r.DateOfBirth = "1899-12-31" }, []string{"date_of_birth"}},
		{"not a date", func(r *authclient.SignupRequest) { r.DateOfBirth = "28.02.1990" }, []string{"date_of_birth"}},
		{"7 char password", func(r *authclient.SignupRequest) { r.Password = secretMarker + "7" }, []string{"password"}},
		{"257 char password", func(r *authclient.SignupRequest) { r.Password = secretMarker + strings.Repeat("p", 251) }, []string{"password"}},
		{"everything", func(r *authclient.SignupRequest) {
			*r = authclient.SignupRequest{Name: "", Surname: strings.Repeat("s", 65), Email: "Ivan <i@x.io>",
				DateOfBirth: "1990-02-30", Password: secretMarker + "1"}
		}, []string{"name", "surname", "email", "date_of_birth", "password"}},
	}
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			t.Parallel()
			req := validSignup(uniqueEmail("invalid"))
			c.edit(&req)
			resp := s.signup(t, req)
			p := problemOf(t, http.StatusUnprocessableEntity, resp.HTTPResponse, resp.Body)
			got := fieldsOf(p)
			if len(got) != len(c.fields) || len(p.Errors) != len(c.fields) {
				t.Errorf("fields %v, want exactly %v", p.Errors, c.fields)
			}
			for _, f := range c.fields {
				if !got[f] {
					t.Errorf("field %q not reported: %+v", f, p.Errors)
				}
			}
			if strings.Contains(string(resp.Body), secretMarker) {
				t.Errorf("answer echoes the password: %s", resp.Body)
			}
		})
	}
	t.Run("boundaries are accepted", func(t *testing.T) {
		t.Parallel()
		req := validSignup(strings.Repeat("b", 116) + "@example.com") // 128 characters
		req.DateOfBirth = "1900-01-01"
		req.Password = secretMarker + strings.Repeat("п", 250) // 256 runes, 506 bytes
		s.mustSignup(t, req)
		req = validSignup(uniqueEmail("today"))
		req.DateOfBirth = time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")
		req.Password = secretMarker + "12" // 8 characters
		s.mustSignup(t, req)
	})
}

func TestSignupDuplicateEmailInAnyCase(t *testing.T) {
	t.Parallel()
	s := newService(t)
	s.mustSignup(t, validSignup("Dup.User@Example.com"))
	for _, email := range []string{"Dup.User@Example.com", "dup.user@example.com", "DUP.USER@EXAMPLE.COM"} {
		resp := s.signup(t, validSignup(email))
		p := problemOf(t, http.StatusConflict, resp.HTTPResponse, resp.Body)
		if p.Code != "email_taken" {
			t.Errorf("%s: code %q, want email_taken", email, p.Code)
		}
	}
}

// TestSignupRace: twenty simultaneous signups with one email give one 201
// and nineteen 409s, never a 500. The race is in the database: the hashing
// before it is made cheap, and a signup the hashing queue turns away (503,
// a loaded machine) is sent again, as a client would.
func TestSignupRace(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) {
		c.Argon2MemoryKiB, c.Argon2Iterations, c.Argon2Parallelism = 8*1024, 1, 1
	})
	const n = 20
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		status = make([]int, n)
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := validSignup("race@example.com")
			if i%2 == 1 {
				req.Email = "RACE@example.com"
			}
			<-start
			for range 10 {
				resp, err := s.client.SignupWithResponse(context.Background(), req)
				if err != nil {
					t.Errorf("signup %d: %v", i, err)
					return
				}
				if status[i] = resp.StatusCode(); status[i] != http.StatusServiceUnavailable {
					return
				}
				time.Sleep(time.Second)
			}
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, st := range status {
		counts[st]++
	}
	if counts[http.StatusCreated] != 1 || counts[http.StatusConflict] != n-1 {
		t.Errorf("statuses %v: want one 201 and %d 409", counts, n-1)
	}
}
