package gopdfrender_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"prana/pdf/internal/app"
	"prana/testkit/pdftest"
)

func TestRenderShowsTheProfile(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	got := text(t, render(t, r, sampleProfile()))

	for _, want := range []string{
		"User Profile",
		"Name:", "Ada",
		"Surname:", "Lovelace",
		"Email:", "ada@example.com",
		"Date of Birth:", "1815-12-10",
		"User ID: 3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c",
		"Generated: 2026-05-01 10:30:45 UTC",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("text lacks %q; got:\n%s", want, got)
		}
	}
}

func TestRenderPrintsGenerationTimeInUTC(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	kyiv := time.FixedZone("EEST", 3*60*60)
	pdf, err := r.Render(context.Background(), sampleProfile(), generatedAt.In(kyiv))
	if err != nil {
		t.Fatal(err)
	}
	if got := text(t, pdf); !strings.Contains(got, "Generated: 2026-05-01 10:30:45 UTC") {
		t.Errorf("generation time not in UTC; got:\n%s", got)
	}
	if got, want := info(t, pdf)["CreationDate"], "2026-05-01T10:30:45"; !strings.HasPrefix(got, want) {
		t.Errorf("CreationDate = %q, want %s (UTC)", got, want)
	}
}

func TestRenderMetadata(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	p := sampleProfile()
	p.Surname = "Петренко"
	got := info(t, render(t, r, p))

	for key, want := range map[string]string{
		"Title":   "Profile_Петренко",
		"Author":  "PDF Service",
		"Creator": "Prana pdf service",
		"Pages":   "1",
	} {
		if got[key] != want {
			t.Errorf("pdfinfo %s = %q, want %q", key, got[key], want)
		}
	}
	if !strings.HasPrefix(got["CreationDate"], "2026-05-01T10:30:45") {
		t.Errorf("CreationDate = %q, want generatedAt 2026-05-01T10:30:45", got["CreationDate"])
	}
	if !strings.Contains(got["Page size"], "595 x 842") || !strings.Contains(got["Page size"], "A4") {
		t.Errorf("Page size = %q, want A4", got["Page size"])
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	t.Parallel()
	r1, _ := newRenderer(t)
	r2, _ := newRenderer(t) // a restarted worker must produce the same bytes too
	p := sampleProfile()
	p.Name = "Γιώργος Іван Zoë"

	first := render(t, r1, p)
	for _, r := range []app.Renderer{r1, r2} {
		again, err := r.Render(context.Background(), p, generatedAt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatalf("same input gave different output (%d vs %d bytes)", len(first), len(again))
		}
	}

	later, err := r1.Render(context.Background(), p, generatedAt.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(first, later) {
		t.Error("a different generatedAt gave the same bytes: is the time printed at all?")
	}
}

func TestRenderStopsOnDoneContext(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	pdf, err := r.Render(ctx, sampleProfile(), generatedAt)
	if !errors.Is(err, context.Canceled) || pdf != nil {
		t.Fatalf("Render with a cancelled context = (%d bytes, %v), want (nil, context.Canceled)", len(pdf), err)
	}
}

func TestRenderPassesPdfcpuValidation(t *testing.T) {
	t.Parallel()
	r, _ := newRenderer(t)
	p := sampleProfile()
	p.Name = "Іван 王 😀 A<B & <b>C</b>"
	p.Email = strings.Repeat("x", 120) + "@example.com"
	pdftest.Validate(t, render(t, r, p))
}
