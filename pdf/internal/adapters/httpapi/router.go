package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"prana/pdf/internal/app"
	"prana/shared/apidocs"
	"prana/shared/bearer"
	"prana/shared/health"
	"prana/shared/httpmw"
)

// Deps is what the HTTP adapter needs from main.
type Deps struct {
	Service  *app.Service
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
	r := httpmw.NewRouter(d.Log, d.Registry, httpmw.CORS)
	strict := NewStrictHandlerWithOptions(&Server{svc: d.Service, ready: d.Ready},
		[]StrictMiddlewareFunc{StrictMiddlewareFunc(bearer.Middleware[StrictHandlerFunc](auth))},
		StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  auth.First(httpmw.RequestError(d.Log)),
			ResponseErrorHandlerFunc: responseError(d.Log),
		})
	// The token is checked before a bad path parameter is reported.
	HandlerWithOptions(strict, ChiServerOptions{BaseRouter: r, ErrorHandlerFunc: auth.First(httpmw.RequestError(d.Log))})
	if err := apidocs.Mount(r, specJSON, "Prana pdf service"); err != nil {
		return nil, err
	}
	return r, nil
}
