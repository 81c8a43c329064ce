package httpmw

import "net/http"

// ExposedHeaders are the response headers a browser app on another origin
// may read.
const ExposedHeaders = "Content-Disposition, ETag, Location, Retry-After, X-Request-ID"

// CORS lets browser apps on other origins call the API, as the seed did.
// Tokens travel in the Authorization header, never in cookies, so any
// origin may be allowed; the download's Content-Disposition is exposed so
// a browser app can read the file name.
func CORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.Header.Get("Origin") != "" {
			h.Set("Access-Control-Allow-Origin", "*")
			h.Set("Access-Control-Expose-Headers", ExposedHeaders)
		}
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, If-None-Match, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
