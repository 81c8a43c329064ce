package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"prana/pdf/internal/config"
	"prana/testkit/awstest"
)

// With METRICS_ADDR the worker serves /metrics there, with the count of
// characters no font could draw that the pdf service exports too.
func TestWorkerMetricsAddr(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	startWorker(t, func(c *config.Config) { c.MetricsAddr = addr })

	var text string
	awstest.Eventually(t, 15*time.Second, "the worker's /metrics", func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		text = string(b)
		return resp.StatusCode == http.StatusOK
	})
	for _, want := range []string{"go_goroutines", "pdf_replaced_characters_total 0"} {
		if !strings.Contains(text, want) {
			t.Errorf("worker /metrics lacks %q:\n%.2000s", want, text)
		}
	}
}
