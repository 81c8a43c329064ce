package bearer_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"prana/shared/problem"
)

// FuzzAuthorization throws arbitrary Authorization headers (one or two) at
// the Authenticator. Whatever arrives: no panic; either the request is
// authenticated (one header, scheme bearer in any case, token "good") or
// it gets a 401 problem document with a Bearer challenge; the verifier
// sees at most one trimmed, non-empty token, and only from a lone header.
func FuzzAuthorization(f *testing.F) {
	for _, h := range []string{
		"Bearer good", "bearer good", "BEARER good", "  Bearer   good  ", "Bearer", "Bearer ", "Basic good",
		"Bearer bad-sig", "Bearer good extra", "Bearer\tgood", "good", "", "Bearer expired", "Bearer nokeys",
		"Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer " + strings.Repeat("A", 1000),
	} {
		f.Add(h, "", false)
	}
	f.Add("Bearer good", "Bearer good", true)
	f.Add("Bearer bad-sig", "Bearer good", true)

	f.Fuzz(func(t *testing.T, first, second string, two bool) {
		v := newVerifier()
		a := authenticator(t, spec, v)
		req := httptest.NewRequest(http.MethodGet, "/me", nil)
		req.Header["Authorization"] = []string{first}
		if two {
			req.Header["Authorization"] = append(req.Header["Authorization"], second)
		}
		rec := httptest.NewRecorder()
		_, ok := a.Authenticate(req.Context(), rec, req)

		seen := v.called()
		if len(seen) > 1 || len(seen) == 1 && two {
			t.Fatalf("verifier saw %q for headers %q, %q (two: %v)", seen, first, second, two)
		}
		for _, tok := range seen {
			if tok == "" || strings.TrimSpace(tok) != tok {
				t.Fatalf("verifier saw %q: want a trimmed, non-empty token", tok)
			}
			if scheme, _, _ := strings.Cut(strings.TrimSpace(first), " "); !strings.EqualFold(scheme, "bearer") {
				t.Fatalf("verifier called for scheme %q", scheme)
			}
		}
		if ok {
			if len(seen) != 1 || seen[0] != "good" || rec.Body.Len() > 0 {
				t.Fatalf("authenticated %q (verifier saw %q, wrote %q)", first, seen, rec.Body)
			}
			return
		}
		checkRefusal(t, rec)
	})
}

// checkRefusal: 401 (or 503 for the fake's "nokeys") as a problem
// document; a 401 carries a Bearer challenge.
func checkRefusal(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 401 or 503", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != problem.ContentType {
		t.Fatalf("Content-Type %q", ct)
	}
	var p problem.Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code {
		t.Fatalf("problem document %s: %v", rec.Body, err)
	}
	if c := rec.Header().Get("WWW-Authenticate"); rec.Code == http.StatusUnauthorized && !strings.HasPrefix(c, `Bearer realm="prana"`) {
		t.Fatalf("WWW-Authenticate %q", c)
	}
}
