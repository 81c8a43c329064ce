package httpapi

import (
	"context"
	"fmt"
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
	"prana/pdf/internal/renderqueue"
	"prana/shared/jwtverify"
)

// BenchmarkDownload measures GET /api/pdf/download through the whole HTTP
// stack in process for one user again and again: middleware, token check,
// the document cache, response.
func BenchmarkDownload(b *testing.B) {
	h, _ := downloadStack(b, hs256Bench, false, 64<<20)
	benchServe(b, h, benchToken(b, 0, hs256Key), http.StatusOK)
}

// BenchmarkDownloadUncached measures a download that has to render: the
// cache is off, as for a user seen for the first time.
func BenchmarkDownloadUncached(b *testing.B) {
	h, _ := downloadStack(b, hs256Bench, false, 0)
	benchServe(b, h, benchToken(b, 0, hs256Key), http.StatusOK)
}

// BenchmarkRejectBadToken measures the 401 path.
func BenchmarkRejectBadToken(b *testing.B) {
	h, _ := downloadStack(b, hs256Bench, false, 64<<20)
	benchServe(b, h, benchToken(b, 0, hs256Key)+"x", http.StatusUnauthorized)
}

// benchServe sends GET /api/pdf/download with token until the benchmark
// ends, failing it on any status but want.
func benchServe(b *testing.B, h http.Handler, token string, want int) {
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/pdf/download", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("status %d, want %d", rec.Code, want)
		}
	}
}

// The HS256 configuration of the download benchmarks, and its signing key.
var (
	benchSecret = []byte("benchmark-secret-0123456789")
	hs256Bench  = jwtverify.Config{Algorithm: "HS256", Secret: benchSecret}
	hs256Key    = jwt.WithKey(jwa.HS256, benchSecret)
)

// downloadStack is the download stack as the pdf service builds it: a
// verifier of cfg, the real renderer (behind the render queue when queued)
// and a document cache of cacheBytes. It returns the verifier too.
func downloadStack(b *testing.B, cfg jwtverify.Config, queued bool, cacheBytes int64) (http.Handler, *jwtverify.Verifier) {
	b.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	v, err := jwtverify.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	var r app.Renderer
	if r, err = gopdfrender.New(log, gopdfrender.Options{}); err != nil {
		b.Fatal(err)
	}
	if queued {
		r = renderqueue.New(r, renderqueue.Limits{}, nil)
	}
	h, err := NewHandler(Deps{
		API:      downloadAPI(b, r, pdfcache.New(pdfcache.Limits{MaxBytes: cacheBytes}), log),
		Verifier: v,
		Registry: prometheus.NewRegistry(), Log: log,
	})
	if err != nil {
		b.Fatal(err)
	}
	return h, v
}

// benchToken signs the claims of the i-th benchmark user, named as make
// bench names its users, with key.
func benchToken(b *testing.B, i int, key jwt.SignOption) string {
	b.Helper()
	tok, err := jwt.NewBuilder().Claim("id", fmt.Sprintf("01a223d1-2cc4-76a2-ac40-%012d", i)).
		Claim("name", "Іван").Claim("surname", "Петренко").
		Claim("email", fmt.Sprintf("user-%d@bench.example.com", i)).Claim("date_of_birth", "1990-02-28").
		Expiration(time.Now().Add(time.Hour)).Build()
	if err != nil {
		b.Fatal(err)
	}
	signed, err := jwt.Sign(tok, key)
	if err != nil {
		b.Fatal(err)
	}
	return string(signed)
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
