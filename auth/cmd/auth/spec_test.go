package main

import (
	"net/http"
	"testing"

	"prana/testkit/specvalidate"
)

// specPath is the contract every response is checked against.
const specPath = "../../../api/auth.yaml"

// newValidatingTransport checks every response against api/auth.yaml.
func newValidatingTransport(t *testing.T) *specvalidate.Transport {
	t.Helper()
	return specvalidate.NewTransport(t, specPath)
}

// problemDoc is an RFC 9457 problem document as Prana writes it.
type problemDoc = specvalidate.Problem

// problemOf decodes a problem document and checks its status.
func problemOf(t *testing.T, status int, resp *http.Response, body []byte) problemDoc {
	t.Helper()
	return specvalidate.DecodeProblem(t, status, resp, body)
}

// fieldsOf lists the fields a 422 names.
func fieldsOf(p problemDoc) map[string]bool {
	out := map[string]bool{}
	for _, e := range p.Errors {
		out[e.Field] = true
	}
	return out
}
