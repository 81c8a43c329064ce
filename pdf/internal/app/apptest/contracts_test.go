package apptest_test

import (
	"testing"

	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

// The fakes keep the contracts their real adapters keep (see the adapters'
// tests for the other side).

func TestJobsKeepTheJobStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunJobStoreContract(t, func(*testing.T) app.JobStore { return apptest.NewJobs() })
}

func TestObjectsKeepTheObjectStoreContract(t *testing.T) {
	t.Parallel()
	apptest.RunObjectStoreContract(t, func(t *testing.T) apptest.ObjectStoreUnderTest {
		o := apptest.NewObjects()
		return apptest.ObjectStoreUnderTest{Store: o, Fetch: func(_ *testing.T, url string) ([]byte, bool) { return o.Fetch(url) }}
	})
}

func TestUploadsKeepTheUploadGuardContract(t *testing.T) {
	t.Parallel()
	apptest.RunUploadGuardContract(t, func(*testing.T) app.UploadGuard { return apptest.NewUploads() })
}

func TestDocumentsKeepTheDocumentCacheContract(t *testing.T) {
	t.Parallel()
	apptest.RunDocumentCacheContract(t, func(*testing.T) app.DocumentCache { return apptest.NewDocuments() })
}

func TestQueueKeepsTheTaskQueueContract(t *testing.T) {
	t.Parallel()
	apptest.RunTaskQueueContract(t, func(*testing.T) apptest.TaskQueueUnderTest {
		q := &apptest.Queue{}
		return apptest.TaskQueueUnderTest{Publisher: q, Next: q.Next}
	})
}

func TestRendererKeepsTheRendererContract(t *testing.T) {
	t.Parallel()
	apptest.RunRendererContract(t, func(*testing.T) app.Renderer { return &apptest.Renderer{} })
}
