package command

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"time"

	"prana/cli/internal/failure"
)

var uploadCmd = &command{
	name:    "pdf upload",
	flags:   "[--wait [--timeout DURATION]]",
	summary: "Have your profile PDF rendered into the S3 bucket.",
	details: `Without --wait it prints the job id and the URL the PDF will have once the job is
done. With --wait it follows the job, showing its progress on stderr, and prints the
URL when the PDF is there; a failed job, or no result within --timeout, exits 3.
`,
	setup: func(fs *flag.FlagSet) func(context.Context, *app) error {
		var wait bool
		var timeout time.Duration
		fs.BoolVar(&wait, "wait", false, "wait for the job to finish")
		fs.DurationVar(&timeout, "timeout", 2*time.Minute, "with --wait, give up after `DURATION`")
		return func(ctx context.Context, a *app) error {
			if timeout <= 0 {
				return failure.Usagef("--timeout must be positive")
			}
			return a.upload(ctx, wait, timeout)
		}
	},
}

func (a *app) upload(ctx context.Context, wait bool, timeout time.Duration) error {
	if _, err := a.storedLogin(ctx); err != nil {
		return err
	}
	c, err := a.pdfClient()
	if err != nil {
		return err
	}
	resp, err := c.UploadPdfToS3WithResponse(ctx)
	if err != nil {
		return callErr("pdf", a.g.pdfURL, err)
	}
	if resp.StatusCode() != http.StatusAccepted {
		return failure.FromResponse("pdf upload", resp.HTTPResponse, resp.Body)
	}
	acc := resp.JSON202
	if acc == nil {
		return unexpected("pdf upload", resp.Status(), resp.Body)
	}
	if !wait {
		if a.g.json {
			return a.printJSON(acc)
		}
		_, err := fmt.Fprintf(a.Stdout, "job: %s\nurl: %s\n", acc.JobId, acc.Url)
		return err
	}
	job, err := a.follow(ctx, c, acc.JobId, timeout)
	if err != nil {
		return err
	}
	if a.g.json {
		return a.printJSON(job)
	}
	_, err = fmt.Fprintln(a.Stdout, job.Url)
	return err
}
