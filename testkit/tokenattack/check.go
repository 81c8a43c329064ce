package tokenattack

import (
	"net/http"
	"strings"
	"testing"

	"prana/testkit/specvalidate"
)

// CheckRefusal asserts how a service answered a case it must refuse: 401, a
// problem document, and a Bearer challenge naming the case's error. Never
// a 5xx.
func CheckRefusal(t testing.TB, c Case, resp *http.Response, body []byte) {
	t.Helper()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("%s: status %d, want 401; body %.200s", c.Name, resp.StatusCode, body)
		return
	}
	if err := specvalidate.CheckProblem(resp, body); err != nil {
		t.Errorf("%s: %v", c.Name, err)
	}
	if got, ok := Challenge(resp.Header, c); !ok {
		t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge naming %q", c.Name, got, c.Error)
	}
}

// CheckHeaderLimit asserts that a 100 KB token sent to url is refused by
// net/http (431) before any handler sees it: it is over the servers' 64 KB
// header limit. This is the one refusal of the matrix that is not a problem
// document, by design: a header of any size would otherwise have to be read
// into memory.
func CheckHeaderLimit(t testing.TB, url string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.Repeat("A", 100<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("100 KB token: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("100 KB token: status %d, want 431", resp.StatusCode)
	}
}
