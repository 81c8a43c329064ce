// Package requestid carries the id of the request some work is done for:
// the caller's X-Request-ID when it is sane, a fresh one otherwise. The id is
// echoed in the response header, put in every log line and in every problem
// document, and travels with queued jobs, so a user's report can be matched
// to the logs. It knows nothing of HTTP (httpmw.RequestID assigns the id to
// each request), so use cases may read it.
package requestid

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

// Header is the request and response header carrying the id.
const Header = "X-Request-ID"

type ctxKey struct{}

// NewContext returns ctx carrying id, for work done on behalf of a request
// outside it (a queued job in the worker). An id that is not Valid is
// dropped.
func NewContext(ctx context.Context, id string) context.Context {
	if !Valid(id) {
		return ctx
	}
	return context.WithValue(ctx, ctxKey{}, id)
}

// FromContext returns the request id, or "" outside a request.
func FromContext(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Valid keeps caller-chosen ids short and printable so they cannot inject
// into logs or headers.
func Valid(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if c < 0x21 || c > 0x7e {
			return false
		}
	}
	return true
}

// New returns a fresh random id.
func New() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
