package httpmw

import "net/http"

// SecurityHeaders sets the headers every answer of a Prana service carries:
// nosniff, so that a browser never treats a JSON or PDF body as a script or
// a page, and Cache-Control: no-store unless the handler says otherwise
// (the JWKS, the spec and the docs do), because most answers hold tokens or
// personal data that no cache, shared or the browser's, should keep. Go's
// server sends no Server banner and nothing here adds one.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
