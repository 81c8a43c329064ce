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
	"prana/pdf/internal/adapters/pdfcache"
	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
	"prana/shared/jwtverify"
)

// BenchmarkDownload measures GET /api/pdf/download through the whole HTTP
// stack in process for one user again and again: middleware, token check,
// the document cache, response.
func BenchmarkDownload(b *testing.B) {
	h, token := benchHandler(b, 64<<20)
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

// BenchmarkDownloadUncached measures a download that has to render: the
// cache is off, as for a user seen for the first time.
func BenchmarkDownloadUncached(b *testing.B) {
	h, token := benchHandler(b, 0)
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
	h, token := benchHandler(b, 64<<20)
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

func benchHandler(b *testing.B, cacheBytes int64) (http.Handler, string) {
	b.Helper()
	secret := []byte("benchmark-secret-0123456789")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	v, err := jwtverify.New(context.Background(), jwtverify.Config{Algorithm: "HS256", Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	r, err := gopdfrender.New(log, gopdfrender.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHandler(Deps{
		API:      downloadAPI(b, r, pdfcache.New(pdfcache.Limits{MaxBytes: cacheBytes}), log),
		Verifier: v,
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

// downloadAPI is an API for the download benchmarks: the real renderer and
// cache, and in-memory fakes for the ports that downloads never use.
func downloadAPI(b *testing.B, r app.Renderer, documents app.DocumentCache, log *slog.Logger) *app.API {
	b.Helper()
	jobs := apptest.NewJobs()
	api, err := app.NewAPI(app.APIPorts{
		Renderer: r, Documents: documents, Queue: &apptest.Queue{Jobs: jobs},
		Objects: apptest.NewObjects(), Jobs: jobs, Uploads: apptest.NewUploads(),
	}, log, func() string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	return api
}
