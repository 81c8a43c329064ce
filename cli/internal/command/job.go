package command

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"prana/cli/internal/failure"
	"prana/pdf/pdfclient"
)

// Polling starts quick, since most jobs take well under a second, and slows
// down for long ones.
const (
	firstPoll = 200 * time.Millisecond
	maxPoll   = 2 * time.Second
)

// follow polls the job until it is done or failed, printing each change of
// state on stderr. Passing troubles (no answer, 5xx, 429) are shown and
// retried until timeout; any other error status ends the wait.
func (a *app) follow(ctx context.Context, c *pdfclient.ClientWithResponses, id openapi_types.UUID,
	timeout time.Duration) (*pdfclient.Job, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	var last pdfclient.JobStatus
	for delay := firstPoll; ; delay = min(delay*3/2, maxPoll) {
		job, err := a.jobState(ctx, c, id)
		switch {
		case ctx.Err() != nil:
			return nil, a.gaveUp(ctx, timeout, id, last)
		case isPassing(err):
			fmt.Fprintf(a.Stderr, "job %s: %v; retrying\n", id, err)
			delay = max(delay, retryAfter(err))
		case err != nil:
			return nil, err
		case job.Status != last:
			last = job.Status
			fmt.Fprintf(a.Stderr, "job %s: %s (%.1fs)\n", id, job.Status, time.Since(start).Seconds())
		}
		if job != nil && job.Status == pdfclient.Done {
			return job, nil
		}
		if job != nil && job.Status == pdfclient.Failed {
			return nil, &failure.ServerError{Msg: fmt.Sprintf("job %s failed: %s", id, deref(job.Error))}
		}
		select {
		case <-ctx.Done():
			return nil, a.gaveUp(ctx, timeout, id, last)
		case <-time.After(delay):
		}
	}
}

// jobState is one look at the job.
func (a *app) jobState(ctx context.Context, c *pdfclient.ClientWithResponses,
	id openapi_types.UUID) (*pdfclient.Job, error) {
	resp, err := c.GetJobWithResponse(ctx, id)
	if err != nil {
		return nil, callErr("pdf", a.g.pdfURL, err)
	}
	if resp.StatusCode() != http.StatusOK {
		return nil, failure.FromResponse("pdf upload", resp.HTTPResponse, resp.Body)
	}
	if resp.JSON200 == nil {
		return nil, unexpected("pdf upload", resp.Status(), resp.Body)
	}
	return resp.JSON200, nil
}

func (a *app) gaveUp(ctx context.Context, timeout time.Duration, id openapi_types.UUID,
	last pdfclient.JobStatus) error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err() // interrupted
	}
	state := "not seen yet"
	if last != "" {
		state = "still " + string(last)
	}
	return &failure.ServerError{Msg: fmt.Sprintf("gave up after %s: job %s is %s (it may yet finish)",
		timeout, id, state)}
}

// isPassing reports an error that may clear up by itself.
func isPassing(err error) bool {
	var netE *failure.NetworkError
	var httpE *failure.HTTPError
	return errors.As(err, &netE) ||
		errors.As(err, &httpE) && (httpE.Status == http.StatusTooManyRequests || httpE.Status >= 500)
}

// retryAfter is the wait a 429 or 503 asked for (seconds form only).
func retryAfter(err error) time.Duration {
	var httpE *failure.HTTPError
	if errors.As(err, &httpE) {
		if s, convErr := strconv.Atoi(httpE.RetryAfter); convErr == nil && s > 0 {
			return time.Duration(s) * time.Second
		}
	}
	return 0
}

func deref(s *string) string {
	if s == nil || *s == "" {
		return "no reason given"
	}
	return *s
}
