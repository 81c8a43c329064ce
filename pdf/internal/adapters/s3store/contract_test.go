package s3store

import (
	"io"
	"net/http"
	"testing"
	"time"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

// The store keeps the contracts of the ports it implements, the same
// suites the app's fakes keep (apptest), here on the S3 emulator.

func TestStoreKeepsTheJobStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunJobStoreContract(t, func(t *testing.T) app.JobStore { return newStore(t) })
}

func TestStoreKeepsTheObjectStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunObjectStoreContract(t, func(t *testing.T) apptest.ObjectStoreUnderTest {
		return apptest.ObjectStoreUnderTest{Store: newStore(t), Fetch: fetchPublic}
	})
}

func TestStoreKeepsTheUploadGuardContract(t *testing.T) {
	t.Parallel()
	apptest.RunUploadGuardContract(t, func(t *testing.T) app.UploadGuard {
		now := time.Date(2026, 12, 5, 8, 0, 10, 0, time.UTC)
		return storeAt(t, &now)
	})
}

// fetchPublic is an anonymous GET of url, as a browser following it makes.
func fetchPublic(t *testing.T, url string) ([]byte, bool) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return body, true
	case http.StatusNotFound, http.StatusForbidden:
		return nil, false
	default:
		t.Fatalf("GET %s: status %d", url, resp.StatusCode)
		return nil, false
	}
}
