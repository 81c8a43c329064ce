package httpmw

import (
	"log/slog"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"prana/shared/problem"
)

// NewRouter returns a chi router with the middleware every Prana service
// runs (security headers, request id, access log, panic recovery, metrics)
// plus problem+json answers for unknown routes and methods, and /metrics
// served from reg. extra middleware runs after the common ones (chi wants
// all middleware declared before the first route).
func NewRouter(log *slog.Logger, reg *prometheus.Registry, extra ...func(http.Handler) http.Handler) chi.Router {
	r := chi.NewRouter()
	// Metrics sits outside Recover so that requests that panicked are
	// counted (as the 500s they became).
	r.Use(SecurityHeaders, RequestID, AccessLog(log), NewMetrics(reg).Middleware, Recover(log))
	r.Use(extra...)
	r.NotFound(problem.NotFound)
	r.MethodNotAllowed(problem.MethodNotAllowed)
	r.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return r
}
