package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"prana/auth/internal/app"
	"prana/auth/internal/domain"
	"prana/shared/problem"
)

// busyRetry is the Retry-After sent when hashing is saturated: about the
// time a queue of hashes takes to drain.
const busyRetry = 2 * time.Second

// problemFor maps an error from a handler to its problem document. Known
// domain and app errors get their status; anything else is nil, a 500 whose
// cause goes to the log only (httpmw.ResponseError).
func problemFor(_ *http.Request, err error) *problem.Problem {
	var verr *domain.ValidationError
	var limited *app.RateLimitedError
	switch {
	case errors.As(err, &verr):
		p := problem.New(http.StatusUnprocessableEntity, "validation_failed", "The request has invalid fields.")
		for _, f := range verr.Fields {
			p.Errors = append(p.Errors, problem.FieldError{Field: f.Field, Message: f.Message})
		}
		return p
	case errors.Is(err, domain.ErrEmailTaken):
		return problem.New(http.StatusConflict, "email_taken", "Email must be unique: this address is already registered.")
	case errors.Is(err, domain.ErrWrongPassword):
		p := problem.New(http.StatusUnauthorized, "wrong_password", "The password is incorrect.")
		p.Header = http.Header{"Www-Authenticate": {`Bearer realm="prana"`}}
		return p
	case errors.Is(err, domain.ErrInvalidRefreshToken):
		p := problem.New(http.StatusUnauthorized, "invalid_refresh_token", "The refresh token is invalid, expired or revoked. Log in again.")
		p.Header = http.Header{"Www-Authenticate": {`Bearer realm="prana", error="invalid_token"`}}
		return p
	case errors.Is(err, domain.ErrInvalidCredentials):
		p := problem.New(http.StatusUnauthorized, "invalid_credentials", "Incorrect email or password")
		p.Header = http.Header{"Www-Authenticate": {`Bearer realm="prana"`}}
		return p
	case errors.Is(err, domain.ErrUserNotFound):
		// Only the /me routes and a password change get here: the token is
		// valid but its user is gone.
		p := problem.New(http.StatusUnauthorized, "user_gone", "The user this token was issued to no longer exists.")
		p.Header = http.Header{"Www-Authenticate": {`Bearer realm="prana", error="invalid_token"`}}
		return p
	case errors.As(err, &limited):
		p := problem.New(http.StatusTooManyRequests, "rate_limited", "Too many login attempts. Try again later.")
		p.RetryAfter = limited.RetryAfter
		return p
	case errors.Is(err, app.ErrBusy):
		p := problem.New(http.StatusServiceUnavailable, "busy", "The service is busy. Try again shortly.")
		p.RetryAfter = busyRetry
		return p
	case errors.Is(err, app.ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		p := problem.New(http.StatusServiceUnavailable, "unavailable", "The database is unreachable right now. Try again shortly.")
		p.RetryAfter = busyRetry
		return p
	}
	return nil
}
