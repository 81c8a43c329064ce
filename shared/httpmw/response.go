package httpmw

import (
	"log/slog"
	"net/http"

	"prana/shared/problem"
	"prana/shared/requestid"
)

// ResponseError is the strict server's error handler that every service
// shares. problemFor maps the errors a service knows to their problem
// documents and returns nil for the rest: those are a 500 whose cause goes to
// the log only, never to the client. A client that has gone gets nothing.
func ResponseError(log *slog.Logger, problemFor func(*http.Request, error) *problem.Problem) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if problem.ClientGone(w, r) {
			return
		}
		p := problemFor(r, err)
		if p == nil {
			log.ErrorContext(r.Context(), "request failed",
				"request_id", requestid.FromContext(r.Context()), "err", err)
			problem.Internal(w, r)
			return
		}
		problem.Write(w, r, p)
	}
}
