package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/lestrrat-go/jwx/v2/jwk"
	"github.com/prometheus/client_golang/prometheus"

	"prana/auth/internal/app"
	"prana/shared/apidocs"
	"prana/shared/bearer"
	"prana/shared/clientip"
	"prana/shared/health"
	"prana/shared/httpmw"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Deps is what the HTTP adapter needs from main.
type Deps struct {
	Service  *app.Service
	Verifier bearer.Verifier
	// Keys is the JWKS to publish, asked for on each request (keys rotate).
	Keys func() jwk.Set
	// JWKSMaxAge is how long verifiers may cache the JWKS.
	JWKSMaxAge time.Duration
	// Ready names the dependency checks behind /readyz.
	Ready    health.Checks
	Registry *prometheus.Registry
	Log      *slog.Logger
	// ClientIP finds the client behind trusted proxies, for rate limits.
	ClientIP clientip.Resolver
}

// NewHandler builds the whole HTTP surface of the auth service.
func NewHandler(d Deps) (http.Handler, error) {
	auth, err := bearer.New(specJSON, d.Verifier)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	r := httpmw.NewRouter(d.Log, d.Registry, withClient(d.ClientIP))

	srv := &Server{svc: d.Service, keys: d.Keys, jwksCache: jwksCacheControl(d.JWKSMaxAge), ready: d.Ready}
	strict := NewStrictHandlerWithOptions(srv, []StrictMiddlewareFunc{StrictMiddlewareFunc(bearer.Middleware[StrictHandlerFunc](auth))}, StrictHTTPServerOptions{
		RequestErrorHandlerFunc:  httpmw.RequestError(d.Log),
		ResponseErrorHandlerFunc: httpmw.ResponseError(d.Log, problemFor),
	})
	HandlerWithOptions(strict, ChiServerOptions{
		BaseRouter:       r,
		ErrorHandlerFunc: httpmw.RequestError(d.Log),
		// Per route, after routing, so that 413s and 415s are counted
		// under their route in the metrics.
		Middlewares: []MiddlewareFunc{httpmw.JSONBody(MaxBody)},
	})
	if err := apidocs.Mount(r, specJSON, "Prana auth service"); err != nil {
		return nil, err
	}
	return r, nil
}

type clientKey struct{}

// withClient records where each request comes from, for the rate limits:
// the peer, or the client a trusted proxy names.
func withClient(res clientip.Resolver) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			a := res.Addr(r)
			c := app.Client{Key: clientip.Key(a), Range: clientip.RangeKey(a)}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
		})
	}
}

func client(ctx context.Context) app.Client {
	c, _ := ctx.Value(clientKey{}).(app.Client)
	return c
}

// clientIP keys the per-client limits.
func clientIP(ctx context.Context) string { return client(ctx).Key }
