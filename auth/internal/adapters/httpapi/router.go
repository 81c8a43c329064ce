package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"prana/auth/internal/app"
	"prana/shared/apidocs"
	"prana/shared/bearer"
	"prana/shared/httpmw"
	"prana/shared/problem"
	"prana/shared/requestid"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Deps is what the HTTP adapter needs from main.
type Deps struct {
	Service  *app.Service
	Verifier bearer.Verifier
	Keys     jwk.Set
	// Ready names the dependency checks behind /readyz.
	Ready    map[string]func(context.Context) error
	Registry *prometheus.Registry
	Log      *slog.Logger
}

// NewHandler builds the whole HTTP surface of the auth service.
func NewHandler(d Deps) (http.Handler, error) {
	spec, err := GetSwagger()
	if err != nil {
		return nil, fmt.Errorf("load spec: %w", err)
	}
	r := chi.NewRouter()
	r.Use(requestid.Middleware, httpmw.AccessLog(d.Log), httpmw.Recover(d.Log),
		httpmw.NewMetrics(d.Registry).Middleware, withClientIP, httpmw.JSONBody(MaxBody))
	r.NotFound(problem.NotFound)
	r.MethodNotAllowed(problem.MethodNotAllowed)

	auth := bearer.New(spec, d.Verifier)
	srv := &Server{svc: d.Service, keys: d.Keys, readyFns: d.Ready}
	strict := NewStrictHandlerWithOptions(srv, []StrictMiddlewareFunc{authenticate(auth)}, StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpmw.RequestError(d.Log),
		ResponseErrorHandlerFunc: responseError(d.Log),
	})
	HandlerWithOptions(strict, ChiServerOptions{
		BaseRouter:       r,
		ErrorHandlerFunc: httpmw.RequestError(d.Log),
	})
	r.Handle("/metrics", promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{}))
	if err := apidocs.Mount(r, spec, "Prana auth service"); err != nil {
		return nil, err
	}
	return r, nil
}

// authenticate adapts the shared bearer check to this package's generated
// middleware type.
func authenticate(a *bearer.Authenticator) StrictMiddlewareFunc {
	return func(next StrictHandlerFunc, op string) StrictHandlerFunc {
		if !a.Secured(op) {
			return next
		}
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
			ctx, ok := a.Authenticate(ctx, w, r)
			if !ok {
				return nil, nil
			}
			return next(ctx, w, r, req)
		}
	}
}

type clientIPKey struct{}

// withClientIP records the peer address for per-IP rate limits.
// X-Forwarded-For is not trusted: anyone can set it.
func withClientIP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			ip = r.RemoteAddr
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientIPKey{}, ip)))
	})
}

func clientIP(ctx context.Context) string {
	ip, _ := ctx.Value(clientIPKey{}).(string)
	return ip
}

// runChecks runs every readiness check with a short deadline, so /readyz
// answers promptly even when a dependency hangs.
func runChecks(ctx context.Context, fns map[string]func(context.Context) error) (map[string]string, bool) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out, ok := map[string]string{}, true
	for name, fn := range fns {
		if err := fn(ctx); err != nil {
			out[name], ok = "unavailable", false
			continue
		}
		out[name] = "ok"
	}
	return out, ok
}
