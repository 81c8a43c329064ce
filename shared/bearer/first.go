package bearer

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// First wraps the handler of request errors (a path parameter that does not
// parse, and the like) so that on a secured route the token is checked
// before it: a caller without a valid token learns 401 and nothing about
// which paths or parameters the API takes. The generated router parses path
// parameters before any strict middleware runs, so without this a request
// to /api/pdf/jobs/zzz with no token got 400.
func (a *Authenticator) First(onError func(http.ResponseWriter, *http.Request, error)) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if rc := chi.RouteContext(r.Context()); rc != nil && a.routes[r.Method+" "+rc.RoutePattern()] {
			if _, ok := a.Authenticate(r.Context(), w, r); !ok {
				return
			}
		}
		onError(w, r, err)
	}
}
