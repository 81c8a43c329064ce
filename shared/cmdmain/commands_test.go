package cmdmain

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

type testConfig struct{ addr string }

// recorder is a command that notes its name and arguments when run.
func recorder(name string, ran *[]string) Command[testConfig] {
	return Command[testConfig]{Name: name, Run: func(_ context.Context, _ testConfig, _ *slog.Logger, args []string) error {
		*ran = append(append(*ran, name), args...)
		return nil
	}}
}

func TestDispatchPicksTheNamedCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"serve"}},
		{[]string{"serve"}, []string{"serve"}},
		{[]string{"keys", "rotate", "--now"}, []string{"keys", "rotate", "--now"}},
	} {
		var ran []string
		run := Dispatch(tc.args, recorder("serve", &ran), recorder("keys", &ran))
		if err := run(context.Background(), testConfig{}, slog.New(slog.DiscardHandler)); err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if !slices.Equal(ran, tc.want) {
			t.Errorf("%q ran %q, want %q", tc.args, ran, tc.want)
		}
	}
}

func TestDispatchNamesTheCommandsOnAnUnknownOne(t *testing.T) {
	var ran []string
	run := Dispatch([]string{"srve"}, recorder("serve", &ran), recorder("migrate", &ran))
	err := run(context.Background(), testConfig{}, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), `"srve"`) || !strings.Contains(err.Error(), "serve, migrate") {
		t.Fatalf("err = %v, want one naming srve and the commands", err)
	}
	if len(ran) != 0 {
		t.Errorf("an unknown command ran %q", ran)
	}
}

func TestHealthCheckProbesTheConfiguredAddress(t *testing.T) {
	var ready atomic.Bool
	ready.Store(true)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ready.Load() || r.URL.Path != "/readyz" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	cfg := testConfig{addr: strings.TrimPrefix(srv.URL, "http://")}
	check := HealthCheck(func(c testConfig) string { return c.addr })
	log := slog.New(slog.DiscardHandler)
	if check.Name != "healthcheck" {
		t.Errorf("name %q, want healthcheck", check.Name)
	}
	if err := check.Run(context.Background(), cfg, log, nil); err != nil {
		t.Errorf("ready server: %v", err)
	}
	ready.Store(false)
	if err := check.Run(context.Background(), cfg, log, nil); err == nil {
		t.Error("an unready server passed the health check")
	}
}
