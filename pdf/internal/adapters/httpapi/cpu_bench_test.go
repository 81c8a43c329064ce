package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jwt"
	"github.com/prometheus/client_golang/prometheus"

	"prana/pdf/internal/adapters/gopdfrender"
	"prana/pdf/internal/adapters/pdfcache"
	"prana/pdf/internal/renderqueue"
	"prana/shared/jwtverify"
)

// benchGCPercent is GOGC as the pdf service sets it (gctune.GCPercent,
// which lives beside its main package; an adapter cannot import it). Keep
// the two equal.
const benchGCPercent = 800

// BenchmarkDownloadUncachedCPU measures in process what make bench's "pdf
// service CPU time per uncached download" row measures: fifty requests in
// flight, a different user each, the cache off, the renders queued one per
// core, the collector set as the service sets it. Beside the wall time it
// reports the process's CPU time per request (user and system, every
// goroutine: the collector and the scavenger too), which bounds the rate
// on these cores, and two counts that the machine's other load does not
// blur: page faults and collections per request.
func BenchmarkDownloadUncachedCPU(b *testing.B) {
	defer debug.SetGCPercent(debug.SetGCPercent(benchGCPercent))
	h, tokens := uncachedHandler(b, 500)
	var next atomic.Int64
	b.SetParallelism(25) // × GOMAXPROCS 2: c=50, as in make bench
	b.ReportAllocs()
	before := usage(b)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodGet, "/api/pdf/download", nil)
			req.Header.Set("Authorization", "Bearer "+tokens[int(next.Add(1))%len(tokens)])
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d", rec.Code)
				return
			}
		}
	})
	b.StopTimer()
	used := usage(b).minus(before)
	n := float64(b.N)
	b.ReportMetric(float64(used.cpu.Microseconds())/n, "cpu-µs/op")
	b.ReportMetric(float64(used.faults)/n, "faults/op")
	b.ReportMetric(float64(used.gcs)/n, "gc/op")
}

// uncachedHandler is the download stack as the pdf service builds it with
// PDF_CACHE_BYTES=0, and n tokens of distinct users, each verified once
// already, as make bench sends each user's token many times.
func uncachedHandler(b *testing.B, n int) (http.Handler, []string) {
	b.Helper()
	secret := []byte("benchmark-secret-0123456789")
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	v, err := jwtverify.New(context.Background(), jwtverify.Config{Algorithm: "HS256", Secret: secret})
	if err != nil {
		b.Fatal(err)
	}
	r, err := gopdfrender.New(log, gopdfrender.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h, err := NewHandler(Deps{
		API:      downloadAPI(b, renderqueue.New(r, renderqueue.Limits{}, nil), pdfcache.New(pdfcache.Limits{}), log),
		Verifier: v,
		Registry: prometheus.NewRegistry(), Log: log,
	})
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = userToken(b, secret, i)
		if _, err := v.Verify(context.Background(), tokens[i]); err != nil {
			b.Fatal(err)
		}
	}
	return h, tokens
}

// userToken is an HS256 token of the i-th benchmark user, named as make
// bench names its users.
func userToken(b *testing.B, secret []byte, i int) string {
	b.Helper()
	tok, err := jwt.NewBuilder().Claim("id", fmt.Sprintf("01a223d1-2cc4-76a2-ac40-%012d", i)).
		Claim("name", "Іван").Claim("surname", "Петренко").
		Claim("email", fmt.Sprintf("user-%d@bench.example.com", i)).Claim("date_of_birth", "1990-02-28").
		Expiration(time.Now().Add(time.Hour)).Build()
	if err != nil {
		b.Fatal(err)
	}
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.HS256, secret))
	if err != nil {
		b.Fatal(err)
	}
	return string(signed)
}

// resources is what the process has used so far.
type resources struct {
	cpu    time.Duration // user + system
	faults int64         // minor + major page faults
	gcs    uint32        // completed collections
}

func usage(b *testing.B) resources {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return resources{
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		faults: ru.Minflt + ru.Majflt,
		gcs:    ms.NumGC,
	}
}

func (r resources) minus(o resources) resources {
	return resources{cpu: r.cpu - o.cpu, faults: r.faults - o.faults, gcs: r.gcs - o.gcs}
}
