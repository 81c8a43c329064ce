package main

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"prana/auth/authclient"
	"prana/auth/internal/config"
)

// mustLoginPair logs in and returns the whole answer.
func (s *service) mustLoginPair(t *testing.T, email, password string) authclient.Token {
	t.Helper()
	resp := s.login(t, email, password)
	if resp.JSON200 == nil {
		t.Fatalf("login %s: status %d, body %s", email, resp.StatusCode(), resp.Body)
	}
	suite.Secret(resp.JSON200.AccessToken)
	suite.Secret(resp.JSON200.RefreshToken)
	return *resp.JSON200
}

func (s *service) refresh(t *testing.T, token string) *authclient.RefreshResponse {
	t.Helper()
	resp, err := s.client.RefreshWithResponse(context.Background(), authclient.RefreshRequest{RefreshToken: token})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if resp.JSON200 != nil {
		suite.Secret(resp.JSON200.RefreshToken)
	}
	return resp
}

func bearerAuth(token string) authclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

func TestRefreshLogoutOnRealPostgres(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := validSignup(uniqueEmail("refresh"))
	u := s.mustSignup(t, req)
	first := s.mustLoginPair(t, req.Email, req.Password)
	if first.RefreshExpiresIn != int((720*time.Hour).Seconds()) || !strings.HasPrefix(first.RefreshToken, "rt_") {
		t.Fatalf("login answer %+v", first)
	}
	next := s.refresh(t, first.RefreshToken)
	if next.JSON200 == nil || next.JSON200.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh: status %d, body %s", next.StatusCode(), next.Body)
	}
	if me := s.me(t, "Bearer "+next.JSON200.AccessToken); me.JSON200 == nil || me.JSON200.Id != u.Id {
		t.Fatalf("the refreshed access token: status %d", me.StatusCode())
	}
	// Two tabs: the just-spent token answers the same successor.
	if again := s.refresh(t, first.RefreshToken); again.JSON200 == nil || again.JSON200.RefreshToken != next.JSON200.RefreshToken {
		t.Fatalf("refresh within the reuse interval: status %d", again.StatusCode())
	}
	if out, err := s.client.LogoutWithResponse(t.Context(), authclient.RefreshRequest{RefreshToken: next.JSON200.RefreshToken}); err != nil || out.StatusCode() != http.StatusNoContent {
		t.Fatalf("logout: %v %v", out, err)
	}
	if out, _ := s.client.LogoutWithResponse(t.Context(), authclient.RefreshRequest{RefreshToken: next.JSON200.RefreshToken}); out.StatusCode() != http.StatusNoContent {
		t.Fatalf("second logout: %d", out.StatusCode())
	}
	gone := s.refresh(t, next.JSON200.RefreshToken)
	problemOf(t, http.StatusUnauthorized, gone.HTTPResponse, gone.Body)
}

func TestRefreshRefusals(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.RefreshReuseInterval = 50 * time.Millisecond })
	req := validSignup(uniqueEmail("refusals"))
	s.mustSignup(t, req)
	pair := s.mustLoginPair(t, req.Email, req.Password)
	for name, token := range map[string]string{
		"unknown":             "rt_" + strings.Repeat("A", 43),
		"malformed":           "not a token",
		"10 KB":               strings.Repeat("r", 10<<10),
		"an access token":     pair.AccessToken,
		"an empty string":     "",
		"control characters":  "rt_\x00\x01",
		"right length, wrong": "xx_" + pair.RefreshToken[3:],
	} {
		resp := s.refresh(t, token)
		st := resp.StatusCode()
		if st != http.StatusUnauthorized && !(st == http.StatusUnprocessableEntity && (token == "" || len(token) > 512)) {
			t.Errorf("%s: status %d, want 401 (or 422 for what the schema refuses)", name, st)
		}
		problemOf(t, st, resp.HTTPResponse, resp.Body)
	}
	// A refresh token sent as an access token.
	me := s.me(t, "Bearer "+pair.RefreshToken)
	problemOf(t, http.StatusUnauthorized, me.HTTPResponse, me.Body)

	// A spent token replayed after the reuse interval revokes the family,
	// so the legitimate holder's next refresh fails too.
	next := s.refresh(t, pair.RefreshToken)
	if next.JSON200 == nil {
		t.Fatalf("refresh: %d", next.StatusCode())
	}
	time.Sleep(100 * time.Millisecond)
	replay := s.refresh(t, pair.RefreshToken)
	problemOf(t, http.StatusUnauthorized, replay.HTTPResponse, replay.Body)
	holder := s.refresh(t, next.JSON200.RefreshToken)
	problemOf(t, http.StatusUnauthorized, holder.HTTPResponse, holder.Body)
}

// TestFiftyConcurrentRefreshes: one new family member, every answer the
// same successor (the reuse interval), no 5xx.
func TestFiftyConcurrentRefreshes(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := validSignup(uniqueEmail("concurrent"))
	s.mustSignup(t, req)
	pair := s.mustLoginPair(t, req.Email, req.Password)
	var wg sync.WaitGroup
	got := make([]string, 50)
	for i := range got {
		wg.Go(func() {
			resp, err := s.client.RefreshWithResponse(context.Background(), authclient.RefreshRequest{RefreshToken: pair.RefreshToken})
			if err != nil || resp.JSON200 == nil {
				t.Errorf("refresh %d: %v %v", i, err, resp)
				return
			}
			got[i] = resp.JSON200.RefreshToken
		})
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("concurrent refreshes answered different refresh tokens")
		}
	}
	var tokens int
	if err := queryRow(t, s, "SELECT count(*) FROM refresh_tokens", &tokens); err != nil || tokens != 2 {
		t.Fatalf("%d refresh tokens stored (%v), want 2", tokens, err)
	}
}

func TestChangePasswordOnRealPostgres(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) { c.LoginPerIPEmailPerMinute = 5 })
	req := validSignup(uniqueEmail("password"))
	s.mustSignup(t, req)
	mine, other := s.mustLoginPair(t, req.Email, req.Password), s.mustLoginPair(t, req.Email, req.Password)
	change := func(current, next string) *authclient.ChangePasswordResponse {
		resp, err := s.client.ChangePasswordWithResponse(t.Context(),
			authclient.PasswordChangeRequest{CurrentPassword: current, NewPassword: next}, bearerAuth(mine.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	wrong := change("not the password", "brand new password 7")
	problemOf(t, http.StatusUnauthorized, wrong.HTTPResponse, wrong.Body)
	short := change(req.Password, "short")
	problemOf(t, http.StatusUnprocessableEntity, short.HTTPResponse, short.Body)
	if ok := change(req.Password, "brand new password 7"); ok.StatusCode() != http.StatusNoContent {
		t.Fatalf("change: %d %s", ok.StatusCode(), ok.Body)
	}
	if r := s.refresh(t, other.RefreshToken); r.StatusCode() != http.StatusUnauthorized {
		t.Errorf("the other session after a password change: %d", r.StatusCode())
	}
	if r := s.refresh(t, mine.RefreshToken); r.StatusCode() != http.StatusOK {
		t.Errorf("the caller's session after a password change: %d", r.StatusCode())
	}
	if r := s.login(t, req.Email, req.Password); r.StatusCode() != http.StatusUnauthorized {
		t.Errorf("login with the old password: %d", r.StatusCode())
	}
	// Password checks count against the login limits: the pair limit (5)
	// is spent by the two logins, the wrong and the right current password
	// and the login with the old one.
	limited := change("and again", "brand new password 8")
	problemOf(t, http.StatusTooManyRequests, limited.HTTPResponse, limited.Body)
	none, _ := s.client.ChangePasswordWithResponse(t.Context(), authclient.PasswordChangeRequest{CurrentPassword: "x", NewPassword: "yyyyyyyy"})
	problemOf(t, http.StatusUnauthorized, none.HTTPResponse, none.Body)
}

func TestDeleteMeOnRealPostgres(t *testing.T) {
	t.Parallel()
	s := newService(t)
	req := validSignup(uniqueEmail("erase"))
	u := s.mustSignup(t, req)
	pair := s.mustLoginPair(t, req.Email, req.Password)
	del := func(password string) *authclient.DeleteMeResponse {
		resp, err := s.client.DeleteMeWithResponse(t.Context(), authclient.DeleteAccountRequest{Password: password}, bearerAuth(pair.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	wrong := del("not the password")
	problemOf(t, http.StatusUnauthorized, wrong.HTTPResponse, wrong.Body)
	if me := s.me(t, "Bearer "+pair.AccessToken); me.StatusCode() != http.StatusOK {
		t.Fatalf("a refused erasure deleted the user: %d", me.StatusCode())
	}
	if ok := del(req.Password); ok.StatusCode() != http.StatusNoContent {
		t.Fatalf("erasure: %d %s", ok.StatusCode(), ok.Body)
	}
	if me := s.me(t, "Bearer "+pair.AccessToken); me.StatusCode() != http.StatusUnauthorized {
		t.Errorf("/me after erasure: %d", me.StatusCode())
	}
	if r := s.refresh(t, pair.RefreshToken); r.StatusCode() != http.StatusUnauthorized {
		t.Errorf("refresh after erasure: %d", r.StatusCode())
	}
	var outbox int
	if err := queryRow(t, s, "SELECT count(*) FROM erasure_outbox WHERE user_id = $1", &outbox, u.Id); err != nil || outbox != 2 {
		t.Errorf("%d erasure records (%v), want 2: now and after the access tokens expire", outbox, err)
	}
	again := s.mustSignup(t, req)
	if again.Id == u.Id {
		t.Error("signing up again reused the erased user's id")
	}
	if strings.Contains(s.logs.String(), req.Email) {
		t.Error("the erased user's email is in the logs")
	}
}

func queryRow(t *testing.T, s *service, sql string, dst any, args ...any) error {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), s.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	return conn.QueryRow(t.Context(), sql, args...).Scan(dst)
}

// TestSessionsInHS256Mode: refresh, password change, logout and erasure
// work with the seed's ALGORITHM=HS256 too.
func TestSessionsInHS256Mode(t *testing.T) {
	t.Parallel()
	s := newService(t, func(c *config.Config) {
		c.Algorithm, c.SecretKey, c.Issuer, c.Audience = "HS256", "a-long-enough-hs256-secret-for-tests-"+secretMarker, "", ""
	})
	req := validSignup(uniqueEmail("hs256sessions"))
	s.mustSignup(t, req)
	pair := s.mustLoginPair(t, req.Email, req.Password)
	next := s.refresh(t, pair.RefreshToken)
	if next.JSON200 == nil {
		t.Fatalf("refresh: %d %s", next.StatusCode(), next.Body)
	}
	header, _ := decodeJWT(t, next.JSON200.AccessToken)
	if header["alg"] != "HS256" {
		t.Errorf("refreshed token alg %v, want HS256", header["alg"])
	}
	pw, err := s.client.ChangePasswordWithResponse(t.Context(), authclient.PasswordChangeRequest{
		CurrentPassword: req.Password, NewPassword: "another good password 9"}, bearerAuth(next.JSON200.AccessToken))
	if err != nil || pw.StatusCode() != http.StatusNoContent {
		t.Fatalf("password change: %v %v", err, pw)
	}
	if out, _ := s.client.LogoutWithResponse(t.Context(), authclient.RefreshRequest{RefreshToken: next.JSON200.RefreshToken}); out.StatusCode() != http.StatusNoContent {
		t.Fatalf("logout: %d", out.StatusCode())
	}
	del, err := s.client.DeleteMeWithResponse(t.Context(), authclient.DeleteAccountRequest{Password: "another good password 9"}, bearerAuth(next.JSON200.AccessToken))
	if err != nil || del.StatusCode() != http.StatusNoContent {
		t.Fatalf("erasure: %v %v", err, del)
	}
}

// TestExpiredAndIdleSessions: past REFRESH_TOKEN_TTL, or REFRESH_IDLE_TIMEOUT
// without a refresh, a refresh token gets 401.
func TestExpiredAndIdleSessions(t *testing.T) {
	t.Parallel()
	for name, edit := range map[string]func(*config.Config){
		"lifetime":     func(c *config.Config) { c.RefreshTokenTTL = time.Second },
		"idle timeout": func(c *config.Config) { c.RefreshIdleTimeout = time.Second },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newService(t, edit)
			req := validSignup(uniqueEmail("ended"))
			s.mustSignup(t, req)
			pair := s.mustLoginPair(t, req.Email, req.Password)
			time.Sleep(1100 * time.Millisecond)
			r := s.refresh(t, pair.RefreshToken)
			problemOf(t, http.StatusUnauthorized, r.HTTPResponse, r.Body)
		})
	}
}
