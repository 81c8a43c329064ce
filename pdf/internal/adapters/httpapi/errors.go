package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/domain"
	"prana/shared/problem"
	"prana/shared/requestid"
)

// unavailableRetry is the Retry-After sent when the queue or bucket is down.
const unavailableRetry = 5 * time.Second

// busyRetry is the Retry-After sent when too many renders wait already: the
// queue drains in well under a second.
const busyRetry = time.Second

// problemFor maps a handler error to its problem document; unknown errors
// are nil, a 500 whose cause is logged, never shown (httpmw.ResponseError).
// An unreachable queue or bucket is logged too, as a warning: it is not the
// request's fault, but an operator needs to see it.
func problemFor(log *slog.Logger) func(*http.Request, error) *problem.Problem {
	return func(r *http.Request, err error) *problem.Problem {
		var limited *app.RateLimitedError
		switch {
		case errors.As(err, &limited):
			p := problem.New(http.StatusTooManyRequests, "rate_limited", "Too many uploads this minute. Try again later.")
			p.RetryAfter = limited.RetryAfter
			return p
		case errors.Is(err, domain.ErrJobNotFound):
			return problem.New(http.StatusNotFound, "job_not_found", "You have no job with this id.")
		case errors.Is(err, app.ErrBusy):
			p := problem.New(http.StatusServiceUnavailable, "render_busy",
				"Too many PDFs are being rendered right now. Try again in a moment.")
			p.RetryAfter = busyRetry
			return p
		case errors.Is(err, app.ErrUnavailable):
			log.WarnContext(r.Context(), "dependency unavailable",
				"request_id", requestid.FromContext(r.Context()), "err", err)
			p := problem.New(http.StatusServiceUnavailable, "queue_unavailable",
				"The job queue or storage is unreachable right now. Try again shortly.")
			p.RetryAfter = unavailableRetry
			return p
		}
		return nil
	}
}
