package main

import (
	"net/http"
	"testing"

	"prana/testkit/specvalidate"
)

// specPath is the contract every response is checked against.
const specPath = "../../../api/pdf.yaml"

// newValidatingTransport checks every response against api/pdf.yaml. (The
// download needs no body decoder: kin-openapi reads a schema of
// `type: string, format: binary` as a file, whatever the media type.)
func newValidatingTransport(t *testing.T) *specvalidate.Transport {
	t.Helper()
	return specvalidate.NewTransport(t, specPath)
}

// problemOf decodes a problem document and checks its status.
func problemOf(t *testing.T, status int, resp *http.Response, body []byte) specvalidate.Problem {
	t.Helper()
	return specvalidate.DecodeProblem(t, status, resp, body)
}
