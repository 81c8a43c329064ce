package main

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"prana/shared/metricsserver"
)

// serveMetrics starts the worker's /metrics listener at addr (METRICS_ADDR)
// and returns the registry to count into; with addr empty, a nil registry
// and nothing served.
func serveMetrics(addr string, log *slog.Logger) (*prometheus.Registry, func(), error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	stop, err := metricsserver.Serve(addr, reg, log)
	if err != nil {
		return nil, nil, err
	}
	return reg, stop, nil
}

// replacedCounter is the count of characters no font could draw, as the pdf
// service exports it; nil without a registry.
func replacedCounter(reg *prometheus.Registry) prometheus.Counter {
	if reg == nil {
		return nil
	}
	c := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "pdf_replaced_characters_total",
		Help: "Characters drawn as '?' in rendered PDFs because no font has them.",
	})
	reg.MustRegister(c)
	return c
}
