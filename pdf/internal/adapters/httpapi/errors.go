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

// responseError maps a handler error to a problem document; unknown errors
// are a 500 whose cause is logged, never shown.
func responseError(log *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		if problem.ClientGone(w, r) {
			return
		}
		var limited *app.RateLimitedError
		switch {
		case errors.As(err, &limited):
			p := problem.New(http.StatusTooManyRequests, "rate_limited", "Too many uploads this minute. Try again later.")
			p.RetryAfter = limited.RetryAfter
			problem.Write(w, r, p)
		case errors.Is(err, domain.ErrJobNotFound):
			problem.Write(w, r, problem.New(http.StatusNotFound, "job_not_found", "You have no job with this id."))
		case errors.Is(err, app.ErrBusy):
			p := problem.New(http.StatusServiceUnavailable, "render_busy",
				"Too many PDFs are being rendered right now. Try again in a moment.")
			p.RetryAfter = busyRetry
			problem.Write(w, r, p)
		case errors.Is(err, app.ErrUnavailable):
			log.WarnContext(r.Context(), "dependency unavailable",
				"request_id", requestid.FromContext(r.Context()), "err", err)
			p := problem.New(http.StatusServiceUnavailable, "queue_unavailable",
				"The job queue or storage is unreachable right now. Try again shortly.")
			p.RetryAfter = unavailableRetry
			problem.Write(w, r, p)
		default:
			log.ErrorContext(r.Context(), "request failed",
				"request_id", requestid.FromContext(r.Context()), "err", err)
			problem.Internal(w, r)
		}
	}
}
