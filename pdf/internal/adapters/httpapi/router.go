package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"prana/pdf/internal/app"
	"prana/shared/apidocs"
	"prana/shared/bearer"
	"prana/shared/health"
	"prana/shared/httpmw"
)

// Deps is what the HTTP adapter needs from main.
type Deps struct {
	API      *app.API
	Verifier bearer.Verifier
	Ready    health.Checks
	Registry *prometheus.Registry
	Log      *slog.Logger
}

// NewHandler builds the whole HTTP surface of the pdf service.
func NewHandler(d Deps) (http.Handler, error) {
	auth, err := bearer.New(specJSON, d.Verifier)
	if err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	r := httpmw.NewRouter(d.Log, d.Registry, apiCORS)
	strict := NewStrictHandlerWithOptions(&Server{svc: d.API, ready: d.Ready},
		[]StrictMiddlewareFunc{StrictMiddlewareFunc(bearer.Middleware[StrictHandlerFunc](auth))},
		StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  auth.First(httpmw.RequestError(d.Log)),
			ResponseErrorHandlerFunc: httpmw.ResponseError(d.Log, problemFor(d.Log)),
		})
	// The token is checked before a bad path parameter is reported.
	HandlerWithOptions(strict, ChiServerOptions{BaseRouter: r, ErrorHandlerFunc: auth.First(httpmw.RequestError(d.Log))})
	if err := apidocs.Mount(r, specJSON, "Prana pdf service"); err != nil {
		return nil, err
	}
	return r, nil
}

// apiCORS lets browser apps on other origins call the API and read its
// document, and nothing else: the operations endpoints (/healthz, /readyz,
// /metrics) are for probes and scrapers, and no web page has any business
// reading them.
func apiCORS(next http.Handler) http.Handler {
	cors := httpmw.CORS(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/openapi.json" {
			cors.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}
