package httpmw

import (
	"mime"
	"net/http"
	"strconv"

	"prana/shared/problem"
)

// JSONBody enforces the body rules of a JSON API: a request that carries a
// body must declare a JSON content type (415 otherwise) and be at most
// limit bytes (413; a declared Content-Length is refused before reading, a
// longer stream is cut by http.MaxBytesReader and reported by the decoder).
func JSONBody(limit int64) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !hasBody(r) {
				next.ServeHTTP(w, r)
				return
			}
			if r.ContentLength > limit {
				problem.Write(w, r, TooLarge(limit))
				return
			}
			if !isJSON(r.Header.Get("Content-Type")) {
				problem.Write(w, r, problem.New(http.StatusUnsupportedMediaType, "unsupported_media_type",
					"Send the body as application/json."))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			next.ServeHTTP(w, r)
		})
	}
}

// TooLarge is the 413 problem for a body over limit bytes.
func TooLarge(limit int64) *problem.Problem {
	return problem.New(http.StatusRequestEntityTooLarge, "body_too_large",
		"The request body must be at most "+strconv.FormatInt(limit/1024, 10)+" KiB.")
}

func hasBody(r *http.Request) bool {
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		return true
	}
	return r.ContentLength > 0
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (len(mt) > 5 && mt[len(mt)-5:] == "+json")
}
