package logtest

import (
	"strings"
	"testing"
)

func TestScan(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2ln"
	for _, tt := range []struct {
		name, line, want string
	}{
		{"clean", `{"level":"INFO","msg":"request","status":200}`, ""},
		{"escaped injection stays in its field", `{"msg":"x","name":"a\n{\"level\":\"ERROR\"}\r\u001b[31m"}`, ""},
		{"forged second line", `{"msg":"x","name":"a"}` + "\n" + `{"msg":"forged"}junk`, "not a single JSON object"},
		{"two objects on a line", `{"msg":"a"}{"msg":"b"}`, "not a single JSON object"},
		{"plain text", `panic: boom`, "not a single JSON object"},
		{"raw escape", "{\"msg\":\"\x1b[31mred\"}", "raw control character"},
		{"raw carriage return", "{\"msg\":\"a\rb\"}", "raw control character"},
		{"password", `{"msg":"login","body":"open-Sesame-42"}`, "registered secret #0"},
		{"password behind escapes", `{"msg":"x","v":"open-Sesame\u002d42"}`, "registered secret #0"},
		{"token", `{"msg":"x","auth":"Bearer ` + jwt + `"}`, "holds a JWT"},
		{"hash", `{"msg":"x","hash":"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"}`, "password hash"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			found := Scan("svc", tt.line+"\n", []string{"open-Sesame-42"})
			switch {
			case tt.want == "" && len(found) > 0:
				t.Errorf("findings %q, want none", found)
			case tt.want != "" && (len(found) == 0 || !strings.Contains(strings.Join(found, "|"), tt.want)):
				t.Errorf("findings %q, want one saying %q", found, tt.want)
			}
		})
	}
}

func TestSuiteFinishFailsOnAFinding(t *testing.T) {
	t.Parallel()
	var s Suite
	s.Secret("hunter2-secret")
	_, _ = s.Buffer("auth").Write([]byte(`{"msg":"ok"}` + "\n"))
	if code := s.Finish(0); code != 0 {
		t.Fatalf("clean logs: exit code %d, want 0", code)
	}
	_, _ = s.Tee("worker", &strings.Builder{}).Write([]byte(`{"msg":"pw hunter2-secret"}` + "\n"))
	if p := s.Problems(); len(p) != 1 || !strings.HasPrefix(p[0], "worker log line 1:") {
		t.Fatalf("problems %q, want one in the worker's log", p)
	}
	if code := s.Finish(0); code != 1 {
		t.Fatalf("exit code %d, want 1", code)
	}
}
