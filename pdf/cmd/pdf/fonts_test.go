package main

import (
	"net/http"
	"strings"
	"testing"
)

// TestReplacedCharactersAreCounted: a character no font has (an emoji
// beyond U+FFFF) is drawn as '?' and counted on /metrics, where an
// operator sees a missing font.
func TestReplacedCharactersAreCounted(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	u := newUser()
	u.Name = "Іван 🎉🎉"
	s.mustDownload(t, "Bearer "+iss.token(t, u), "", u)

	resp, body := s.do(t, http.MethodGet, "/metrics", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("metrics: status %d", resp.StatusCode)
	}
	if want := "pdf_replaced_characters_total 2"; !strings.Contains(string(body), want) {
		t.Errorf("/metrics lacks %q", want)
	}
}
