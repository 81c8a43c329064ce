package servetest

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestDoReturnsTheStatusAndTheWholeBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(r.Method + " " + r.URL.Path))
	}))
	defer srv.Close()
	req := httptest.NewRequest(http.MethodPost, srv.URL+"/brew", nil)
	req.RequestURI = ""
	resp, body := Do(t, srv.Client(), req)
	if resp.StatusCode != http.StatusTeapot || string(body) != "POST /brew" {
		t.Errorf("got %d %q, want 418 %q", resp.StatusCode, body, "POST /brew")
	}
}
