package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/prometheus/client_golang/prometheus"

	"prana/pdf/internal/adapters/gopdfrender"
	"prana/pdf/internal/app"
	"prana/shared/jwtverify"
)

// BenchmarkDownload measures GET /api/pdf/download through the whole HTTP
// stack in process: middleware, token check, rendering, response.
func BenchmarkDownload(b *testing.B) {
	h, token := benchHandler(b)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/pdf/download", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkRejectBadToken measures the 401 path.
func BenchmarkRejectBadToken(b *testing.B) {
	h, token := benchHandler(b)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/pdf/download", nil)
		req.Header.Set("Authorization", "Bearer "+token+"x")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

func benchHandler(b *testing.B) (http.Handler, string) {
	b.Helper()
	secret := []byte("benchmark-secret-0123456789")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	v, err := jwtverify.New(context.Background(), jwtverify.Config{Algorithm: "HS256", Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	r, err := gopdfrender.New(log)
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHandler(Deps{
		Service: app.New(app.Ports{Renderer: r}, log, nil), Verifier: v,
		Registry: prometheus.NewRegistry(), Log: log,
	})
	if err != nil {
		b.Fatal(err)
	}
	tok, _ := jwt.NewBuilder().Claim("id", "01a223d1-2cc4-76a2-ac40-11eb788dad42").Claim("name", "Іван").
		Claim("surname", "Петренко").Claim("email", "ivan@example.com").Claim("date_of_birth", "1990-02-28").
		Expiration(time.Now().Add(time.Hour)).Build()
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.HS256, secret))
	if err != nil {
		b.Fatal(err)
	}
	return h, string(signed)
}
