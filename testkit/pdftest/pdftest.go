// Package pdftest looks inside PDFs the way a user's tools do, with
// poppler-utils (pdftotext, pdfinfo, pdffonts), and checks their structure
// with pdfcpu, for tests. A missing tool fails the test: skipping would let
// text checks pass on a machine that never looked at the text.
package pdftest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Poppler runs one of poppler-utils' tools on pdf and returns its output.
func Poppler(t testing.TB, pdf []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s not found (%v): apt-get install poppler-utils", tool, err)
	}
	path := filepath.Join(t.TempDir(), "profile.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(tool, append(args, path, "-")...)
	if tool == "pdfinfo" || tool == "pdffonts" { // these take no output file
		cmd = exec.Command(tool, append(args, path)...)
	}
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v: %s", tool, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s complained: %s", tool, stderr.String())
	}
	return stdout.String()
}

// Text is what pdftotext extracts from pdf, as UTF-8.
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return Poppler(t, pdf, "pdftotext", "-enc", "UTF-8")
}
