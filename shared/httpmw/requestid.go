package httpmw

import (
	"net/http"

	"prana/shared/requestid"
)

// RequestID gives every request an id, the caller's X-Request-ID when it is
// Valid and a fresh one otherwise, echoes it in the response and stores it in
// the request context (requestid.FromContext).
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestid.Header)
		if !requestid.Valid(id) {
			id = requestid.New()
		}
		w.Header().Set(requestid.Header, id)
		next.ServeHTTP(w, r.WithContext(requestid.NewContext(r.Context(), id)))
	})
}
