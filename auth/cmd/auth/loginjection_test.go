package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"prana/testkit/logtest"
)

// TestLogInjectionCannotForgeLines: names, emails and a request id made to
// break log lines (newlines, CR, ANSI escapes, JSON quotes) leave every
// line one JSON object; the forged record never appears as a record, and
// the one injected value that is logged (a printable request id full of
// quotes) comes back intact from inside its field.
func TestLogInjectionCannotForgeLines(t *testing.T) {
	t.Parallel()
	s := newService(t)
	const forged = `{"level":"ERROR","msg":"forged"}`
	evil := "Ivan\n" + forged + "\r\n\x1b[31mred\x1b[0m\"}"
	req := validSignup(uniqueEmail("inject"))
	req.Name, req.Surname = evil, evil
	s.signup(t, req)
	bad := validSignup("a\n" + forged + "\x1b[2J@example.com")
	s.signup(t, bad)
	s.login(t, "x\r\n"+forged+"@example.com", "wrong-"+secretMarker)

	quoteID := `id"},"level":"ERROR","msg":"forged","x":{"y":"`
	s.do(t, http.MethodGet, "/healthz", "", nil, http.Header{"X-Request-ID": {quoteID}})

	logs := s.logs.String()
	if found := logtest.Scan("auth", logs, nil); len(found) > 0 {
		t.Fatalf("log lines broken by injection:\n%s", strings.Join(found, "\n"))
	}
	sawID := false
	for line := range strings.Lines(logs) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line is not JSON: %q", line)
		}
		if rec["msg"] == "forged" {
			t.Errorf("a forged record made it into the log: %s", line)
		}
		if rec["request_id"] == quoteID {
			sawID = true
		}
	}
	if !sawID {
		t.Error("the quoted request id is in no line's request_id field: the check above proves less than it claims")
	}
}
