package httpmw

import (
	"log/slog"
	"net/http"
	"runtime/debug"

	"prana/shared/problem"
	"prana/shared/requestid"
)

// Recover turns a panic into a 500 problem document and logs the stack; the
// client learns nothing of the cause.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				v := recover()
				if v == nil {
					return
				}
				if v == http.ErrAbortHandler {
					panic(v)
				}
				log.ErrorContext(r.Context(), "panic serving request",
					"request_id", requestid.FromContext(r.Context()),
					"panic", v, "stack", string(debug.Stack()))
				problem.Internal(w, r)
			}()
			next.ServeHTTP(w, r)
		})
	}
}
