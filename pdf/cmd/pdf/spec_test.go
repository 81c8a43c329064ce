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
const specPath = "../../../api/pdf.yaml"

// defineFormats teaches kin-openapi the formats the spec uses that it does
// not check by itself. Called once from TestMain: the registry is global.
// (The download needs no body decoder: kin-openapi reads a schema of
// `type: string, format: binary` as a file, whatever the media type.)
func defineFormats() {
	openapi3.DefineStringFormatValidator("uuid", openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForUUIDOfRFC9562))
}

// specRouter loads api/pdf.yaml once.
var specRouter = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", specPath, err)
	}
	// Servers would make the router match only localhost:8002.
	doc.Servers = nil
	return legacy.NewRouter(doc) // validates the document too
})

// validatingTransport checks every response: against api/pdf.yaml for the
// spec's operations (status declared, headers, content type, body schema),
// and, for every error answer on any route, that it is a complete problem
// document. Failures are reported on the test that owns the client.
type validatingTransport struct {
	t      *testing.T
	router routers.Router
	next   http.RoundTripper
}

func newValidatingTransport(t *testing.T) *validatingTransport {
	t.Helper()
	r, err := specRouter()
	if err != nil {
		t.Fatal(err)
	}
	return &validatingTransport{t: t, router: r, next: http.DefaultTransport.(*http.Transport).Clone()}
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
		v.t.Errorf("%s: %d without X-Request-ID", where, resp.StatusCode)
	}
	// /readyz answers 503 with its Health document, as the spec says.
	if resp.StatusCode >= 400 && req.URL.Path != "/readyz" {
		if err := checkProblem(resp, body); err != nil {
			v.t.Errorf("%s: %d is not a proper problem document: %v\n%s", where, resp.StatusCode, err, body)
		}
	}
	route, params, err := v.router.FindRoute(req)
	if err != nil {
		// Not an operation of the spec (404, OPTIONS, /metrics, /docs…):
		// the problem check above is all there is to check.
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
		shown := body
		if len(shown) > 512 {
			shown = shown[:512]
		}
		v.t.Errorf("%s: response %d does not match %s: %v\nbody: %s", where, resp.StatusCode, specPath, err, shown)
	}
	return resp, nil
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

// problemOf decodes a problem document after checking the status.
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
