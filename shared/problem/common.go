package problem

import "net/http"

// Handlers for what the router answers by itself, so that 404 and 405 are
// problem documents too.

// NotFound answers 404.
func NotFound(w http.ResponseWriter, r *http.Request) {
	Write(w, r, New(http.StatusNotFound, "not_found", "No resource at "+r.URL.Path+"."))
}

// MethodNotAllowed answers 405.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	Write(w, r, New(http.StatusMethodNotAllowed, "method_not_allowed",
		"Method "+r.Method+" is not allowed on "+r.URL.Path+"."))
}

// Internal answers 500 without revealing anything: the request id in the
// document finds the details in the log.
func Internal(w http.ResponseWriter, r *http.Request) {
	Write(w, r, New(http.StatusInternalServerError, "internal_error",
		"Something went wrong on our side. Quote the request id when reporting it."))
}

// StatusClientClosed is what a request whose client went away is recorded
// with (nginx's convention): nobody reads the answer, and counting it as a
// 500 would page someone for a client's timeout.
const StatusClientClosed = 499

// ClientGone reports whether r's client has disconnected, and if so records
// the request as such.
func ClientGone(w http.ResponseWriter, r *http.Request) bool {
	if r.Context().Err() == nil {
		return false
	}
	w.WriteHeader(StatusClientClosed)
	return true
}
