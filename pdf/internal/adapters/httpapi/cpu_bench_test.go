package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"prana/testkit/rendergc"
)

// BenchmarkDownloadUncachedCPU measures in process what make bench's "pdf
// service CPU time per uncached download" row measures: fifty requests in
// flight, a different user each, the cache off, the renders queued one per
// core, the collector set as the service sets it. Beside the wall time it
// reports the process's CPU time per request (user and system, every
// goroutine: the collector and the scavenger too), which bounds the rate
// on these cores, and two counts that the machine's other load does not
// blur: page faults and collections per request.
func BenchmarkDownloadUncachedCPU(b *testing.B) {
	rendergc.Set(b)
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
	h, v := downloadStack(b, hs256Bench, true, 0)
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = benchToken(b, i, hs256Key)
		if _, err := v.Verify(context.Background(), tokens[i]); err != nil {
			b.Fatal(err)
		}
	}
	return h, tokens
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
