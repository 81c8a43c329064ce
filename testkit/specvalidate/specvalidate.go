// Package specvalidate checks HTTP responses against an OpenAPI document,
// for tests: an http.RoundTripper that validates every response the client
// receives (status declared, headers, content type, body schema) and that
// every error answer is a complete RFC 9457 problem document. Test-support
// only: import it from _test.go files.
package specvalidate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// DefineFormats makes kin-openapi check the string formats Prana's specs
// use that it does not check by itself. The registry is global: call it
// once, from TestMain.
func DefineFormats() {
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
}

var routerCache sync.Map // spec path → func() (routers.Router, error)

// router loads and checks the spec at path once per process.
func router(path string) (routers.Router, error) {
	load, _ := routerCache.LoadOrStore(path, sync.OnceValues(func() (routers.Router, error) {
		// The specs $ref api/common.yaml next to them.
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", path, err)
		}
		// Servers would make the router match only the example host.
		doc.Servers = nil
		return legacy.NewRouter(doc) // validates the document too
	}))
	return load.(func() (routers.Router, error))()
}

// Transport validates every response it carries. Failures go to Report
// (the owning test's Errorf), so no response escapes validation.
type Transport struct {
	Report func(format string, args ...any)
	spec   string
	router routers.Router
	next   http.RoundTripper
}

// NewTransport validates against the spec at specPath and reports to t.
func NewTransport(t testing.TB, specPath string) *Transport {
	t.Helper()
	r, err := router(specPath)
	if err != nil {
		t.Fatal(err)
	}
	return &Transport{Report: t.Errorf, spec: specPath, router: r, next: http.DefaultTransport.(*http.Transport).Clone()}
}

// RoundTrip sends req and validates the response.
func (v *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	where := req.Method + " " + req.URL.Path
	if resp.Header.Get("X-Request-ID") == "" {
		v.Report("%s: %d without X-Request-ID", where, resp.StatusCode)
	}
	route, params, routeErr := v.router.FindRoute(req)
	if resp.StatusCode >= 400 && (routeErr != nil || declaresProblem(route, resp.StatusCode)) {
		if err := CheckProblem(resp, body); err != nil {
			v.Report("%s: %d is not a proper problem document: %v\n%s", where, resp.StatusCode, err, body)
		}
	}
	if routeErr != nil {
		// Not an operation of the spec (404, 405, OPTIONS, /metrics,
		// /docs…): the problem check above is all there is to check.
		return resp, nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.WithoutCancel(req.Context()), in); err != nil {
		v.Report("%s: response %d does not match %s: %v\nbody: %s", where, resp.StatusCode, v.spec, err, clip(body))
	}
	return resp, nil
}

// CloseIdleConnections lets a test end without keep-alive connections to
// the service it stopped.
func (v *Transport) CloseIdleConnections() {
	if c, ok := v.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// declaresProblem reports whether the spec answers status on route with a
// problem document. Only /readyz's 503 is not one: probes read its Health
// body. An undeclared status is left to ValidateResponse to reject.
func declaresProblem(route *routers.Route, status int) bool {
	r := route.Operation.Responses.Status(status)
	if r == nil || r.Value == nil {
		return true
	}
	return r.Value.Content.Get("application/problem+json") != nil
}

// clip keeps reports readable when the body is a PDF.
func clip(b []byte) []byte {
	if len(b) > 512 {
		return b[:512]
	}
	return b
}
