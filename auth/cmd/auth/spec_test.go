package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

// specPath is the contract every response is checked against.
const specPath = "../../../api/auth.yaml"

// defineFormats makes kin-openapi check the formats the spec uses that it
// does not know by itself. Called once from TestMain: the registry is
// global.
func defineFormats() {
	openapi3.DefineStringFormatValidator("email", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
}

// specRouter loads api/auth.yaml once.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", specPath, err)
	}
	// Servers would make the router match only localhost:8001.
	doc.Servers = nil
	return legacy.NewRouter(doc) // validates the document too
})

// validatingTransport checks every response: against api/auth.yaml for the
// spec's operations (status declared, headers, content type and body
// schema), and, for every error answer on any route, that it is a complete
// problem document. Failures are reported on the test that owns the
// service, so no response escapes validation.
type validatingTransport struct {
	report func(format string, args ...any) // t.Errorf of the owning test
	router routers.Router
	next   http.RoundTripper
}

func newValidatingTransport(t *testing.T) *validatingTransport {
	t.Helper()
	r, err := specRouter()
	if err != nil {
		t.Fatal(err)
	}
	return &validatingTransport{report: t.Errorf, router: r, next: http.DefaultTransport.(*http.Transport).Clone()}
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
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
		v.report("%s: %d without X-Request-ID", where, resp.StatusCode)
	}
	route, params, routeErr := v.router.FindRoute(req)
	if resp.StatusCode >= 400 && (routeErr != nil || declaresProblem(route, resp.StatusCode)) {
		if err := checkProblem(resp, body); err != nil {
			v.report("%s: %d is not a proper problem document: %v\n%s", where, resp.StatusCode, err, body)
		}
	}
	if routeErr != nil {
		// Not an operation of the spec (404, 405, /metrics, /docs…): the
		// problem check above is all there is to check.
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
		v.report("%s: response %d does not match %s: %v\nbody: %s", where, resp.StatusCode, specPath, err, body)
	}
	return resp, nil
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

// problemDoc is an RFC 9457 problem document as Prana writes it.
type problemDoc struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id"`
	Code      string `json:"code"`
	Errors    []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// checkProblem checks what every error answer must carry, on any route.
func checkProblem(resp *http.Response, body []byte) error {
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		return fmt.Errorf("content type %q", ct)
	}
	var p problemDoc
	if err := json.Unmarshal(body, &p); err != nil {
		return err
	}
	var errs []error
	for name, v := range map[string]string{"type": p.Type, "title": p.Title, "detail": p.Detail, "request_id": p.RequestID} {
		if v == "" {
			errs = append(errs, fmt.Errorf("%s is empty", name))
		}
	}
	if p.Status != resp.StatusCode {
		errs = append(errs, fmt.Errorf("status %d in a %d answer", p.Status, resp.StatusCode))
	}
	if id := resp.Header.Get("X-Request-ID"); p.RequestID != id {
		errs = append(errs, fmt.Errorf("request_id %q but X-Request-ID %q", p.RequestID, id))
	}
	return errors.Join(errs...)
}

// problemOf decodes a problem document and checks its status.
func problemOf(t *testing.T, status int, resp *http.Response, body []byte) problemDoc {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, body)
	}
	var p problemDoc
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem document: %v\n%s", err, body)
	}
	return p
}

// fieldsOf lists the fields a 422 names.
func fieldsOf(p problemDoc) map[string]bool {
	out := map[string]bool{}
	for _, e := range p.Errors {
		out[e.Field] = true
	}
	return out
}
