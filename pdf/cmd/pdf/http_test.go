package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"prana/pdf/pdfclient"
	"prana/shared/apimodels"
	"prana/testkit/pdftest"
)

// download calls GET /api/pdf/download with the given Authorization header
// and If-None-Match ("" for none).
func (s *service) download(t *testing.T, authorization, ifNoneMatch string) *pdfclient.DownloadPdfResponse {
	t.Helper()
	params := &pdfclient.DownloadPdfParams{}
	if ifNoneMatch != "" {
		params.IfNoneMatch = &ifNoneMatch
	}
	resp, err := s.client.DownloadPdfWithResponse(context.Background(), params, bearer(authorization))
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	return resp
}

// mustDownload downloads the PDF and checks the headers every 200 carries.
func (s *service) mustDownload(t *testing.T, authorization, ifNoneMatch string, u user) (doc []byte, etag string) {
	t.Helper()
	resp := s.download(t, authorization, ifNoneMatch)
	if resp.StatusCode() != http.StatusOK {
		t.Fatalf("download: status %d, body %s", resp.StatusCode(), resp.Body)
	}
	h := resp.HTTPResponse.Header
	if ct := h.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", ct)
	}
	if cd, want := h.Get("Content-Disposition"), `attachment; filename="profile_`+u.ID+`.pdf"`; cd != want {
		t.Errorf("Content-Disposition %q, want %q", cd, want)
	}
	if expose := h.Get("Access-Control-Expose-Headers"); !strings.Contains(expose, "Content-Disposition") {
		t.Errorf("Access-Control-Expose-Headers %q does not expose Content-Disposition", expose)
	}
	if !bytes.HasPrefix(resp.Body, []byte("%PDF-")) {
		t.Fatalf("body is not a PDF: %.40q", resp.Body)
	}
	etag = h.Get("ETag")
	if etag == "" {
		t.Error("no ETag")
	}
	return resp.Body, etag
}

func TestDownload(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	u := newUser()
	auth := "Bearer " + iss.token(t, u)

	doc, etag := s.mustDownload(t, auth, "", u)
	text := pdftest.Text(t, doc)
	for _, want := range []string{u.Name, u.Surname, u.Email, u.DateOfBirth, u.ID} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext lacks %q:\n%s", want, text)
		}
	}

	// The caller's copy is current: 304, no body, same tag.
	resp := s.download(t, auth, etag)
	if resp.StatusCode() != http.StatusNotModified {
		t.Fatalf("If-None-Match current: status %d, want 304", resp.StatusCode())
	}
	if len(resp.Body) != 0 {
		t.Errorf("304 with a %d-byte body", len(resp.Body))
	}
	if got := resp.HTTPResponse.Header.Get("ETag"); got != etag {
		t.Errorf("304 ETag %q, want %q", got, etag)
	}

	// A new token with another name: the old tag no longer matches.
	renamed := u
	renamed.Name = "Петро"
	doc2, etag2 := s.mustDownload(t, "Bearer "+iss.token(t, renamed), etag, renamed)
	if etag2 == etag {
		t.Errorf("changed profile kept ETag %s", etag)
	}
	if text := pdftest.Text(t, doc2); !strings.Contains(text, "Петро") {
		t.Errorf("pdftotext of the renamed profile lacks Петро:\n%s", text)
	}

	// A token for the original profile again: same tag as the first time.
	if _, again := s.mustDownload(t, "Bearer "+iss.token(t, u), "", u); again != etag {
		t.Errorf("ETag of the same profile changed: %s then %s", etag, again)
	}
}

// TestSeedModeHS256 runs the service as a drop-in for the seed: HS256 with
// the shared secret, tokens minted as the seed minted them.
func TestSeedModeHS256(t *testing.T) {
	t.Parallel()
	const secret = "seed-mode-secret-of-this-test-0123456789"
	s := newService(t, hs256(secret))
	u := newUser()
	u.Name, u.Surname = "Zoë", "Ñúñez"
	auth := "Bearer " + seedToken(t, secret, u)

	doc, _ := s.mustDownload(t, auth, "", u)
	if text := pdftest.Text(t, doc); !strings.Contains(text, "Zoë") || !strings.Contains(text, "Ñúñez") {
		t.Errorf("pdftotext lacks the accented name:\n%s", text)
	}
	up := s.upload(t, auth)
	if up.StatusCode() != http.StatusAccepted || up.JSON202 == nil {
		t.Fatalf("upload with a seed token: status %d, body %s", up.StatusCode(), up.Body)
	}
	if up.JSON202.UserId.String() != u.ID {
		t.Errorf("user_id %s, want %s", up.JSON202.UserId, u.ID)
	}
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	iss := newIssuer(t)
	s := newService(t, iss.configure)
	ctx := context.Background()
	u := newUser()
	s.mustDownload(t, "Bearer "+iss.token(t, u), "", u) // a request for /metrics to count

	t.Run("healthz", func(t *testing.T) {
		resp, err := s.client.GetHealthWithResponse(ctx)
		if err != nil || resp.StatusCode() != http.StatusOK || resp.JSON200 == nil || resp.JSON200.Status != apimodels.HealthStatusOk {
			t.Fatalf("healthz: %v %d %s", err, resp.StatusCode(), resp.Body)
		}
	})
	t.Run("readyz", func(t *testing.T) {
		resp, err := s.client.GetReadyWithResponse(ctx)
		if err != nil || resp.StatusCode() != http.StatusOK || resp.JSON200 == nil || resp.JSON200.Checks == nil {
			t.Fatalf("readyz: %v %d %s", err, resp.StatusCode(), resp.Body)
		}
		for _, name := range []string{"sqs", "s3", "token_keys"} {
			if got := (*resp.JSON200.Checks)[name]; got != "ok" {
				t.Errorf("check %s = %q, want ok", name, got)
			}
		}
	})
	t.Run("metrics", func(t *testing.T) {
		resp, body := s.do(t, http.MethodGet, "/metrics", nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("metrics: status %d", resp.StatusCode)
		}
		want := `http_requests_total{method="GET",route="/api/pdf/download",status="200"}`
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	})
	t.Run("openapi.json", func(t *testing.T) {
		resp, body := s.do(t, http.MethodGet, "/openapi.json", nil)
		var doc struct {
			OpenAPI string                     `json:"openapi"`
			Paths   map[string]json.RawMessage `json:"paths"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &doc) != nil {
			t.Fatalf("openapi.json: status %d, body %.200s", resp.StatusCode, body)
		}
		for _, p := range []string{"/api/pdf/download", "/api/pdf/upload-to-s3", "/api/pdf/jobs/{job_id}", "/healthz", "/readyz"} {
			if _, ok := doc.Paths[p]; !ok {
				t.Errorf("openapi.json has no path %s", p)
			}
		}
	})
	t.Run("docs", func(t *testing.T) {
		resp, body := s.do(t, http.MethodGet, "/docs/", nil)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("/docs/: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if !strings.Contains(strings.ToLower(string(body)), "swagger") {
			t.Errorf("/docs/ is not Swagger UI: %.200s", body)
		}
	})
	t.Run("unknown route", func(t *testing.T) {
		resp, body := s.do(t, http.MethodGet, "/api/pdf/nothing-here", nil)
		if p := problemOf(t, http.StatusNotFound, resp, body); p.Code != "not_found" {
			t.Errorf("404 code %q", p.Code)
		}
		resp, body = s.do(t, http.MethodDelete, "/api/pdf/download", nil)
		problemOf(t, http.StatusMethodNotAllowed, resp, body)
	})
	t.Run("CORS preflight", func(t *testing.T) {
		resp, _ := s.do(t, http.MethodOptions, "/api/pdf/upload-to-s3", http.Header{
			"Origin":                         {"http://app.example"},
			"Access-Control-Request-Method":  {"POST"},
			"Access-Control-Request-Headers": {"authorization"},
		})
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("preflight: status %d, want 204", resp.StatusCode)
		}
		if h := resp.Header.Get("Access-Control-Allow-Headers"); !strings.Contains(h, "Authorization") {
			t.Errorf("Access-Control-Allow-Headers %q lacks Authorization", h)
		}
		if o := resp.Header.Get("Access-Control-Allow-Origin"); o == "" {
			t.Error("no Access-Control-Allow-Origin")
		}
	})
	t.Run("CORS download", func(t *testing.T) {
		auth := "Bearer " + iss.token(t, u)
		resp, _ := s.do(t, http.MethodGet, "/api/pdf/download", http.Header{"Origin": {"http://app.example"}, "Authorization": {auth}})
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") == "" {
			t.Fatalf("cross-origin download: status %d, allow-origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
		}
		if h := resp.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(h, "Content-Disposition") || !strings.Contains(h, "ETag") {
			t.Errorf("Access-Control-Expose-Headers %q", h)
		}
	})
}
