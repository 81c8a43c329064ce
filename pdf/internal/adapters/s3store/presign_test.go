package s3store

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/uuid"

	"prana/pdf/internal/domain"
	"prana/testkit/awstest"
)

// TestJobGivesPresignedURL: with a presign TTL, the job status carries a
// signed GET URL that fetches the PDF, while the stored record keeps the
// plain address.
func TestJobGivesPresignedURL(t *testing.T) {
	t.Parallel()
	endpoint := awstest.Start(t)
	st := New(awstest.S3(t, endpoint), Config{Bucket: bucketName(), PresignTTL: 15 * time.Minute})
	ctx := context.Background()
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	profile := domain.Profile{UserID: uuid.NewString()}
	body := []byte("%PDF-1.7\n% presigned\n%%EOF\n")
	if err := st.PutPDF(ctx, profile.ObjectKey(), body); err != nil {
		t.Fatal(err)
	}
	plain := st.PublicURL(profile.ObjectKey())
	job := domain.Job{ID: uuid.NewString(), UserID: profile.UserID, Status: domain.JobDone, URL: plain, UpdatedAt: time.Now()}
	if err := st.SaveJob(ctx, job); err != nil {
		t.Fatal(err)
	}

	got, err := st.Job(ctx, job.UserID, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(got.URL)
	if err != nil {
		t.Fatalf("job URL %q: %v", got.URL, err)
	}
	q := u.Query()
	if q.Get("X-Amz-Signature") == "" || q.Get("X-Amz-Expires") != "900" {
		t.Errorf("job URL %q is not a GET presigned for 900 s", got.URL)
	}
	if !strings.HasSuffix(u.Path, "/"+profile.ObjectKey()) {
		t.Errorf("job URL %q does not point at %s", got.URL, profile.ObjectKey())
	}
	if fetched := fetch(t, got.URL); !bytes.Equal(fetched, body) {
		t.Errorf("GET presigned URL = %q, want the PDF %q", fetched, body)
	}

	// No signature is stored: the record still holds the plain address.
	raw, err := st.client.GetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(st.bucket), Key: aws.String("jobs/" + job.UserID + "/" + job.ID + ".json"),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Body.Close()
	rec, _ := io.ReadAll(raw.Body)
	if !strings.Contains(string(rec), `"url":"`+plain+`"`) || strings.Contains(string(rec), "X-Amz-") {
		t.Errorf("stored record %s, want the plain URL %s", rec, plain)
	}
}

// TestJobWithoutURLStaysWithout: a record with no URL gets none signed.
func TestJobWithoutURLStaysWithout(t *testing.T) {
	t.Parallel()
	endpoint := awstest.Start(t)
	st := New(awstest.S3(t, endpoint), Config{Bucket: bucketName(), PresignTTL: time.Minute})
	ctx := context.Background()
	if err := st.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	job := domain.Job{ID: uuid.NewString(), UserID: uuid.NewString(), Status: domain.JobFailed, UpdatedAt: time.Now()}
	if err := st.SaveJob(ctx, job); err != nil {
		t.Fatal(err)
	}
	got, err := st.Job(ctx, job.UserID, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "" {
		t.Errorf("URL = %q, want none", got.URL)
	}
}

func fetch(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", u, resp.StatusCode, b)
	}
	return b
}
