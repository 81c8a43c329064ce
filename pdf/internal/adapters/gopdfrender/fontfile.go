package gopdfrender

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

const gzSuffix = ".gz"

// maxFontBytes bounds a decompressed font: the largest of pdf/fonts.txt
// is under 5 MB, and a corrupt or hostile .gz must not fill the memory.
const maxFontBytes = 64 << 20

// readFont reads a font file whole, decompressing it when its name ends
// in .gz.
func readFont(path string) ([]byte, error) {
	if !strings.HasSuffix(path, gzSuffix) {
		return os.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	ttf, err := io.ReadAll(io.LimitReader(zr, maxFontBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(ttf) > maxFontBytes {
		return nil, fmt.Errorf("%s: more than %d bytes decompressed", path, maxFontBytes)
	}
	return ttf, nil
}
