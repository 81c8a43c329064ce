package pdfclient_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"prana/pdf/pdfclient"
)

// Download the caller's profile PDF, then have it rendered into S3 and wait
// for the job. The token comes from the auth service's login (see the
// authclient example).
func Example() {
	ctx := context.Background()
	token := os.Getenv("PRANA_TOKEN")
	c, err := pdfclient.NewClientWithResponses("http://localhost:8002",
		pdfclient.WithHTTPClient(&http.Client{Timeout: 30 * time.Second}),
		pdfclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
			r.Header.Set("Authorization", "Bearer "+token)
			return nil
		}))
	if err != nil {
		log.Fatal(err)
	}

	dl, err := c.DownloadPdfWithResponse(ctx, nil)
	if err != nil {
		log.Fatal(err)
	}
	if dl.StatusCode() != http.StatusOK {
		log.Fatalf("download: %s %s", dl.Status(), dl.Body)
	}
	if err := os.WriteFile("profile.pdf", dl.Body, 0o644); err != nil {
		log.Fatal(err)
	}

	up, err := c.UploadPdfToS3WithResponse(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if up.JSON202 == nil {
		log.Fatalf("upload: %s %s", up.Status(), up.Body)
	}
	for {
		job, err := c.GetJobWithResponse(ctx, up.JSON202.JobId)
		if err != nil {
			log.Fatal(err)
		}
		if job.JSON200 == nil {
			log.Fatalf("job: %s %s", job.Status(), job.Body)
		}
		switch job.JSON200.Status {
		case pdfclient.Done:
			fmt.Println(job.JSON200.Url)
			return
		case pdfclient.Failed:
			reason := "no reason given"
			if job.JSON200.Error != nil {
				reason = *job.JSON200.Error
			}
			log.Fatalf("job failed: %s", reason)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
