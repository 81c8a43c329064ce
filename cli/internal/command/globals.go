package command

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"

	"prana/auth/authclient"
	"prana/cli/internal/failure"
	"prana/pdf/pdfclient"
)

// Where the services answer under `make run`.
const (
	defaultAuthURL = "http://localhost:8001"
	defaultPDFURL  = "http://localhost:8002"
)

// globalFlags are the names of the flags every command takes.
var globalFlags = map[string]bool{"auth-url": true, "pdf-url": true, "json": true}

// globals are the flags every command takes.
type globals struct {
	authURL, pdfURL string
	json            bool
}

func defaultGlobals(getenv func(string) string) globals {
	g := globals{authURL: defaultAuthURL, pdfURL: defaultPDFURL}
	if v := getenv("PRANA_AUTH_URL"); v != "" {
		g.authURL = v
	}
	if v := getenv("PRANA_PDF_URL"); v != "" {
		g.pdfURL = v
	}
	return g
}

// flagSet is a flag set for cmd (nil: the top level) holding the global
// flags too. Their defaults are the values parsed so far, so `prana --json
// me` and `prana me --json` mean the same.
func (a *app) flagSet(name string, cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.Stderr)
	fs.StringVar(&a.g.authURL, "auth-url", a.g.authURL, "auth service `URL` (env PRANA_AUTH_URL)")
	fs.StringVar(&a.g.pdfURL, "pdf-url", a.g.pdfURL, "pdf service `URL` (env PRANA_PDF_URL)")
	fs.BoolVar(&a.g.json, "json", a.g.json, "print one JSON object on stdout instead of text")
	fs.Usage = func() {
		if cmd == nil {
			a.printUsage(fs.Output())
		} else {
			a.printCommandUsage(fs.Output(), cmd, fs)
		}
	}
	return fs
}

func (a *app) authClient() (*authclient.ClientWithResponses, error) {
	return authclient.NewClientWithResponses(a.g.authURL, authclient.WithHTTPClient(a.HTTP))
}

// authedAuthClient sends the stored login with every request, refreshing
// it when the server refuses it (see session.go).
func (a *app) authedAuthClient() (*authclient.ClientWithResponses, error) {
	return authclient.NewClientWithResponses(a.g.authURL, authclient.WithHTTPClient(a.authedHTTP()))
}

// pdfClient sends the stored login with every request, as authedAuthClient.
func (a *app) pdfClient() (*pdfclient.ClientWithResponses, error) {
	return pdfclient.NewClientWithResponses(a.g.pdfURL, pdfclient.WithHTTPClient(a.authedHTTP()))
}

// check rejects service URLs that cannot work, before any request.
func (g globals) check() error {
	if err := checkBaseURL("auth", g.authURL); err != nil {
		return err
	}
	return checkBaseURL("pdf", g.pdfURL)
}

func checkBaseURL(service, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return failure.Usagef("--%s-url %q is not an http(s) URL", service, raw)
	}
	return nil
}

// callErr classifies an error from a generated client call: no answer
// (refused, timeout) or an answer it could not decode.
func callErr(service, baseURL string, err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	var refreshE *refreshFailed
	if errors.As(err, &refreshE) {
		return refreshE.err
	}
	var urlE *url.Error
	if errors.As(err, &urlE) {
		return &failure.NetworkError{Service: service, URL: baseURL, Err: err}
	}
	return &failure.ServerError{Msg: fmt.Sprintf("unreadable answer from the %s service: %v", service, err)}
}

// unexpected is a success status without the body the spec promises.
func unexpected(op string, status string, body []byte) error {
	return &failure.ServerError{Msg: fmt.Sprintf("%s: unexpected answer %s: %.200s", op, status, body)}
}
