package e2e

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"prana/auth/authclient"
	"prana/shared/awsconfig"
)

func (s *stack) authClient(t testing.TB) *authclient.ClientWithResponses {
	t.Helper()
	c, err := authclient.NewClientWithResponses(s.AuthURL, authclient.WithHTTPClient(httpClient))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func withBearer(token string) authclient.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// TestLoginRefreshLogout: a refreshed access token opens the PDF; after
// logout the refresh token no longer works.
func TestLoginRefreshLogout(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{})
	u := s.signupAndLogin(t, "Олена", "Коваль")
	c := s.authClient(t)
	r, err := c.RefreshWithResponse(t.Context(), authclient.RefreshRequest{RefreshToken: u.Refresh})
	if err != nil || r.JSON200 == nil {
		t.Fatalf("refresh: %v %v", err, r)
	}
	s.secret(r.JSON200.AccessToken, r.JSON200.RefreshToken)
	download(t, s.pdfClient(t, r.JSON200.AccessToken), u.ID)
	out, err := c.LogoutWithResponse(t.Context(), authclient.RefreshRequest{RefreshToken: r.JSON200.RefreshToken})
	if err != nil || out.StatusCode() != http.StatusNoContent {
		t.Fatalf("logout: %v %v", err, out)
	}
	again, err := c.RefreshWithResponse(t.Context(), authclient.RefreshRequest{RefreshToken: r.JSON200.RefreshToken})
	if err != nil || again.StatusCode() != http.StatusUnauthorized {
		t.Fatalf("refresh after logout: %v %v", err, again)
	}
}

// TestErasureReachesS3: deleting an account removes the user's PDF and job
// records from the bucket, through the outbox, SQS and the worker. An
// upload queued just before the deletion (still in flight) is removed by
// the second erasure, once the access tokens issued before have expired.
func TestErasureReachesS3(t *testing.T) {
	t.Parallel()
	s := startStack(t, stackOptions{worker: true, env: []string{"ACCESS_TOKEN_EXPIRE_MINUTES=1", "JWT_KEY_CLOCK_SKEW=0s"}})
	u := s.signupAndLogin(t, "Мирослава", "Гнатюк")
	pdf := s.pdfClient(t, u.Token)
	job := upload(t, pdf, "")
	waitDone(t, pdf, job.JobId, 30*time.Second)
	object := kumoURL + "/" + s.Bucket + "/profile_" + u.ID + ".pdf"
	if st, _, _, err := fetchPublic(object); err != nil || st != http.StatusOK {
		t.Fatalf("the PDF before erasure: %d %v", st, err)
	}

	// An upload in flight while the account is deleted.
	upload(t, pdf, "")
	del, err := s.authClient(t).DeleteMeWithResponse(t.Context(), authclient.DeleteAccountRequest{Password: u.Password}, withBearer(u.Token))
	if err != nil || del.StatusCode() != http.StatusNoContent {
		t.Fatalf("delete account: %v %v", err, del)
	}
	// Until the token expires it can still queue uploads; the last erasure
	// comes after that: 60 s lifetime + 30 s leeway.
	waitFor(t, 150*time.Second, "the PDF and the job records to be erased", func() (bool, error) {
		st, _, _, err := fetchPublic(object)
		if err != nil || st != http.StatusNotFound {
			return false, err
		}
		jobs, err := listKeys(s.Bucket, "jobs/"+u.ID+"/")
		return err == nil && len(jobs) == 0, err
	})
	// And it stays gone: nothing the deleted user queued comes back.
	time.Sleep(2 * time.Second)
	if st, _, _, _ := fetchPublic(object); st != http.StatusNotFound {
		t.Errorf("the PDF came back after the erasure: %d", st)
	}
}

// listKeys lists the keys under prefix in bucket on the emulator.
func listKeys(bucket, prefix string) ([]string, error) {
	ctx := context.Background()
	settings := awsconfig.Settings{EndpointURL: kumoURL, AccessKeyID: "test", SecretAccessKey: "test", Region: "us-east-1"}
	cfg, err := awsconfig.Load(ctx, settings)
	if err != nil {
		return nil, err
	}
	out, err := awsconfig.NewS3(cfg, settings).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(out.Contents))
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys, nil
}
