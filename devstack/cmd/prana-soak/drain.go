package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"prana/devstack/stack"
)

// waitDrained queues one more upload after the traffic and waits for its job to be done: the jobs queued
// before it are done by then too (near enough: the queue is not strictly FIFO), so the time it takes is how far
// the worker had fallen behind. Nothing lost shows as the job ending done.
func waitDrained(ctx context.Context, sys *stack.System, u user) (time.Duration, error) {
	start := time.Now()
	req, err := authorized(http.MethodPost, sys.PDFURL+"/api/pdf/upload-to-s3", u.token)
	if err != nil {
		return 0, err
	}
	var acc struct {
		JobID string `json:"job_id"`
	}
	if err := do(req.WithContext(ctx), http.StatusAccepted, &acc); err != nil {
		return 0, fmt.Errorf("last upload: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for {
		req, err := authorized(http.MethodGet, sys.PDFURL+"/api/pdf/jobs/"+acc.JobID, u.token)
		if err != nil {
			return 0, err
		}
		var job struct{ Status string }
		if err := do(req.WithContext(ctx), http.StatusOK, &job); err != nil {
			return 0, fmt.Errorf("job status: %w", err)
		}
		switch job.Status {
		case "done":
			return time.Since(start), nil
		case "failed":
			return 0, fmt.Errorf("the last upload's job failed")
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("the queue did not drain: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func do(req *http.Request, want int, out any) error {
	resp, err := pollClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d", req.Method, req.URL.Path, resp.StatusCode, want)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}
