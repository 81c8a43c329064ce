package app_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/google/uuid"

	"prana/pdf/internal/adapters/pdfcache"
	"prana/pdf/internal/app"
	"prana/pdf/internal/app/apptest"
)

// newDownloader wires an API whose downloads go through cache; a nil cache
// stands for none: every download renders.
func newDownloader(t *testing.T, cache app.DocumentCache) (*app.API, *apptest.Renderer) {
	t.Helper()
	if cache == nil {
		cache = renderEveryTime{}
	}
	r := &apptest.Renderer{}
	jobs, objects := apptest.NewJobs(), apptest.NewObjects()
	api, err := app.NewAPI(app.APIPorts{
		Renderer: r, Documents: cache, Queue: &apptest.Queue{Jobs: jobs},
		Objects: objects, Jobs: jobs, Uploads: apptest.NewUploads(),
	}, slog.New(slog.NewTextHandler(t.Output(), nil)), uuid.NewString)
	if err != nil {
		t.Fatal(err)
	}
	return api, r
}

// renderEveryTime is a DocumentCache that keeps nothing.
type renderEveryTime struct{}

func (renderEveryTime) Document(ctx context.Context, _ string, render func(context.Context) ([]byte, error)) ([]byte, error) {
	return render(ctx)
}

func TestDownloadWithoutCacheRendersEveryTime(t *testing.T) {
	t.Parallel()
	svc, r := newDownloader(t, nil)
	for range 2 {
		if _, err := svc.Download(context.Background(), sampleProfile()); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.Times) != 2 {
		t.Errorf("rendered %d times, want 2", len(r.Times))
	}
}

func TestDownloadServesACachedProfileWithoutRendering(t *testing.T) {
	t.Parallel()
	svc, r := newDownloader(t, apptest.NewDocuments())
	p := sampleProfile()
	first, err := svc.Download(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	again, err := svc.Download(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) || len(r.Times) != 1 {
		t.Errorf("second download of one profile: same bytes %v, renders %d; want true, 1", bytes.Equal(first, again), len(r.Times))
	}

	q := p
	q.Name = "Петро"
	other, err := svc.Download(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(other, first) || len(r.Times) != 2 {
		t.Errorf("another profile got the cached document (renders %d)", len(r.Times))
	}
}

// TestDownloadDoesNotCacheFailures asks twice for one profile, so both
// downloads use one cache key: the real cache, not a fake that decides for
// itself, must render again once the renderer has recovered.
func TestDownloadDoesNotCacheFailures(t *testing.T) {
	t.Parallel()
	svc, r := newDownloader(t, pdfcache.New(pdfcache.Limits{MaxBytes: 1 << 20}))
	p := sampleProfile()
	boom := errors.New("renderer broke")
	r.Err = boom
	if _, err := svc.Download(context.Background(), p); !errors.Is(err, boom) {
		t.Fatalf("Download error = %v, want the renderer's", err)
	}
	r.Err = nil
	doc, err := svc.Download(context.Background(), p)
	if err != nil || !bytes.HasPrefix(doc, []byte("%PDF "+p.UserID)) {
		t.Fatalf("Download of the same profile after the renderer recovered = (%q, %v), want its document", doc, err)
	}
	if len(r.Times) != 2 {
		t.Errorf("rendered %d times, want 2: the failure was served from the cache", len(r.Times))
	}
}
