package logtest

import (
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// Suite gathers every log a test package captures and every secret its
// tests used, so that one scan at the end (Finish, from TestMain) covers the
// whole package: a secret logged by any test, in any service it started,
// fails the package even when that test did not look.
type Suite struct {
	mu      sync.Mutex
	logs    []namedLog
	secrets []string
}

type namedLog struct {
	name string
	buf  *Buffer
}

// Buffer returns a new buffer whose content Finish will scan.
func (s *Suite) Buffer(name string) *Buffer {
	b := &Buffer{}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs = append(s.logs, namedLog{name, b})
	return b
}

// Tee returns a writer that writes to w and to a buffer Finish will scan.
func (s *Suite) Tee(name string, w io.Writer) io.Writer {
	return io.MultiWriter(w, s.Buffer(name))
}

// Secret registers values (passwords, tokens, hashes) that must appear in
// no log.
func (s *Suite) Secret(v ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secrets = append(s.secrets, v...)
}

// Secrets is what has been registered so far.
func (s *Suite) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.secrets)
}

// Problems scans every buffer against every secret.
func (s *Suite) Problems() []string {
	s.mu.Lock()
	logs, secrets := slices.Clone(s.logs), slices.Clone(s.secrets)
	s.mu.Unlock()
	var found []string
	for _, l := range logs {
		found = append(found, Scan(l.name, l.buf.String(), secrets)...)
	}
	return found
}

// Finish is called by TestMain with m.Run's exit code: it scans, reports
// any finding on stderr and turns a passing code into a failing one.
func (s *Suite) Finish(code int) int {
	found := s.Problems()
	s.mu.Lock()
	n := len(s.logs)
	s.mu.Unlock()
	if len(found) == 0 {
		if code == 0 && testingVerbose() {
			fmt.Printf("logtest: %d captured logs scanned: no secret, every line one JSON object\n", n)
		}
		return code
	}
	fmt.Fprintf(os.Stderr, "logtest: %d problems in the logs of this package:\n", len(found))
	for _, f := range found[:min(len(found), 50)] {
		fmt.Fprintln(os.Stderr, "  "+f)
	}
	return max(code, 1)
}

// testingVerbose reports whether go test runs with -v.
func testingVerbose() bool {
	return slices.Contains(os.Args, "-test.v=true") || slices.Contains(os.Args, "-test.v")
}
