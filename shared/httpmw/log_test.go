package httpmw_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"prana/shared/httpmw"
	"prana/shared/requestid"
)

func TestAccessLog(t *testing.T) {
	t.Parallel()
	const (
		token    = "eyJhbGciOiJFZERTQSJ9.secret-token-value"
		password = "correct-horse-battery-staple"
	)
	tests := []struct {
		name, method, path string
		status             int
		level, route       string
	}{
		{"ok", http.MethodPost, "/api/users/42", http.StatusCreated, "INFO", "/api/users/{id}"},
		{"server-error", http.MethodPost, "/api/users/500", http.StatusInternalServerError, "ERROR", "/api/users/{id}"},
		{"unmatched", http.MethodGet, "/elsewhere", http.StatusNotFound, "INFO", "unmatched"},
		// The first status is what the client got; a later one is ignored.
		{"status-twice", http.MethodPost, "/api/users/twice", http.StatusCreated, "INFO", "/api/users/{id}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			r := chi.NewRouter()
			r.Use(httpmw.RequestID, httpmw.AccessLog(slog.New(slog.NewJSONHandler(&buf, nil))))
			r.Post("/api/users/{id}", func(w http.ResponseWriter, r *http.Request) {
				switch chi.URLParam(r, "id") {
				case "500":
					w.WriteHeader(http.StatusInternalServerError)
					return
				case "twice":
					w.WriteHeader(http.StatusCreated)
					w.WriteHeader(http.StatusInternalServerError)
					return
				}
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte("hel"))
				_, _ = w.Write([]byte("lo"))
			})
			req := httptest.NewRequest(tt.method, tt.path, strings.NewReader(`{"password":"`+password+`"}`))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(requestid.Header, "rid-"+tt.name)
			rec := httptest.NewRecorder()
			r.ServeHTTP(rec, req)

			out := buf.String()
			if n := strings.Count(out, "\n"); n != 1 {
				t.Fatalf("%d log lines, want 1: %q", n, out)
			}
			for _, secret := range []string{token, "secret-token-value", password, "Bearer"} {
				if strings.Contains(out, secret) {
					t.Errorf("log line contains %q: %s", secret, out)
				}
			}
			var line struct {
				Level     string `json:"level"`
				Msg       string `json:"msg"`
				RequestID string `json:"request_id"`
				Method    string `json:"method"`
				Route     string `json:"route"`
				Status    int    `json:"status"`
				Bytes     *int   `json:"bytes"`
				Duration  *int64 `json:"duration"`
			}
			if err := json.Unmarshal([]byte(out), &line); err != nil {
				t.Fatalf("log line is not JSON: %v: %q", err, out)
			}
			if rec.Code != tt.status {
				t.Fatalf("response status %d, want %d", rec.Code, tt.status)
			}
			if line.RequestID != "rid-"+tt.name || line.Method != tt.method || line.Route != tt.route ||
				line.Status != tt.status || line.Level != tt.level {
				t.Errorf("log line %+v, want request_id rid-%s, method %s, route %s, status %d, level %s",
					line, tt.name, tt.method, tt.route, tt.status, tt.level)
			}
			if line.Bytes == nil || *line.Bytes != rec.Body.Len() {
				t.Errorf("bytes = %v, want %d", line.Bytes, rec.Body.Len())
			}
			if line.Duration == nil {
				t.Error("no duration")
			}
		})
	}
}
