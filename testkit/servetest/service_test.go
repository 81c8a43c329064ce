package servetest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"prana/testkit/logtest"
)

// recordingTB notes the failures reported to it instead of failing.
type recordingTB struct {
	testing.TB
	errs []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func TestCheckLogsHoldNoSecrets(t *testing.T) {
	const access = `{"msg":"request","status":200}` + "\n"
	for _, tc := range []struct {
		name, logs string
		want       string // a word of the one failure expected; "" for none
	}{
		{"clean", access, ""},
		{"no access line", `{"msg":"started"}` + "\n", "no access log lines"},
		{"a token", access + `{"msg":"bad","auth":"Bearer eyJhbGciOiJFZERTQSJ9.x.y"}` + "\n", `"eyJ"`},
		{"a password", access + `{"msg":"login","body":"open-Sesame-42"}` + "\n", `"Sesame"`},
	} {
		rec := &recordingTB{TB: t}
		CheckLogsHoldNoSecrets(rec, tc.logs, "Sesame")
		switch {
		case tc.want == "" && len(rec.errs) > 0:
			t.Errorf("%s: unexpected failures %q", tc.name, rec.errs)
		case tc.want != "" && (len(rec.errs) != 1 || !strings.Contains(rec.errs[0], tc.want)):
			t.Errorf("%s: failures %q, want one naming %s", tc.name, rec.errs, tc.want)
		}
	}
}

// echoWiring serves 204 to every request, logging an access line for it.
func echoWiring(ctx context.Context, log *slog.Logger, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Info("request", "path", r.URL.Path)
		w.WriteHeader(http.StatusNoContent)
	})}
	ready(ln.Addr())
	go func() { <-ctx.Done(); _ = srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func TestStartServesUntilTheTestEnds(t *testing.T) {
	logs := &logtest.Buffer{}
	svc := Start(t, Options{Name: "echo", LogLevel: "info", Logs: logs, Transport: http.DefaultTransport}, echoWiring)
	req, err := http.NewRequest(http.MethodGet, svc.Base+"/ping", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := Do(t, svc.HTTP, req); resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d, want 204", resp.StatusCode)
	}
	if !strings.Contains(logs.String(), `"service":"echo"`) {
		t.Errorf("the log is not the service's own JSON log: %q", logs)
	}
	if err := svc.Stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	if _, err := svc.HTTP.Get(svc.Base + "/ping"); err == nil {
		t.Error("the service still answers after Stop")
	}
}
