// Package problem writes RFC 9457 problem documents
// (application/problem+json). Every error answer of both services goes
// through here, so they all carry the same fields and a request id.
package problem

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"prana/shared/apicommon"
	"prana/shared/requestid"
)

// ContentType is the media type of a problem document.
const ContentType = "application/problem+json"

// FieldError names one invalid input field.
type FieldError = apicommon.FieldError

// Problem is an RFC 9457 problem document plus Prana's extensions. Its
// fields on the wire are api/common.yaml's Problem, generated once into
// apicommon; what is added here is what goes into headers.
type Problem struct {
	apicommon.Problem

	// RetryAfter, when set, is sent as the Retry-After header.
	RetryAfter time.Duration `json:"-"`
	// Header holds extra response headers (e.g. WWW-Authenticate).
	Header http.Header `json:"-"`
}

// New returns a problem with the given status, a stable code and a detail
// that is safe to show to the caller.
func New(status int, code, detail string) *Problem {
	return &Problem{Problem: apicommon.Problem{
		Type:   "urn:prana:problem:" + code,
		Title:  http.StatusText(status),
		Status: status,
		Detail: detail,
		Code:   code,
	}}
}

// Write sends p as the response to r.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	p.RequestId = requestid.FromContext(r.Context())
	if p.Instance == "" {
		p.Instance = r.URL.Path
	}
	h := w.Header()
	for k, vs := range p.Header {
		h[k] = vs
	}
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(retrySeconds(p.RetryAfter)))
	}
	h.Set("Content-Type", ContentType)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// retrySeconds rounds up: Retry-After: 0 would invite an immediate retry.
func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
