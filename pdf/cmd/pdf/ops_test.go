package main

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"prana/pdf/internal/adapters/awstest"
	"prana/pdf/internal/config"
	"prana/shared/health"
)

// 500 anonymous /readyz probes cost a handful of AWS calls, not two each:
// the checks' results are reused for health.CacheTTL.
func TestReadyzFloodMakesFewAWSCalls(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	sw := awstest.NewSwitch(t)
	s := newService(t, iss.configure, func(c *config.Config) { c.AWSEndpointURL = sw.URL })
	awstest.Eventually(t, 15*time.Second, "ready", func() bool {
		r, _ := s.do(t, http.MethodGet, "/readyz", nil)
		return r.StatusCode == http.StatusOK
	})
	calls := func() int { return sw.Count("HEAD") + sw.Count("GetQueueAttributes") }
	before, start := calls(), time.Now()

	const probes, parallel = 500, 10
	var wg sync.WaitGroup
	for range parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range probes / parallel {
				if r, _ := s.do(t, http.MethodGet, "/readyz", nil); r.StatusCode != http.StatusOK {
					t.Errorf("/readyz: %d", r.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	made, took := calls()-before, time.Since(start)
	// Two checks (HeadBucket, GetQueueAttributes), each at most once per
	// second of the flood, plus one each for the second it began in.
	limit := 2 * (int(took/time.Second) + 2)
	t.Logf("%d probes in %s made %d AWS calls (limit %d)", probes, took.Round(time.Millisecond), made, limit)
	if made > limit {
		t.Errorf("%d probes made %d AWS calls in %s, want at most %d", probes, made, took.Round(time.Millisecond), limit)
	}
	// The results do age: a probe after the cache's lifetime asks AWS again.
	time.Sleep(health.CacheTTL + 100*time.Millisecond)
	before = calls()
	s.do(t, http.MethodGet, "/readyz", nil)
	if n := calls() - before; n != 2 {
		t.Errorf("a probe after the cache aged made %d AWS calls, want 2", n)
	}
}
