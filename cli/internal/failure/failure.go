// Package failure classifies what went wrong in a prana command, for the
// exit code a script checks and the message a person reads on stderr.
package failure

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
)

// Exit codes. A 4xx other than 401/403 means the request itself was wrong
// (bad or conflicting input), so it shares the usage code: running the same
// command again will not help, fixing the arguments will.
const (
	OK     = 0 // done
	Usage  = 1 // bad command line, input the server refused (4xx), a file that cannot be written
	Auth   = 2 // not logged in, login expired, wrong credentials (401/403)
	Server = 3 // server fault (5xx), rate limit (429), no answer, timeout, failed job
)

// UsageError is a command line that cannot be run as written.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usagef reports a usage error.
func Usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// AuthError is a missing or expired login, found before asking a server.
type AuthError struct{ Msg string }

func (e *AuthError) Error() string { return e.Msg }

// NetworkError is a request that got no answer: refused, reset, timed out.
type NetworkError struct {
	Service string // "auth" or "pdf"
	URL     string // the service's base URL
	Err     error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("cannot reach the %s service at %s: %v", e.Service, e.URL, rootCause(e.Err))
}

func (e *NetworkError) Unwrap() error { return e.Err }

// ServerError is an answer the server should not have given, or a job that
// the server side could not finish.
type ServerError struct{ Msg string }

func (e *ServerError) Error() string { return e.Msg }

// Reported marks an error whose message was already printed (the flag
// package prints its own), so only its exit code matters.
type Reported struct{ Err error }

func (e *Reported) Error() string { return e.Err.Error() }

func (e *Reported) Unwrap() error { return e.Err }

// Code is the exit code for err.
func Code(err error) int {
	var (
		usage *UsageError
		auth  *AuthError
		httpE *HTTPError
		netE  *NetworkError
		srv   *ServerError
		urlE  *url.Error
		opE   *net.OpError
	)
	switch {
	case err == nil:
		return OK
	case errors.As(err, &usage):
		return Usage
	case errors.As(err, &auth):
		return Auth
	case errors.As(err, &httpE):
		return httpE.code()
	case errors.As(err, &netE), errors.As(err, &srv), errors.As(err, &urlE), errors.As(err, &opE),
		errors.Is(err, context.DeadlineExceeded):
		return Server
	default:
		return Usage
	}
}

// rootCause drops the url.Error wrapping ("Get \"http://…\": dial tcp …")
// that would repeat the URL already in the message.
func rootCause(err error) error {
	var urlE *url.Error
	if errors.As(err, &urlE) {
		return urlE.Err
	}
	return err
}
