// Package bearer authenticates requests to the operations of an OpenAPI
// spec that declare a security requirement. It runs as a strict-server
// middleware, so operations without one never look at the header.
package bearer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"prana/shared/jwtverify"
	"prana/shared/problem"
)

// Verifier checks a raw token.
type Verifier interface {
	Verify(ctx context.Context, raw string) (jwtverify.Claims, error)
}

type ctxKey struct{}

// keysRetry is the Retry-After sent while the verification keys are
// unreachable; the verifier retries fetching them every second.
const keysRetry = 2 * time.Second

// ClaimsFrom returns the claims of the request's verified token.
func ClaimsFrom(ctx context.Context) (jwtverify.Claims, bool) {
	c, ok := ctx.Value(ctxKey{}).(jwtverify.Claims)
	return c, ok
}

// Authenticator verifies the bearer token of the secured operations of a
// spec. Each service wraps it in a strict middleware of its generated type.
type Authenticator struct {
	secured map[string]bool
	// routes holds "METHOD /path/{param}" of the secured operations, the
	// path as the spec (and chi's route pattern) writes it.
	routes map[string]bool
	v      Verifier
}

// New returns an Authenticator for the operations of spec, an OpenAPI
// document in JSON, that declare a security requirement.
func New(spec []byte, v Verifier) (*Authenticator, error) {
	secured, routes, err := securedOperations(spec)
	if err != nil {
		return nil, err
	}
	return &Authenticator{secured: secured, routes: routes, v: v}, nil
}

// Secured reports whether the operation (its id in any letter case, as the
// generated code passes it) needs a token.
func (a *Authenticator) Secured(operationID string) bool {
	return a.secured[strings.ToLower(operationID)]
}

// Authenticate verifies the request's token and returns a context carrying
// its claims. When the token is missing or bad it answers 401 itself and
// returns false.
func (a *Authenticator) Authenticate(ctx context.Context, w http.ResponseWriter, r *http.Request) (context.Context, bool) {
	if len(r.Header.Values("Authorization")) > 1 {
		// Authorization is not a list (RFC 9110 §11.6.2). Which of two
		// counts is up to each proxy and server on the way: none does.
		problem.Write(w, r, unauthorized("Send one Authorization header, not several",
			`Bearer realm="prana", error="invalid_request"`))
		return ctx, false
	}
	raw, ok := tokenFrom(r.Header.Get("Authorization"))
	if !ok {
		problem.Write(w, r, unauthorized("Missing or invalid Authorization header", `Bearer realm="prana"`))
		return ctx, false
	}
	claims, err := a.v.Verify(ctx, raw)
	if errors.Is(err, jwtverify.ErrKeysUnavailable) {
		// The token may be fine; we cannot tell until the keys are back.
		p := problem.New(http.StatusServiceUnavailable, "keys_unavailable",
			"Tokens cannot be checked right now: the auth service's keys are unreachable. Try again shortly.")
		p.RetryAfter = keysRetry
		problem.Write(w, r, p)
		return ctx, false
	}
	if err != nil {
		detail := "Invalid token"
		if errors.Is(err, jwtverify.ErrExpired) {
			detail = "Token has expired"
		}
		problem.Write(w, r, unauthorized(detail, `Bearer realm="prana", error="invalid_token"`))
		return ctx, false
	}
	return context.WithValue(ctx, ctxKey{}, claims), true
}

// Middleware is the Authenticator as a strict-server middleware. It is
// generic over the handler type because each service's generated code
// declares its own; convert the result to the generated middleware type.
func Middleware[F ~func(context.Context, http.ResponseWriter, *http.Request, any) (any, error)](a *Authenticator) func(F, string) F {
	return func(next F, operationID string) F {
		if !a.Secured(operationID) {
			return next
		}
		return func(ctx context.Context, w http.ResponseWriter, r *http.Request, req any) (any, error) {
			ctx, ok := a.Authenticate(ctx, w, r)
			if !ok {
				return nil, nil
			}
			return next(ctx, w, r, req)
		}
	}
}

// tokenFrom reads "Bearer <token>". The scheme is case-insensitive (RFC
// 7235 §2.1, which RFC 6750 follows), so "bearer" and "BEARER" count too;
// only spaces separate it from the token. The token itself is the
// verifier's to judge.
func tokenFrom(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

func unauthorized(detail, challenge string) *problem.Problem {
	p := problem.New(http.StatusUnauthorized, "unauthorized", detail)
	p.Header = http.Header{"Www-Authenticate": {challenge}}
	return p
}

// document is the little of an OpenAPI document that says which operations
// need a token. Decoding just this, rather than loading the document with an
// OpenAPI library, keeps such a library out of the service binaries.
type document struct {
	// Security is the default of the operations that state none.
	Security []requirement       `json:"security"`
	Paths    map[string]pathItem `json:"paths"`
}

type pathItem struct {
	Get     *operation `json:"get"`
	Put     *operation `json:"put"`
	Post    *operation `json:"post"`
	Delete  *operation `json:"delete"`
	Options *operation `json:"options"`
	Head    *operation `json:"head"`
	Patch   *operation `json:"patch"`
	Trace   *operation `json:"trace"`
}

func (p pathItem) operations() map[string]*operation {
	return map[string]*operation{
		http.MethodGet: p.Get, http.MethodPut: p.Put, http.MethodPost: p.Post, http.MethodDelete: p.Delete,
		http.MethodOptions: p.Options, http.MethodHead: p.Head, http.MethodPatch: p.Patch, http.MethodTrace: p.Trace,
	}
}

type operation struct {
	OperationID string `json:"operationId"`
	// Security is nil when the operation inherits the default, and empty
	// when it drops it with `security: []`.
	Security *[]requirement `json:"security"`
}

// requirement is one alternative of a security requirement: scheme names
// to scopes. Only whether there is any matters here.
type requirement map[string][]string

// securedOperations lists (lower-cased) the operation ids of the JSON
// document spec that declare a security requirement, themselves or through
// the document's default, and their routes as "METHOD path".
func securedOperations(spec []byte) (ids, routes map[string]bool, err error) {
	var doc document
	if err := json.Unmarshal(spec, &doc); err != nil {
		return nil, nil, fmt.Errorf("bearer: decode spec: %w", err)
	}
	ids, routes = map[string]bool{}, map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item.operations() {
			if op == nil {
				continue
			}
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			if len(sec) > 0 {
				ids[strings.ToLower(op.OperationID)] = true
				routes[method+" "+path] = true
			}
		}
	}
	return ids, routes, nil
}
