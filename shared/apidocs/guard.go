package apidocs

import (
	"net/http"

	"prana/shared/problem"
)

// frameAncestors forbids framing the docs page: a page that frames it
// could dress "Try it out" up as something else (clickjacking). The page
// itself loads only its own embedded assets, so nothing else is restricted.
const frameAncestors = "frame-ancestors 'none'"

// guard sends the docs' Content-Security-Policy and turns the UI
// handler's plain-text 404 for a missing asset into problem+json, like
// every other 404 of the service.
func guard(ui http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", frameAncestors)
		nf := &notFoundWriter{ResponseWriter: w, r: r}
		ui.ServeHTTP(nf, r)
	})
}

// notFoundWriter answers a 404 with problem.NotFound and drops the body the
// wrapped handler writes after it.
type notFoundWriter struct {
	http.ResponseWriter
	r        *http.Request
	notFound bool
}

func (w *notFoundWriter) WriteHeader(status int) {
	if status != http.StatusNotFound {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.notFound = true
	// The file server set text/plain and may have set other headers for
	// its own body; the problem writer sets what it needs.
	w.Header().Del("Content-Type")
	w.Header().Del("Content-Length")
	problem.NotFound(w.ResponseWriter, w.r)
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if w.notFound {
		return len(b), nil // the text body of the 404, replaced
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *notFoundWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
