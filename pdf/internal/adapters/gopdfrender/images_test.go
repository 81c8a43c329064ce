package gopdfrender_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The reference images show the title, name and surname lines of each
// corpus document, at 144 dpi: pdftoppm's crop box, in pixels.
var cropArgs = []string{"-r", "144", "-x", "90", "-y", "114", "-W", "1000", "-H", "140"}

// Pixel tolerance: a pixel differs when a channel moves by more than
// pixelDelta (anti-aliasing of another FreeType build moves edges a little),
// and at most maxDiffShare of the pixels may differ.
const (
	pixelDelta   = 64
	maxDiffShare = 0.005
)

// TestCorpusMatchesReferenceImages renders every corpus name to PNG with
// pdftoppm and compares it with testdata/corpus/<line>-<lang>.png. A person
// can look at those images to see what each script looks like; a change in
// rendering shows up as a failing test and, after -update, as a diff.
func TestCorpusMatchesReferenceImages(t *testing.T) {
	t.Parallel()
	requireFallbackFonts(t)
	r, _ := newRenderer(t)
	for _, c := range loadCorpus(t) {
		t.Run(c.id(), func(t *testing.T) {
			t.Parallel()
			p := sampleProfile()
			p.Name, p.Surname = c.name, c.surname
			got := rasterize(t, render(t, r, p))
			ref := filepath.Join("testdata", "corpus", c.id()+".png")
			if *update {
				if err := os.WriteFile(ref, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(ref)
			if err != nil {
				t.Fatalf("%v (run go test -run TestCorpusMatchesReferenceImages -update to create it)", err)
			}
			if share := diffShare(t, want, got); share > maxDiffShare {
				bad := filepath.Join(t.TempDir(), c.id()+".png")
				_ = os.WriteFile(bad, got, 0o644)
				t.Errorf("%s: %.2f%% of the pixels differ from %s (at most %.2f%%); this render: %s",
					c.name, 100*share, ref, 100*maxDiffShare, bad)
			}
		})
	}
}

// rasterize renders the crop of the first page as PNG bytes.
func rasterize(t *testing.T, pdf []byte) []byte {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Fatalf("pdftoppm not found (%v): apt-get install poppler-utils", err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "profile.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-png", "-singlefile", "-gray"}, cropArgs...)
	out, err := exec.Command("pdftoppm", append(args, in, filepath.Join(dir, "page"))...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm: %v: %s", err, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "page.png"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// diffShare is the share of pixels that differ by more than pixelDelta.
func diffShare(t *testing.T, a, b []byte) float64 {
	t.Helper()
	ia, ib := decode(t, a), decode(t, b)
	if ia.Bounds() != ib.Bounds() {
		return 1
	}
	var diff, all int
	r := ia.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			all++
			if d := gray(ia, x, y) - gray(ib, x, y); d > pixelDelta || d < -pixelDelta {
				diff++
			}
		}
	}
	return float64(diff) / float64(all)
}

func decode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode PNG: %v", err)
	}
	return img
}

func gray(img image.Image, x, y int) int {
	return int(color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y)
}
