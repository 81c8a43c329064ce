package stack

import (
	"fmt"
	"os"
	"path/filepath"
)

// RepoRoot returns the repository root: the nearest directory from the
// working directory up that holds go.work. The make targets start from the
// root, but finding it keeps `go run` and `go test` from a subdirectory
// working too.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("repository root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		}
		if d == filepath.Dir(d) {
			return "", fmt.Errorf("repository root: no go.work in %s or above: run from the repository", dir)
		}
	}
}
