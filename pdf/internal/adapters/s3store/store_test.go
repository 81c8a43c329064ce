package s3store

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"

	"prana/testkit/awstest"
)

// newStore returns a Store on a bucket of the test's own: the emulator's
// state is shared by every test in the package.
func newStore(t *testing.T) *Store {
	t.Helper()
	endpoint := awstest.Start(t)
	st := New(awstest.S3(t, endpoint), Config{Bucket: bucketName()})
	if err := st.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// bucketName is a fresh, valid bucket name.
func bucketName() string { return "pdfs-" + uuid.NewString() }

func TestPutPDFIsPubliclyReadable(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := context.Background()
	key := "profile_" + uuid.NewString() + ".pdf"
	body := []byte("%PDF-1.7\n% not really a PDF, but bytes are bytes\n%%EOF\n")

	if err := st.PutPDF(ctx, key, body); err != nil {
		t.Fatal(err)
	}

	// A plain anonymous GET, as a browser following the URL would make.
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(st.PublicURL(key))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", st.PublicURL(key), resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("content type = %q, want application/pdf", ct)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("body = %q, want %q", got, body)
	}
}

func TestEnsureBucketIsIdempotent(t *testing.T) {
	t.Parallel()
	st := newStore(t) // created once here
	ctx := context.Background()
	for range 2 {
		if err := st.EnsureBucket(ctx); err != nil {
			t.Fatalf("EnsureBucket again: %v", err)
		}
	}
	if err := st.Ping(ctx); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestPingMissingBucket(t *testing.T) {
	t.Parallel()
	endpoint := awstest.Start(t)
	st := New(awstest.S3(t, endpoint), Config{Bucket: bucketName()})
	if err := st.Ping(context.Background()); err == nil {
		t.Fatal("Ping on a missing bucket: nil error")
	}
}

func TestPublicURLFromClient(t *testing.T) {
	t.Parallel()
	endpoint := awstest.Start(t)
	st := New(awstest.S3(t, endpoint), Config{Bucket: "user-pdfs"}) // never created
	want := endpoint + "/user-pdfs/profile_X.pdf"
	if got := st.PublicURL("profile_X.pdf"); got != want {
		t.Errorf("PublicURL = %q, want %q", got, want)
	}
}

func TestPublicURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, endpoint, region, want string
	}{
		{"emulator path style", "", "http://localhost:4566", "us-east-1",
			"http://localhost:4566/user-pdfs/profile_X.pdf"},
		{"emulator trailing slash", "", "http://localhost:4566/", "us-east-1",
			"http://localhost:4566/user-pdfs/profile_X.pdf"},
		{"public base wins", "https://cdn.example.com/pdfs", "http://localhost:4566", "us-east-1",
			"https://cdn.example.com/pdfs/profile_X.pdf"},
		{"public base trailing slash", "https://cdn.example.com/", "", "",
			"https://cdn.example.com/profile_X.pdf"},
		{"real AWS", "", "", "eu-central-1",
			"https://user-pdfs.s3.eu-central-1.amazonaws.com/profile_X.pdf"},
		{"real AWS no region", "", "", "",
			"https://user-pdfs.s3.us-east-1.amazonaws.com/profile_X.pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := publicURL(tt.base, tt.endpoint, "user-pdfs", tt.region, "profile_X.pdf")
			if got != tt.want {
				t.Errorf("publicURL = %q, want %q", got, tt.want)
			}
		})
	}
}
